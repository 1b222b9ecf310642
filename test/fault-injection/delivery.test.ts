/**
 * Delivery and receipts under faults: the cross-partition push and the replication notifications,
 * one fault at every call; late and duplicate notifications; redelivered SQS batches; a push that
 * keeps failing. Receipts must say what happened: one final state per delivery, never overridden.
 */
import { FaultPlan } from './support/fake-aws';
import { violations } from './support/invariants';
import { outcomeProblems, printSummary, rawRecords, sweep, useFaultInjection } from './support/scenario';
import { LANDING, PUSH_REGION, type World } from './support/world';

const { world: newWorld } = useFaultInjection();
afterAll(printSummary);

const KEY = 'raw/source=pos/date=2026-06-01/batch-1.jsonl';

describe('a cold start', () => {
  // First in the file: the only push that reads the other partition's credentials (then they are cached).
  test('whose credentials cannot be read yet is retried, and delivers once', async () => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, rawRecords(1)).event);
    const runs = await world.push([(call) => (call.command === 'GetSecretValueCommand' ? 'error' : undefined)]);
    await world.queue(world.replicate('completed'));
    expect(runs.map((run) => run.invocations)).toEqual([2]);
    expect(violations(world, { transfers: 2, settled: true })).toEqual([]);
  });
});

/** A world in which the gateway released both outputs cleanly: one to push, one to replicate. */
async function released(): Promise<{ world: World; problems: string[] }> {
  const world = newWorld();
  const run = await world.gateway(world.putRaw(KEY, rawRecords(3)).event);
  return { world, problems: outcomeProblems(run) };
}

const failedRuns = (runs: { ok: boolean; error?: unknown }[]): string[] => runs.filter((r) => !r.ok).map((r) => `a delivery never succeeded: ${String(r.error)}`);

describe('the cross-partition push, with one fault at every call of the first invocation', () => {
  test('lands the object once and receipts it delivered once, never failed after a push that happened', async () => {
    const result = await sweep('delivery push', async (plan) => {
      const { world, problems } = await released();
      const runs = await world.push([plan]);
      const queued = await world.queue(world.replicate('completed'));
      return { world, expected: { transfers: 2, settled: true }, problems: [...problems, ...failedRuns(runs), ...(queued.deadLettered > 0 ? ['dead-lettered'] : [])] };
    });
    expect(result.failures).toEqual([]);
  });
});

describe('replication notifications, with one fault at every call of the first batch', () => {
  test('a completed replication is receipted delivered once', async () => {
    const result = await sweep('replication completed', async (plan) => {
      const { world, problems } = await released();
      const runs = await world.push();
      const queued = await world.queue(world.replicate('completed'), [plan]);
      return { world, expected: { transfers: 2, settled: true }, problems: [...problems, ...failedRuns(runs), ...(queued.deadLettered > 0 ? ['dead-lettered'] : [])] };
    });
    expect(result.failures).toEqual([]);
  });

  test('a failed replication is receipted failed once (and the object is indeed not there)', async () => {
    const result = await sweep('replication failed', async (plan) => {
      const { world, problems } = await released();
      const runs = await world.push();
      const queued = await world.queue(world.replicate('failed'), [plan]);
      return { world, expected: { transfers: 2, settled: true }, problems: [...problems, ...failedRuns(runs), ...(queued.deadLettered > 0 ? ['dead-lettered'] : [])] };
    });
    expect(result.failures).toEqual([]);
  });

  test('a late "failed" after "completed", with only the notifications to go by, is a notice and the delivery stays delivered', async () => {
    // The harder case: without the object's replication status, a retried "completed" message can
    // arrive after the "failed" one; the unconfirmed failure is recorded as retrying, never final.
    const result = await sweep('late failure (notifications only)', async (plan) => {
      const { world, problems } = await released();
      await world.push();
      const pending = [...world.toReplicate];
      const completed = world.replicate('completed', { reportStatus: false });
      const late = pending.map((created) => world.replicationRecord(created, 'failed'));
      const queued = await world.queue([...completed, ...late], [plan]);
      return { world, expected: { transfers: 2, settled: true }, problems: [...problems, ...(queued.deadLettered > 0 ? ['dead-lettered'] : [])] };
    });
    expect(result.failures).toEqual([]);
  });

  test.each([
    ['after', 'completed first'],
    ['before', 'failed first'],
  ])('a late "failed" %s "completed", with the object reporting it replicated, leaves the delivery delivered', async (_order, which) => {
    const { world, problems } = await released();
    await world.push();
    const pending = [...world.toReplicate];
    const completed = world.replicate('completed');
    const late = pending.map((created) => world.replicationRecord(created, 'failed'));
    await world.queue(which === 'completed first' ? [...completed, ...late] : [...late, ...completed]);
    expect([...problems, ...violations(world, { transfers: 2, settled: true })]).toEqual([]);
    const notices = world.aws.s3.list('paydata-ledger', 'ledger/').map(({ version }) => JSON.parse(version.body.toString('utf8')) as { kind: string; disposition?: string });
    expect(notices.filter((e) => e.kind === 'notice')).toHaveLength(1);
  });

  test('a redelivered message and a batch holding one message twice add nothing', async () => {
    const { world, problems } = await released();
    await world.push();
    const records = world.replicate('completed');
    await world.queue(records, [], { duplicate: true });
    await world.queue(records);
    jest.setSystemTime(Date.now() + 8 * 24 * 3600_000); // after the idempotency records expired
    await world.queue(records);
    expect([...problems, ...violations(world, { transfers: 2, settled: true })]).toEqual([]);
    expect(world.aws.s3.list('paydata-ledger', 'ledger/')).toHaveLength(4); // two declarations, two receipts
  });
});

describe('a push whose process died early, retried a minute later (Lambda\'s asynchronous retries)', () => {
  test('the retries meet the in-progress record and the event goes to the dead-letter queue; its redrive delivers once', async () => {
    const result = await sweep('push, early death, dead-letter redrive', async (plan) => {
      const { world, problems } = await released();
      const runs = await world.push([plan], { retryDelayMs: 60_000 });
      const redriven = runs.some((run) => !run.ok) ? await world.push() : [];
      await world.queue(world.replicate('completed'));
      return { world, expected: { transfers: 2, settled: true }, problems: [...problems, ...failedRuns(redriven)] };
    });
    expect(result.failures).toEqual([]);
  });
});

describe('a push that keeps failing', () => {
  const refusedAtLanding: FaultPlan = (call) => (call.command === 'PutObjectCommand' && call.input.Bucket === LANDING[PUSH_REGION] ? 'error' : undefined);

  test('records each failed attempt as retrying and the last as failed, truthfully: nothing landed', async () => {
    const { world, problems } = await released();
    const runs = await world.push([refusedAtLanding, refusedAtLanding, refusedAtLanding]);
    await world.queue(world.replicate('completed'));
    expect([...problems, ...violations(world, { transfers: 2, settled: true })]).toEqual([]);
    expect(runs[0]?.ok).toBe(true); // the third attempt records the final state and ends the retries
    const receipts = world.aws.s3.list('paydata-ledger', 'ledger/').map(({ version }) => JSON.parse(version.body.toString('utf8')) as { kind: string; status?: string });
    expect(receipts.filter((e) => e.kind === 'receipt' && e.status !== undefined).map((e) => e.status)).toEqual(['retrying', 'retrying', 'failed', 'delivered']);
  });

  test('then succeeding on a retry ends delivered, the retrying receipts before it', async () => {
    const { world, problems } = await released();
    await world.push([refusedAtLanding]);
    await world.queue(world.replicate('completed'));
    expect([...problems, ...violations(world, { transfers: 2, settled: true })]).toEqual([]);
  });
});
