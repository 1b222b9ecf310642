import * as path from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { DataClass } from '../config';
import { CLOUDHSM_CLUSTER_ID, type KeyStoreResourceProperties } from '../../lambda/core/custom-key-store';
import { DATA_CLASS_TAG, RESIDENCY_TAG } from '../vocabulary/data-classes';
import { tagClassified } from './tag-classified';
import { cloudHsmKeyPolicy, cloudHsmProviderPolicy } from './cloudhsm-key-store-policies';
import { isOffered } from '../availability';
import { ShortRetentionLogGroup } from './short-retention-log-group';
import { esbuildCode } from './esbuild-code';

export interface CloudHsmKeyStoreProps {
  /**
   * An existing, initialized CloudHSM cluster in this account and region, with at least two active
   * HSMs in different Availability Zones and a `kmsuser` crypto user, e.g. `cluster-jxhlf7644ne`.
   */
  readonly clusterId: string;
  /**
   * Name of the SSM String parameter holding the cluster's trust anchor certificate (the
   * `customerCA.crt` PEM used to initialize it). Resolved by CloudFormation at deploy time.
   */
  readonly trustAnchorCertificateParameter: string;
  /**
   * Name of the Secrets Manager secret whose SecretString is the `kmsuser` password. Only the
   * provider function reads it, only when it creates the store; it never appears in the template.
   */
  readonly keyStorePasswordSecretName: string;
  /** Region whose law governs the data the key protects; written to the key's `residency` tag. */
  readonly residency: string;
  /** The logs key: the provider's log group and dead-letter queue are encrypted with it. */
  readonly logsKey: kms.IKey;
  /**
   * Days the provider's log events are kept (at most 90).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Name of the custom key store (unique in the account and region). A store of this name that
   * already exists for the same cluster is reused.
   * @default `<stack name>-<data class>-<cluster id>`, so a new cluster gets a new store name
   */
  readonly keyStoreName?: string;
  /**
   * JR/T 0171 class of the data the key protects; written to its `data-class` tag.
   * @default 'C3'
   */
  readonly dataClass?: DataClass;
  /**
   * Generation of the key. KMS never rotates keys in a CloudHSM key store; raising this creates a
   * new key in the same store and points `key` at it (the old one is kept, per `removalPolicy`, to
   * decrypt what it encrypted until that is re-encrypted). See docs/cloudhsm.md.
   * @default 1
   */
  readonly keyGeneration?: number;
  /**
   * Principals that administer the key: administrative actions only, and an explicit Deny of every
   * cryptographic action (separation of duties, as in KeyHierarchy).
   * @default - none besides the account-root delegation every key needs to stay manageable
   */
  readonly administrators?: readonly iam.IPrincipal[];
  /**
   * What happens to the key when the resource is deleted or replaced (e.g. a new cluster).
   * DESTROY schedules its deletion with a 30-day waiting period.
   * @default RemovalPolicy.RETAIN: data encrypted under a deleted key is lost
   */
  readonly removalPolicy?: RemovalPolicy;
}

const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;
const PARAMETER_NAME = /^\/?[\w.\-/]{1,1011}$/;
const KEY_STORE_NAME = /^[\w .,:/_+=@-]{1,256}$/;

/** Every problem with the props, each naming the value received and what is expected. */
function validate(props: CloudHsmKeyStoreProps): string[] {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined, pattern: RegExp, expected: string) => {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!pattern.test(value)) problems.push(`${name}: got "${value}"; expected ${expected}`);
  };
  check('clusterId', props.clusterId, CLOUDHSM_CLUSTER_ID, 'a CloudHSM cluster id such as cluster-jxhlf7644ne');
  check('trustAnchorCertificateParameter', props.trustAnchorCertificateParameter, PARAMETER_NAME, 'an SSM parameter name');
  check('keyStorePasswordSecretName', props.keyStorePasswordSecretName, SECRET_NAME, 'a Secrets Manager secret name');
  check('keyStoreName', props.keyStoreName, KEY_STORE_NAME, 'at most 256 letters, digits, spaces and .,:/_+=@-');
  const generation = props.keyGeneration;
  if (generation !== undefined && !Token.isUnresolved(generation) && !(Number.isInteger(generation) && generation >= 1)) {
    problems.push(`keyGeneration: got ${generation}; expected a whole number from 1`);
  }
  return problems;
}

/**
 * A KMS key whose key material lives in a CloudHSM cluster the customer holds, through a KMS custom
 * key store. CloudFormation can create neither, so a custom resource (lambda/custom-key-store)
 * creates and connects the store and creates the key, with the key policy written in the template.
 *
 * Such keys are SYMMETRIC_DEFAULT only and KMS does **not** rotate them automatically: rotate by
 * raising `keyGeneration` (a new key in the same store), then re-encrypting what the old key
 * protects; see docs/cloudhsm.md. The check packs' rotation rules do not see this key (it is not
 * an AWS::KMS::Key), so this comment and the docs are where the caveat lives.
 *
 * CloudFormation invokes one function directly, which answers at the response URL itself, rather
 * than through the custom-resources Provider framework: the framework adds functions of its own
 * (AWS-managed execution policy, inline grants, a Step Functions waiter for long waits), each a new
 * set of pack findings, while this keeps all IAM in one customer-managed policy.
 *
 * The provider runs outside a VPC: it only calls the KMS, Secrets Manager and X-Ray APIs and the
 * CloudFormation response URL; KMS itself reaches the HSMs.
 */
export class CloudHsmKeyStore extends Construct {
  /** The key in the custom key store. */
  public readonly key: kms.IKey;
  /** Id of the custom key store (`cks-…`). */
  public readonly customKeyStoreId: string;
  /** The custom resource's provider function. */
  public readonly provider: lambda.IFunction;

  constructor(scope: Construct, id: string, props: CloudHsmKeyStoreProps) {
    super(scope, id);
    const problems = validate(props);
    if (problems.length > 0) throw new Error(`CloudHsmKeyStore ${this.node.path}:\n  - ${problems.join('\n  - ')}`);
    const stack = Stack.of(this);
    const dataClass = props.dataClass ?? 'C3';
    const traced = isOffered('lambda:xray-tracing', stack.region);

    const role = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Creates and connects the CloudHSM key store of ${dataClass} and the key in it`,
    });
    const logs = new ShortRetentionLogGroup(this, 'ProviderLogs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays ?? 30,
      residency: props.residency,
    });
    // CloudFormation invokes the provider asynchronously: an invocation that crashes or times out
    // before answering lands here instead of vanishing (the stack then waits for its service timeout).
    const deadLetters = new sqs.Queue(this, 'ProviderDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.logsKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
      // Declares this queue a dead-letter queue, which is what CT.SQS.PR.1 requires of a queue
      // without a redrive policy of its own (a dead-letter queue has none).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    tagClassified(deadLetters, 'logs', props.residency);

    // One managed policy, written by hand: CDK grants would land in an inline DefaultPolicy.
    const policy = new iam.ManagedPolicy(this, 'ProviderPolicy', {
      description: 'Least privilege of the CloudHSM key store provider',
      roles: [role],
      document: cloudHsmProviderPolicy(this, {
        passwordSecretName: props.keyStorePasswordSecretName,
        logGroup: logs.logGroup,
        deadLetterQueue: deadLetters,
        logsKey: props.logsKey,
        dataClass,
        traced,
      }),
    });

    const provider = new lambda.Function(this, 'Provider', {
      code: esbuildCode(path.join(__dirname, '..', '..', 'lambda', 'custom-key-store', 'handler.ts'), { target: 'node24', runtime: lambda.Runtime.NODEJS_24_X }),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      description: `CloudFormation provider of the ${dataClass} key in a CloudHSM custom key store`,
      // Lambda's ceiling: KMS can take up to 20 minutes to connect a store, so waiting is the job.
      timeout: Duration.minutes(15),
      memorySize: 256,
      // The grants CDK would add (X-Ray, dead-letter queue) are in the managed policy instead.
      role: role.withoutPolicyUpdates(),
      logGroup: logs.logGroup,
      // X-Ray does not integrate with Lambda everywhere (not in the China regions): lib/availability.ts.
      tracing: traced ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      // One stack operation at a time: two concurrent Creates would race for the same store name.
      reservedConcurrentExecutions: 1,
      deadLetterQueue: deadLetters,
      // A retried Create could create a second key; the handler answers every failure itself.
      retryAttempts: 0,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    // Lambda checks the role may send to the dead-letter queue when the function is created.
    provider.node.addDependency(policy);
    this.provider = provider;

    const keyPolicy = cloudHsmKeyPolicy({ administrators: props.administrators ?? [], provider: role });
    const policyProblems = keyPolicy.validateForResourcePolicy();
    if (policyProblems.length > 0) throw new Error(`CloudHsmKeyStore ${this.node.path} key policy: ${policyProblems.join('; ')}`);

    const properties: KeyStoreResourceProperties = {
      CustomKeyStoreName: props.keyStoreName ?? `${stack.stackName}-${dataClass.toLowerCase()}-${props.clusterId}`,
      CloudHsmClusterId: props.clusterId,
      TrustAnchorCertificate: ssm.StringParameter.valueForStringParameter(this, props.trustAnchorCertificateParameter),
      KeyStorePasswordSecretId: props.keyStorePasswordSecretName,
      KeyDescription: `${dataClass} personal financial information (JR/T 0171), key material in CloudHSM cluster ${props.clusterId}`,
      KeyGeneration: String(props.keyGeneration ?? 1),
      KeyPolicy: keyPolicy.toJSON() as Record<string, unknown>,
      Tags: [
        { TagKey: DATA_CLASS_TAG, TagValue: dataClass },
        { TagKey: RESIDENCY_TAG, TagValue: props.residency },
      ],
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.functionArn,
      resourceType: 'Custom::CloudHsmKey',
      properties: { ...properties },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // The function's 15 minutes plus a margin: a provider that never answers fails the stack then.
      serviceTimeout: Duration.minutes(20),
    });
    resource.node.addDependency(policy);

    this.customKeyStoreId = resource.getAttString('CustomKeyStoreId');
    this.key = kms.Key.fromKeyArn(this, 'Key', resource.getAttString('KeyArn'));
  }
}
