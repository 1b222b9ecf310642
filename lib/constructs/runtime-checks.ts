import { Duration, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { JudgementPolicy } from '../nag/judgements/verdict';
import { runtimeConfigRules, type RuntimeConfigRule } from '../runtime-checks/catalog';
import type { RuntimeChecksSettings } from '../runtime-checks/settings';
import { allowEventBridgeToNotify, type AlarmRoute, FunctionHealthAlarms } from './alarm-routes';
import { ClassifiedBucket } from './classified-bucket';
import { DataPlaneFunction } from './data-plane-function';

/** Where AWS Config delivers configuration history and snapshots inside the evidence bucket. */
export const CONFIG_DELIVERY_PREFIX = 'config';

export interface RuntimeChecksProps {
  /** The residency policy the CrossBorder pack checks the templates with. */
  readonly policy: JudgementPolicy;
  /** Region of every bucket the app declares, by name (tokens allowed): replication destinations are resolved here. */
  readonly bucketRegions: Readonly<Record<string, string>>;
  /** Names of the buckets the app declares as S3 server-access-log targets. */
  readonly accessLogTargets: readonly string[];
  /** The security alarm topic (the CIS alarms') and its key. */
  readonly route: AlarmRoute;
  /** Encrypts the runtime evidence (the audit key). */
  readonly auditKey: kms.IKey;
  /** Encrypts the custom-rule function's environment and dead letters. */
  readonly environmentKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
  readonly accessLogsBucket: s3.IBucket;
  /** Object Lock COMPLIANCE retention of the runtime evidence, in days. */
  readonly evidenceRetentionDays: number;
  /**
   * Whether this stack creates the AWS Config recorder and delivery channel (see settings.ts).
   * @default 'create'
   */
  readonly configRecorder?: RuntimeChecksSettings['configRecorder'];
}

/**
 * The runtime twins of the CrossBorder rules as AWS Config rules in the home region: managed rules
 * where one judges the same thing, our custom-rule Lambda (the cdk-nag rules' own judgements)
 * otherwise. Every change to NON_COMPLIANT goes, through EventBridge, to the security alarm topic
 * the CIS alarms use. The evidence bucket (Object Lock COMPLIANCE) receives Config's history and
 * the leak canary's records.
 */
export class RuntimeChecks extends Construct {
  public readonly evidence: ClassifiedBucket;
  public readonly evaluator: DataPlaneFunction;
  public readonly rules: config.CfnConfigRule[] = [];
  public readonly nonCompliance: events.Rule;
  public readonly recorder?: config.CfnConfigurationRecorder;

  constructor(scope: Construct, id: string, props: RuntimeChecksProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.evidence = new ClassifiedBucket(this, 'Evidence', {
      dataClass: 'audit',
      encryptionKey: props.auditKey,
      residency: props.residency,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'runtime-evidence/',
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.evidenceRetentionDays)),
    });

    this.evaluator = new DataPlaneFunction(this, 'Evaluator', {
      entry: join(__dirname, '..', '..', 'lambda', 'config-rules', 'handler.ts'),
      description: 'AWS Config custom rule: judges configuration items with the CrossBorder rules\' own judgements',
      environmentKey: props.environmentKey,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: {
        RESIDENCY_POLICY: JSON.stringify({ homeRegion: props.policy.homeRegion, allowedRegions: props.policy.allowedRegions, maxLogRetentionDays: props.policy.maxLogRetentionDays }),
        BUCKET_REGIONS: stack.toJsonString(props.bucketRegions),
        ACCESS_LOG_TARGETS: stack.toJsonString(props.accessLogTargets),
      },
    });
    // PutEvaluations and GetResourceConfigHistory take no resource ARN.
    this.evaluator.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['config:PutEvaluations', 'config:GetResourceConfigHistory'], resources: ['*'], conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } } }),
    );
    this.evaluator.function.addPermission('ConfigInvokes', { principal: new iam.ServicePrincipal('config.amazonaws.com'), sourceAccount: stack.account });
    const invoke = this.evaluator.function.permissionsNode.findChild('ConfigInvokes');
    new FunctionHealthAlarms(this, 'EvaluatorHealth', { function: this.evaluator, route: props.route, purpose: 'AWS Config custom rule (CrossBorder runtime twins)' });

    if ((props.configRecorder ?? 'create') === 'create') this.recorder = this.createRecorder(props);

    for (const rule of runtimeConfigRules()) {
      const created = this.configRule(rule, stack);
      if (rule.source.owner === 'CUSTOM_LAMBDA') created.node.addDependency(invoke);
      if (this.recorder) created.addResourceDependency(this.recorder);
      this.rules.push(created);
    }

    allowEventBridgeToNotify(props.route);
    this.nonCompliance = new events.Rule(this, 'NonCompliant', {
      ruleName: `${stack.stackName}-RuntimeCheckNonCompliant`,
      description: 'A CrossBorder runtime twin (AWS Config rule) found a resource NON_COMPLIANT',
      eventPattern: {
        source: ['aws.config'],
        detailType: ['Config Rules Compliance Change'],
        detail: {
          configRuleName: this.rules.map((r) => r.configRuleName as string),
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
        },
      },
    });
    this.nonCompliance.addTarget(
      new targets.SnsTopic(props.route.topic, {
        message: events.RuleTargetInput.fromText(
          `AWS Config rule ${events.EventField.fromPath('$.detail.configRuleName')} found ${events.EventField.fromPath('$.detail.resourceType')} ${events.EventField.fromPath('$.detail.resourceId')} NON_COMPLIANT in ${events.EventField.fromPath('$.region')} (account ${events.EventField.fromPath('$.account')}). The same rule passed at synth: the live resource changed. See docs/runtime-checks.md.`,
        ),
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.evaluator.deadLetterQueue,
      }),
    );
  }

  private configRule(rule: RuntimeConfigRule, stack: Stack): config.CfnConfigRule {
    const custom = rule.source.owner === 'CUSTOM_LAMBDA';
    return new config.CfnConfigRule(this, rule.name, {
      configRuleName: `${stack.stackName}-${rule.name}`,
      description: custom ? `CrossBorder-${rule.name}, judged on the live resource with the template rule's own judgement` : `Runtime twin of a CrossBorder rule: managed rule ${rule.source.owner === 'AWS' ? rule.source.identifier : ''}`,
      source:
        rule.source.owner === 'CUSTOM_LAMBDA'
          ? { owner: 'CUSTOM_LAMBDA', sourceIdentifier: this.evaluator.function.functionArn, sourceDetails: [{ eventSource: 'aws.config', messageType: 'ConfigurationItemChangeNotification' }, { eventSource: 'aws.config', messageType: 'OversizedConfigurationItemChangeNotification' }] }
          : { owner: 'AWS', sourceIdentifier: rule.source.identifier },
      inputParameters: custom ? { judgement: rule.name } : rule.source.owner === 'AWS' ? rule.source.inputParameters : undefined,
      maximumExecutionFrequency: rule.source.owner === 'AWS' && rule.source.periodic ? 'TwentyFour_Hours' : undefined,
      scope:
        rule.resourceTypes.length === 0
          ? undefined
          : rule.scopeTag
            ? { tagKey: rule.scopeTag.key, tagValue: rule.scopeTag.value }
            : { complianceResourceTypes: [...rule.resourceTypes] },
    });
  }

  /**
   * The Config service-linked role, a recorder of the resource types the rules judge, and a delivery
   * channel into the evidence bucket (KMS with the audit key).
   */
  private createRecorder(props: RuntimeChecksProps): config.CfnConfigurationRecorder {
    const stack = Stack.of(this);
    const serviceLinkedRole = new iam.CfnServiceLinkedRole(this, 'ConfigServiceLinkedRole', {
      awsServiceName: 'config.amazonaws.com',
      description: 'AWS Config recording for the CrossBorder runtime twins',
    });
    const resourceTypes = [...new Set([...runtimeConfigRules().flatMap((r) => r.resourceTypes), 'AWS::CloudTrail::Trail'])].sort();
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig' }),
      recordingGroup: { allSupported: false, includeGlobalResourceTypes: false, resourceTypes },
    });
    recorder.addResourceDependency(serviceLinkedRole);
    const config_ = new iam.ServicePrincipal('config.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'AWS:SourceAccount': stack.account } };
    const bucket = this.evidence.bucket;
    bucket.addToResourcePolicy(new iam.PolicyStatement({ sid: 'ConfigChecksBucket', principals: [config_], actions: ['s3:GetBucketAcl', 's3:ListBucket'], resources: [bucket.bucketArn], conditions: fromThisAccount }));
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigDelivers',
        principals: [config_],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${CONFIG_DELIVERY_PREFIX}/AWSLogs/${stack.account}/Config/*`)],
        conditions: { StringEquals: { 'AWS:SourceAccount': stack.account, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    props.auditKey.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'ConfigDeliversEncrypted', principals: [config_], actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['*'], conditions: fromThisAccount }),
    );
    const channel = new config.CfnDeliveryChannel(this, 'Delivery', {
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: CONFIG_DELIVERY_PREFIX,
      s3KmsKeyArn: props.auditKey.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    channel.addResourceDependency(recorder);
    return recorder;
  }
}
