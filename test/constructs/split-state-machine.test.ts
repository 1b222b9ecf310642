import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { join } from 'node:path';
import { DataPlaneFunction } from '../../lib/constructs/data-plane-function';
import { SplitStateMachine } from '../../lib/constructs/split-state-machine';
import { partEventOf, SPLIT_ASSEMBLE_EVENT, SPLIT_PART_EVENT, type SplitExecutionInput } from '../../lambda/shared/split-events';

function build(region = 'cn-north-1') {
  const stack = new Stack(new App(), 'Home', { env: { account: '111122223333', region } });
  const logsKey = new kms.Key(stack, 'LogsKey');
  const gateway = new DataPlaneFunction(stack, 'Gateway', {
    entry: join(__dirname, '..', '..', 'lambda', 'gateway', 'handler.ts'),
    description: 'gateway',
    environmentKey: new kms.Key(stack, 'EnvKey'),
    logsKey,
    logRetentionDays: 30,
    residency: region,
  });
  const split = new SplitStateMachine(stack, 'Split', { gateway, logsKey, logRetentionDays: 30, residency: region });
  split.grantStartExecution(gateway.role);
  return { stack, split, gateway, template: Template.fromStack(stack) };
}

const { stack, split, gateway, template } = build();
const machineId = stack.getLogicalId(split.stateMachine.node.defaultChild as never);
const functionId = stack.getLogicalId(gateway.function.node.defaultChild as never);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
/** Every statement of every policy attached to a role (inline and managed). */
function statementsOf(roleNode: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = stack.getLogicalId(roleNode.node.defaultChild as never);
  const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
  const attached = JSON.stringify(template.findResources('AWS::IAM::Role')[roleId]?.Properties?.ManagedPolicyArns ?? []);
  return Object.entries(policies)
    .filter(([id, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`) || attached.includes(`"${id}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The state machine's definition, with the ARNs' tokens rendered as placeholders. */
function definition(): { StartAt: string; States: Record<string, Record<string, unknown>> } {
  const machine = template.findResources('AWS::StepFunctions::StateMachine')[machineId];
  const parts = (machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '"TOKEN"'));
  return JSON.parse(parts.join('').replace(/""TOKEN""/g, '"TOKEN"')) as never;
}

describe('SplitStateMachine', () => {
  test('a Distributed Map over the ranges in the execution input (no S3 item reader), then one assembly task', () => {
    const def = definition();
    const map = def.States[def.StartAt] as { Type: string; ItemsPath: string; ItemReader?: unknown; ItemProcessor: { ProcessorConfig: { Mode: string } }; ResultPath: unknown; Next: string; ToleratedFailurePercentage: number };
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemsPath).toBe('$.plan.ranges');
    expect(map.ItemReader).toBeUndefined();
    expect(map.ResultPath).toBeNull();
    // No tolerated failures (absent is none): one failed part fails the execution, and nothing is declared.
    expect(map.ToleratedFailurePercentage ?? 0).toBe(0);
    expect((map as { ToleratedFailureCount?: number }).ToleratedFailureCount ?? 0).toBe(0);
    // The function's own ARN as the resource (the payload alone, not the Invoke envelope): the whole input is the assembly event.
    const assemble = def.States[map.Next] as { Parameters: Record<string, unknown>; End: boolean };
    expect(assemble.Parameters).toEqual({ [`${SPLIT_ASSEMBLE_EVENT}.$`]: '$' });
    expect(assemble.End).toBe(true);
  });

  test("each item is exactly the part event the gateway reads (every field of the SplitPartJob, from the input or the map's item)", () => {
    const def = definition();
    const map = def.States[def.StartAt] as { ItemSelector: Record<string, Record<string, string>> };
    const input: SplitExecutionInput = { source: { bucket: 'b', key: 'raw/k.jsonl', versionId: 'v' }, plan: { objectBytes: 10, digest: 'd', ranges: [{ start: 0, end: 5 }, { start: 5, end: 10 }] }, rules: 'r@1', at: '2026-06-01T00:00:00.000Z' };
    const fields = Object.keys(partEventOf(input, 1)[SPLIT_PART_EVENT]).sort();
    expect(Object.keys(map.ItemSelector[SPLIT_PART_EVENT] ?? {}).map((k) => k.replace(/\.\$$/, '')).sort()).toEqual(fields);
    expect(map.ItemSelector[SPLIT_PART_EVENT]).toMatchObject({ 'range.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'source.$': '$.source' });
  });

  test('least privilege: the role invokes the gateway and manages its own map run; no S3, no other state machine', () => {
    const statements = statementsOf(split.stateMachine.role as never);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(actions).toContain('lambda:InvokeFunction');
    for (const s of statements.filter((x) => actionsOf(x).includes('lambda:InvokeFunction'))) {
      expect(JSON.stringify(s.Resource)).toContain(functionId);
    }
    for (const s of statements.filter((x) => actionsOf(x).some((a) => a.startsWith('states:')))) {
      expect(JSON.stringify(s.Resource)).toContain(machineId);
    }
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  test('the gateway may start this state machine only, by its ARN in the partition (no hard-coded arn:aws:)', () => {
    const starts = statementsOf(gateway.role as never).filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
    expect(starts).toHaveLength(1);
    expect(actionsOf(starts[0] as Statement)).toEqual(['states:StartExecution']);
    const resource = JSON.stringify(stack.resolve(split.stateMachineArn));
    expect(JSON.stringify(starts[0]?.Resource)).toBe(resource);
    expect(resource).toContain('AWS::Partition');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: Match.stringLikeRegexp('^[A-Za-z0-9_-]{1,80}$') });
    const name = template.findResources('AWS::StepFunctions::StateMachine')[machineId]?.Properties.StateMachineName as string;
    expect(resource).toContain(`stateMachine:${name}`);
  });

  test('logs every event to a short-retention log group encrypted with the logs key, without execution data; traced where offered', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }] },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('LogsKey').node.defaultChild as never), 'Arn'] } });
  });

  test('refuses a region where the Distributed Map is not checked', () => {
    expect(() => build('ap-northeast-3')).toThrow(/stepfunctions:distributed-map is not checked for ap-northeast-3/);
  });
});
