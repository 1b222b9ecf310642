import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isOffered } from '../availability';
import { esbuildCode } from './esbuild-code';
import { tagClassified } from './tag-classified';
import { ManagedPolicyRole } from './managed-policy-role';
import { ShortRetentionLogGroup } from './short-retention-log-group';

export interface DataPlaneFunctionProps {
  /** TypeScript entry file (bundled locally by esbuild; no Docker). */
  readonly entry: string;
  /**
   * More entry files bundled into the same asset, by output name (e.g. a worker thread's entry,
   * `{ 'gateway-worker': '.../gateway-worker.ts' }` → `gateway-worker.js` next to `index.js`).
   * @default none
   */
  readonly extraEntries?: Readonly<Record<string, string>>;
  /** What the function does, for reviewers of the template. */
  readonly description: string;
  /** Encrypts the function's environment variables and its dead-letter queue. */
  readonly environmentKey: kms.IKey;
  /** Encrypts its log group. */
  readonly logsKey: kms.IKey;
  /** Days its log events are kept (at most 90). */
  readonly logRetentionDays: number;
  /** Region whose law governs what the function handles; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Environment variables (encrypted at rest with `environmentKey`). Never put secrets here.
   * @default - none besides the service name and source-map support
   */
  readonly environment?: Record<string, string>;
  /**
   * Network placement. Functions that read raw personal data run in private subnets without a route
   * to the internet.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The X-Ray interface endpoint of `vpc`, through which a function in isolated subnets sends its
   * traces; the function is allowed to reach it.
   * @default - none: a function in a VPC is then not traced (it would have no way to send traces)
   */
  readonly xrayEndpoint?: ec2.InterfaceVpcEndpoint;
  /**
   * Subnets within `vpc`.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Concurrency reserved for (and capping) this function, so a flood cannot starve the account.
   * @default 10
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Retries of an asynchronous invocation before the event goes to the dead-letter queue.
   * @default 2
   */
  readonly retryAttempts?: number;
}

/** How a function runs in a region: what the region offers (lib/availability.ts), or the fallback. */
export interface FunctionPlatform {
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  /** esbuild target matching the runtime. */
  readonly bundlingTarget: string;
  /** Whether the region offers X-Ray tracing of Lambda functions. */
  readonly xrayOffered: boolean;
}

/** Node.js 24 on arm64 where offered; Node.js 22 and x86_64 where not; tracing only where X-Ray integrates with Lambda. */
export function functionPlatform(region: string): FunctionPlatform {
  const node24 = isOffered('lambda:nodejs24.x', region);
  return {
    runtime: node24 ? lambda.Runtime.NODEJS_24_X : lambda.Runtime.NODEJS_22_X,
    bundlingTarget: node24 ? 'node24' : 'node22',
    architecture: isOffered('lambda:arm64', region) ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    xrayOffered: isOffered('lambda:xray-tracing', region),
  };
}

/**
 * A Node.js Lambda function with this project's non-negotiables: the current Node.js runtime, a
 * minified bundle with source maps and the AWS SDK left to the runtime, an explicit short-retention
 * encrypted log group (not the legacy `logRetention`), an environment encrypted with a customer key,
 * X-Ray tracing wherever traces can be sent (the region integrates X-Ray with Lambda, and the function
 * is outside a VPC or its VPC has an X-Ray endpoint), JSON logs, reserved concurrency, an encrypted dead-letter queue so no failed event
 * is lost, and a role whose permissions live in a customer-managed policy.
 */
export class DataPlaneFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: ManagedPolicyRole;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly logGroup: ShortRetentionLogGroup;
  /** Whether the function is traced with X-Ray (only where its traces can be sent). */
  public readonly traced: boolean;

  constructor(scope: Construct, id: string, props: DataPlaneFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = new ShortRetentionLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      residency: props.residency,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.environmentKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Declares this queue a dead-letter queue (what CT.SQS.PR.1 looks for on a queue without a
      // redrive policy of its own). It holds failed events: object references, never records.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    tagClassified(this.deadLetterQueue, 'logs', props.residency);

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role: ${props.description}`,
    });
    // Writing to its own log group only (the managed AWSLambdaBasicExecutionRole allows every group);
    // the group's ARN attribute ends in ':*', which covers its streams.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroup.logGroupArn] }),
    );
    if (props.vpc) {
      // ENI management for VPC placement; EC2 does not support resource-level scoping of Create/Describe.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
        }),
      );
    }

    const platform = functionPlatform(stack.region);
    const traced = platform.xrayOffered && (!props.vpc || props.xrayEndpoint !== undefined);
    this.traced = traced;
    this.function = new lambda.Function(this, 'Function', {
      code: esbuildCode(props.entry, { target: platform.bundlingTarget, runtime: platform.runtime, ...(props.extraEntries === undefined ? {} : { extraEntries: props.extraEntries }) }),
      handler: 'index.handler',
      description: props.description,
      runtime: platform.runtime,
      architecture: platform.architecture,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      role: this.role,
      logGroup: this.logGroup.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: traced ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environmentEncryption: props.environmentKey,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        // Powertools' tracer stays quiet where the function is not traced.
        ...(traced ? {} : { POWERTOOLS_TRACE_ENABLED: 'false' }),
        ...props.environment,
      },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 10,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? 2,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }) : undefined,
    });
    if (traced && props.xrayEndpoint) {
      props.xrayEndpoint.connections.allowDefaultPortFrom(this.function, 'HTTPS to X-Ray: traces of the function');
    }
  }

  /**
   * The function as an EventBridge target: undeliverable events (throttling, errors after EventBridge's
   * own retries for up to a day) go to the function's dead-letter queue, so no event is lost.
   */
  public asEventTarget(): targets.LambdaFunction {
    return new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(24) });
  }
}
