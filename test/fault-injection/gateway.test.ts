/**
 * The gateway under faults: every SDK call of an invocation × every fault kind, then Lambda's
 * retries; the live event and the backfill of one version; two versions of one key; a version that
 * arrives between the backfill's listing and its run; duplicate events.
 */
import { deliverAll, outcomeProblems, printSummary, rawRecords, sweep, useFaultInjection } from './support/scenario';
import { violations } from './support/invariants';
import type { GatewayResult, Run } from './support/world';

type GatewayRun = Run<GatewayResult>;

const { world: newWorld } = useFaultInjection();
afterAll(printSummary);

const KEY = 'raw/source=pos/date=2026-06-01/batch-1.jsonl';
const OTHER = 'raw/source=pos/date=2026-06-01/batch-2.jsonl';

describe('a cold start', () => {
  // First in the file: the only invocation that derives the token key from KMS (then it is cached).
  test('whose KMS call fails is retried, derives the key then, and transfers once', async () => {
    const world = newWorld();
    const run = await world.gateway(world.putRaw(KEY, rawRecords(1)).event, [(call) => (call.command === 'GenerateMacCommand' ? 'error' : undefined)]);
    expect(run.invocations).toBe(2);
    expect([...outcomeProblems(run), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 2, settled: true })).toEqual([]);
  });
});

describe('a live event, with one fault at every call of the first invocation', () => {
  test('every scenario ends with one declaration per output, a valid chain, truthful receipts and counts that add up', async () => {
    const result = await sweep('gateway live event', async (plan) => {
      const world = newWorld();
      const run = await world.gateway(world.putRaw(KEY, rawRecords(3)).event, [plan]);
      return { world, expected: { transfers: 2, settled: true }, problems: [...outcomeProblems(run), ...(await deliverAll(world))] };
    });
    expect(result.calls).toBeGreaterThanOrEqual(20);
    expect(result.failures).toEqual([]);
  });
});

describe('a backfill item (no version), with one fault at every call, then the live event of the same version', () => {
  test('resolves the version before keying: one declaration per transfer, whichever path finishes it', async () => {
    const result = await sweep('backfill faulted, then live', async (plan) => {
      const world = newWorld();
      const { event } = world.putRaw(KEY, rawRecords(2));
      const backfill = await world.gateway(world.backfillBatch(), [plan]);
      const live = await world.gateway(event);
      return { world, expected: { transfers: 2 }, problems: [...outcomeProblems(backfill), ...outcomeProblems(live)] };
    });
    expect(result.failures).toEqual([]);
  });
});

describe('a backfill retried the way Step Functions retries it (10 s later, the process having died early)', () => {
  test('fails while the crashed invocation still holds its idempotency record, and a redrive finishes the transfer once', async () => {
    const result = await sweep('backfill, Step Functions retries, then a redrive', async (plan) => {
      const world = newWorld();
      world.putRaw(KEY, rawRecords(2));
      const batch = world.backfillBatch();
      const run = await world.gateway(batch, [plan], { retryDelayMs: 10_000 });
      const redrive = run.ok ? run : await world.gateway(batch);
      return { world, expected: { transfers: 2 }, problems: outcomeProblems(redrive) };
    });
    expect(result.failures).toEqual([]);
  });
});

describe('the live event and the backfill of the same version', () => {
  test('the backfill after the live event finds it done, wherever the backfill fails', async () => {
    const result = await sweep('live, then backfill faulted', async (plan) => {
      const world = newWorld();
      const { event } = world.putRaw(KEY, rawRecords(2));
      const live = await world.gateway(event);
      const backfill = await world.gateway(world.backfillBatch(), [plan]);
      return { world, expected: { transfers: 2 }, problems: [...outcomeProblems(live), ...outcomeProblems(backfill)] };
    });
    expect(result.failures).toEqual([]);
  });

  test('a batch of two items, the process killed between them, resumes with the second', async () => {
    const world = newWorld();
    world.putRaw(KEY, rawRecords(2));
    world.putRaw(OTHER, rawRecords(2, 1));
    // Two rules per item: the third release is the second item's first; the process dies right after it.
    let copies = 0;
    const run = await world.gateway(world.backfillBatch(), [(call) => (call.command === 'CopyObjectCommand' && ++copies === 3 ? 'crash' : undefined)]);
    expect(run.invocations).toBe(2);
    expect([...outcomeProblems(run), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 4, settled: true })).toEqual([]);
  });

  test('at the same time, the same output is declared once and both runs report it', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, rawRecords(2));
    const [live, backfill] = (await world.gatewayAll([event, world.backfillBatch()])) as [GatewayRun, GatewayRun];
    expect([...outcomeProblems(live), ...outcomeProblems(backfill), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 2, settled: true })).toEqual([]);
    const seqs = (run: typeof live) => run.result?.results.flatMap((r) => r.outcomes.map((o) => o.declarationSeq)).sort();
    expect(seqs(live)).toEqual(seqs(backfill));
  });
});

describe('two versions of one raw key', () => {
  test('write two outputs under versioned keys and declare each once, even at the same time', async () => {
    const world = newWorld();
    const first = world.putRaw(KEY, rawRecords(2));
    const second = world.putRaw(KEY, rawRecords(3, 5));
    const runs = await world.gatewayAll([first.event, second.event, first.event]);
    expect([...runs.flatMap(outcomeProblems), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 4, settled: true })).toEqual([]);
    const keys = runs[0]?.result?.results[0]?.outcomes.map((o) => o.outputKey);
    expect(keys?.every((key) => String(key).includes(`/version=${first.versionId}/`))).toBe(true);
  });

  test('a version that arrives between the listing and the backfill run is transferred once, under its own key', async () => {
    const world = newWorld();
    const first = world.putRaw(KEY, rawRecords(2));
    const listed = world.backfillBatch();
    const second = world.putRaw(KEY, rawRecords(3, 5));
    // The backfill resolves the current version (the second) and meets its live event; the first has its own.
    const runs = await world.gatewayAll([listed, second.event, first.event]);
    expect([...runs.flatMap(outcomeProblems), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 4, settled: true })).toEqual([]);
    expect(runs[0]?.result?.results[0]).toMatchObject({ versionId: second.versionId });
  });
});

describe('duplicate events', () => {
  test('the same event delivered three times (twice at once, once a day later) declares once', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, rawRecords(2));
    const runs = await world.gatewayAll([event, event]);
    jest.setSystemTime(Date.now() + 24 * 3600_000);
    runs.push(await world.gateway(event));
    expect([...runs.flatMap(outcomeProblems), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 2, settled: true })).toEqual([]);
  });

  test('a redrive after the idempotency record expired (a week later) finds the declarations and releases nothing new', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, rawRecords(2));
    const first = await world.gateway(event);
    jest.setSystemTime(Date.now() + 8 * 24 * 3600_000);
    const redrive = await world.gateway(event);
    expect([...outcomeProblems(first), ...outcomeProblems(redrive), ...(await deliverAll(world))]).toEqual([]);
    expect(violations(world, { transfers: 2, settled: true })).toEqual([]);
    expect(redrive.result?.results[0]?.outcomes.map((o) => o.resumed)).toEqual([true, true]);
  });
});
