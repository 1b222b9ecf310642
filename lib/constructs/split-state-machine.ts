import { ArnFormat, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { isOffered, requireOffered } from '../availability';
import { SPLIT_ASSEMBLE_EVENT, SPLIT_PART_EVENT, type SplitPartJob } from '../../lambda/shared/split-events';
import type { DataPlaneFunction } from './data-plane-function';
import { ManagedPolicyRole, moveMapRunPermissions } from './managed-policy-role';
import { ShortRetentionLogGroup } from './short-retention-log-group';

export interface SplitStateMachineProps {
  /** The gateway function that desensitizes each part and assembles the output (the same code as the live path). */
  readonly gateway: DataPlaneFunction;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
  /**
   * Parts desensitized at once (keep below the gateway's concurrency).
   * @default 8
   */
  readonly maxConcurrency?: number;
}

/**
 * Where each part's fields come from in the execution's input: the item selector of the map, field
 * for field the `SplitPartJob` the gateway reads (lambda/shared/split-events.ts).
 */
const PART_FIELDS: { readonly [K in keyof SplitPartJob]-?: string } = {
  source: '$.source',
  digest: '$.plan.digest',
  objectBytes: '$.plan.objectBytes',
  index: '$$.Map.Item.Index',
  range: '$$.Map.Item.Value',
  rules: '$.rules',
  at: '$.at',
};

/**
 * The split of objects too large for one gateway invocation (issue 16; docs/ledger.md, "Objects too
 * large for one invocation"): a Step Functions Distributed Map over the byte ranges the gateway
 * computed, one gateway invocation per part, then one assembly that declares once and releases.
 *
 * The items are the ranges themselves, passed in the execution's input (`ItemsPath`), not read by
 * one of Step Functions' S3 item readers: a reader over the raw object would make its records (raw
 * personal data) the map's items, and so part of the execution's state and history; the ranges are
 * byte offsets, at most MAX_SPLIT_PARTS of them (well inside the input's 256 KiB), so no item list
 * object, and no S3 permission for the state machine, is needed. The role can invoke the gateway and
 * manage its own map run, nothing else. Its name is fixed (from the construct path), so the gateway
 * can be given its ARN without a dependency cycle (the state machine depends on the function).
 */
export class SplitStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's ARN, built from its name (no reference to the resource). */
  public readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: SplitStateMachineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region)) {
      requireOffered('stepfunctions:distributed-map', stack.region, 'the split of objects too large for one invocation', 'Choose a home region where it is offered, or check the service page and add a row to lib/availability.ts.');
    }
    const stateMachineName = Names.uniqueResourceName(this, { maxLength: 80, separator: '-', allowedSpecialCharacters: '-_' });
    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const retry = { errors: ['States.TaskFailed'], maxAttempts: 2, interval: Duration.seconds(10), backoffRate: 2 };
    const part = new tasks.LambdaInvoke(this, 'TransferPart', { lambdaFunction: props.gateway.function, payloadResponseOnly: true, retryOnServiceExceptions: true });
    part.addRetry(retry);
    const map = new sfn.DistributedMap(this, 'EveryPart', {
      itemsPath: '$.plan.ranges',
      itemSelector: { [SPLIT_PART_EVENT]: Object.fromEntries(Object.entries(PART_FIELDS).map(([field, path]) => [`${field}.$`, path])) },
      maxConcurrency: props.maxConcurrency ?? 8,
      toleratedFailurePercentage: 0,
      // The part outcomes hold counts only, and the assembly reads the summaries from S3: the map's
      // result is dropped, so the assembly gets the execution's input.
      resultPath: sfn.JsonPath.DISCARD,
      label: 'Split',
    });
    map.itemProcessor(part);
    const assemble = new tasks.LambdaInvoke(this, 'AssembleDeclareRelease', {
      lambdaFunction: props.gateway.function,
      payload: sfn.TaskInput.fromObject({ [SPLIT_ASSEMBLE_EVENT]: sfn.JsonPath.entirePayload }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    assemble.addRetry(retry);

    const logs = new ShortRetentionLogGroup(this, 'Logs', { encryptionKey: props.logsKey, retentionDays: props.logRetentionDays, residency: props.residency });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Split: run the gateway on each part of an object too large for one invocation, then the assembly',
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(map.next(assemble)),
      role,
      tracingEnabled: isOffered('stepfunctions:xray-tracing', stack.region),
      logs: { destination: logs.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(24),
      comment: 'Split an object too large for one gateway invocation into byte ranges; assemble, declare once, release',
    });
    moveMapRunPermissions(this, this.stateMachine, role, 'Split: manage the child executions of its own distributed map');
  }

  /** Start executions of this state machine, and of no other (the gateway hands objects over). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['states:StartExecution'], resourceArns: [this.stateMachineArn] });
  }
}
