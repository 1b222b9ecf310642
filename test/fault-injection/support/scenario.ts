/**
 * Shared set-up of the fault-injection tests: the fake clock, the SDK interception, the handlers
 * loaded once, a fresh world per scenario, raw record files, and the systematic enumeration of
 * (call index × fault kind) over one invocation.
 */
import { describeCall, type FaultKind, type FaultPlan, FAULT_KINDS, FakeAws, interceptSdk } from './fake-aws';
import { type Expectations, violations } from './invariants';
import { type Handlers, loadHandlers, type Run, World } from './world';

let active: FakeAws | undefined;
let handlers: Handlers | undefined;

/** Call in a describe block's scope: installs the clock and the interception, loads the handlers. */
export function useFaultInjection(): { world: () => World } {
  let restore: () => void = () => undefined;
  beforeAll(() => {
    jest.useFakeTimers({
      now: new Date('2026-06-01T08:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'],
    });
    const restoreSdk = interceptSdk(() => {
      if (active === undefined) throw new Error('no fake AWS is active');
      return active;
    });
    // The ledger's back-off waits (full jitter, up to a second) keep their order but take at most a
    // millisecond of real time: the suite stays fast and writers still interleave.
    const realSetTimeout = global.setTimeout;
    const compressed = jest
      .spyOn(global, 'setTimeout')
      .mockImplementation(((fn: () => void, ms?: number) => realSetTimeout(fn, Math.min(ms ?? 0, 1))) as never);
    restore = () => {
      compressed.mockRestore();
      restoreSdk();
    };
    handlers ??= loadHandlers();
  });
  afterAll(() => {
    restore();
    jest.useRealTimers();
  });
  return {
    world: () => {
      const world = new World(handlers as Handlers);
      active = world.aws;
      return world;
    },
  };
}

/**
 * A raw payment file of `n` records: settlement records a rule keeps (the payer's mobile is the
 * subject token), one with a card security code and one unparseable line, both quarantined.
 */
export function rawRecords(n: number, seed = 0): string {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const id = seed * 1000 + i;
    lines.push(
      JSON.stringify({
        txn: { tradeNo: `2026060122001${String(id).padStart(15, '0')}`, amount: 100 + id },
        payer: { idNumber: '11010519491231002X', mobile: `138${String(id % 7).padStart(8, '0')}`, name: '张三' },
        card: { pan: '6222021234567890123' },
        memo: `order ${id}`,
      }),
    );
  }
  lines.push(JSON.stringify({ txn: { tradeNo: '2026060122001999999999999999' }, card: { pan: '4111111111111111', cvv: '123' } }));
  lines.push('not json at all');
  return `${lines.join('\n')}\n`;
}

/** A plan that injects one fault at one call index of the invocation it is given to. */
export function faultAt(index: number, kind: FaultKind): FaultPlan {
  return (call) => (call.index === index ? kind : undefined);
}

/** A plan that injects a fault of a random kind into a share of the calls (seeded: reproducible). */
export function randomFaults(seed: number, share: number, kinds: readonly FaultKind[] = FAULT_KINDS): FaultPlan {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  return () => (next() < share ? kinds[Math.floor(next() * kinds.length)] : undefined);
}

/** Every (call index, fault kind) of an invocation that makes `calls` SDK calls. */
export function everyFault(calls: number): { index: number; kind: FaultKind }[] {
  return Array.from({ length: calls }, (_, index) => FAULT_KINDS.map((kind) => ({ index, kind }))).flat();
}

/** What a scenario reports: its world, the end state it expects, and problems it saw on the way. */
export interface Outcome {
  readonly world: World;
  readonly expected: Expectations;
  readonly problems?: readonly string[];
}

export interface SweepResult {
  /** SDK calls the faulted invocation makes when nothing goes wrong. */
  readonly calls: number;
  /** Scenarios run: the clean one and one per (call, fault kind). */
  readonly scenarios: number;
  /** Each scenario that ended in a state violating an invariant, with the fault and the violations. */
  readonly failures: readonly string[];
}

const sweeps: { name: string; scenarios: number; ms: number }[] = [];

/**
 * Runs a scenario clean to count the SDK calls of the invocation it gives `plan` to, then once for
 * every (call index × fault kind) with that one fault injected there, each in a fresh world, and
 * checks the invariants after each.
 */
export async function sweep(name: string, scenario: (plan: FaultPlan) => Promise<Outcome>): Promise<SweepResult> {
  const realStart = performance.now();
  let calls = 0;
  const failures: string[] = [];
  const check = (label: string, outcome: Outcome): void => {
    const problems = [...(outcome.problems ?? []), ...violations(outcome.world, outcome.expected)];
    if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
  };
  check(
    'no fault',
    await scenario((call) => {
      calls = Math.max(calls, call.index + 1);
      return undefined;
    }),
  );
  for (const { index, kind } of everyFault(calls)) {
    let where = `call ${index}`;
    const outcome = await scenario((call) => {
      if (call.index !== index) return undefined;
      where = `call ${index} (${describeCall(call.command, call.input)})`;
      return kind;
    });
    check(`${kind} at ${where}`, outcome);
  }
  sweeps.push({ name, scenarios: 1 + calls * FAULT_KINDS.length, ms: performance.now() - realStart });
  return { calls, scenarios: 1 + calls * FAULT_KINDS.length, failures };
}

/** Counts scenarios outside sweeps (concurrency, random faults) for the summary. */
export function countScenarios(name: string, scenarios: number, ms: number): void {
  sweeps.push({ name, scenarios, ms });
}

/** With FAULT_SUMMARY=1, prints one line per sweep: how many scenarios, how long. */
export function printSummary(): void {
  if (process.env.FAULT_SUMMARY !== '1') return;
  const total = sweeps.reduce((sum, s) => sum + s.scenarios, 0);
  process.stdout.write(`${sweeps.map((s) => `${s.name}: ${s.scenarios} scenarios, ${s.ms.toFixed(0)} ms`).join('\n')}\ntotal: ${total} scenarios\n`);
}

/** The counts of every outcome add up: records in = out + quarantined. */
export function outcomeProblems(run: Run<{ results: Array<{ outcomes: Array<Record<string, unknown>> }> }>): string[] {
  if (!run.ok) return [`the gateway never succeeded: ${String(run.error)}`];
  const problems: string[] = [];
  for (const result of run.result?.results ?? []) {
    for (const outcome of result.outcomes) {
      if (outcome.status === 'transferred' && outcome.read !== (outcome.written as number) + (outcome.quarantined as number)) {
        problems.push(`${String(outcome.rule)}: read ${String(outcome.read)} ≠ written ${String(outcome.written)} + quarantined ${String(outcome.quarantined)}`);
      }
    }
  }
  return problems;
}

/** Runs delivery to its end: every push, then S3 replication (completed) and its notifications. */
export async function deliverAll(world: World): Promise<string[]> {
  const pushes = await world.push();
  const queued = await world.queue(world.replicate('completed'));
  return [
    ...pushes.filter((run) => !run.ok).map((run) => `a push never succeeded: ${String(run.error)}`),
    ...(queued.deadLettered > 0 ? [`${queued.deadLettered} replication notifications went to the dead-letter queue`] : []),
  ];
}
