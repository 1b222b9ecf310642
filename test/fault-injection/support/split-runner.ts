/**
 * Plays the split state machine (lib/constructs/split-state-machine.ts) over the fake: for each
 * execution the gateway started, the Distributed Map's items (one gateway invocation per part,
 * retried as the task's retry policy does: three attempts, 10 s apart), then, only when every part
 * succeeded, the assembly task (same retries). A part or an assembly that fails all its attempts
 * fails the execution; `redrive` runs a failed execution again, its map only over the parts that
 * had not succeeded (as a Step Functions redrive does).
 */
import type { Context } from 'aws-lambda';
import { assembleEventOf, partEventOf, type SplitExecutionInput } from '../../../lambda/shared/split-events';
import type { FakeExecution } from './fake-sfn';
import type { GatewayResult, RetryPlans, Run, World } from './world';

/** The task's retry policy: the first attempt and two retries, 10 s apart (split-state-machine.ts). */
const TASK_ATTEMPTS = 3;
const RETRY_INTERVAL_MS = 10_000;

export interface SplitRunOptions {
  /** Fault plans of part `index`'s attempts. */
  readonly partPlans?: (index: number) => RetryPlans;
  /** Fault plans of the assembly's attempts. */
  readonly assemblePlans?: RetryPlans;
  /** Attempts per task. @default TASK_ATTEMPTS */
  readonly attempts?: number;
}

export interface SplitRun {
  readonly execution: FakeExecution;
  readonly input: SplitExecutionInput;
  readonly parts: readonly Run<GatewayResult>[];
  readonly assembly?: Run<GatewayResult>;
}

async function runExecution(world: World, execution: FakeExecution, options: SplitRunOptions): Promise<SplitRun> {
  const input = JSON.parse(execution.input) as SplitExecutionInput;
  const settings = { maxInvocations: options.attempts ?? TASK_ATTEMPTS, retryDelayMs: RETRY_INTERVAL_MS };
  const todo = input.plan.ranges.map((_, i) => i).filter((i) => !execution.partsDone.has(i));
  const parts = await world.rounds(
    todo.map((index) => ({
      name: `part-${index + 1}`,
      fn: (context: Context) => world.handlers.gateway(partEventOf(input, index), context),
      plans: options.partPlans?.(index) ?? [],
    })),
    settings,
  );
  parts.forEach((run, k) => {
    if (run.ok) execution.partsDone.add(todo[k] as number);
  });
  if (parts.some((run) => !run.ok)) {
    execution.status = 'FAILED';
    return { execution, input, parts };
  }
  const assembly = await world.lambda('assemble', (context) => world.handlers.gateway(assembleEventOf(input), context), options.assemblePlans ?? [], settings);
  execution.status = assembly.ok ? 'SUCCEEDED' : 'FAILED';
  return { execution, input, parts, assembly };
}

/** Runs every execution the gateway started and that is still running. */
export async function runSplits(world: World, options: SplitRunOptions = {}): Promise<SplitRun[]> {
  const runs: SplitRun[] = [];
  for (const execution of world.aws.sfn.running()) runs.push(await runExecution(world, execution, options));
  return runs;
}

/** Redrives a failed execution: the parts that had not succeeded, then the assembly. */
export async function redrive(world: World, execution: FakeExecution, options: SplitRunOptions = {}): Promise<SplitRun> {
  if (execution.status !== 'FAILED') throw new Error(`only a failed execution is redriven; ${execution.name} is ${execution.status}`);
  execution.status = 'RUNNING';
  return runExecution(world, execution, options);
}
