/**
 * Concurrent writers with lost responses, and whole pipelines under random faults of every kind:
 * live events, backfill and duplicates racing, delivery racing, Lambda and SQS retries, then a
 * redrive of whatever exhausted its retries. Seeded, so a failure is reproducible from its seed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { LedgerStore } from '../../lambda/shared/ledger-store';
import { declarationBody } from '../support/ledger-fixtures';
import { ledgerOf, violations } from './support/invariants';
import { countScenarios, outcomeProblems, printSummary, randomFaults, rawRecords, useFaultInjection } from './support/scenario';
import { HEAD_TABLE, LEDGER_BUCKET, OUTBOUND_BUCKET, type Run, type World } from './support/world';

const { world: newWorld } = useFaultInjection();
afterAll(printSummary);

/** The time a writer's n-th try takes as its declaredAt. */
const tryTime = (retry: number): string => new Date(Date.parse('2026-06-01T08:00:00Z') + retry * 60_000).toISOString();

describe('12 writers appending at once, 30% of responses lost, one retry each', () => {
  test('the ledger ends with one entry per body (no second seq, the first try\'s declaredAt) and a chain that verifies', async () => {
    const started = performance.now();
    for (const seed of [1, 2, 3]) {
      const world = newWorld();
      const ledger = new LedgerStore({ s3: new S3Client({}), dynamodb: new DynamoDBClient({}), bucket: LEDGER_BUCKET, headTable: HEAD_TABLE, sleep: async () => undefined });
      const bodies = Array.from({ length: 12 }, (_, i) => declarationBody(i + 1));
      // Each try builds its body anew, with the time it starts at, as the gateway does.
      const attempt = (i: number, retry: number) => ({
        name: `writer-${i}`,
        fn: () => ledger.appendOnce({ ...bodies[i]!, declaredAt: tryTime(retry) }),
        plans: retry < 2 ? [randomFaults(seed * 100 + i * 10 + retry, 0.3, ['lost'])] : [],
      });
      const first = await world.rounds(bodies.map((_, i) => attempt(i, 0)), { maxInvocations: 1 });
      const second = await world.rounds(bodies.map((_, i) => attempt(i, 1)).filter((_, i) => !first[i]!.ok), { maxInvocations: 1 });
      // Whatever still failed is retried again, without faults: the work must converge, not fork.
      const failedTwice = bodies.map((_, i) => i).filter((i) => !first[i]!.ok).filter((_, k) => !second[k]!.ok);
      await world.rounds(failedTwice.map((i) => attempt(i, 2)));
      const { entries, problems } = ledgerOf(world);
      expect(problems).toEqual([]);
      expect(entries).toHaveLength(12);
      expect(new Set(entries.map((e) => (e.kind === 'declaration' ? e.idempotencyKey : '')))).toEqual(new Set(bodies.map((b) => b.idempotencyKey)));
      for (const entry of entries) {
        if (entry.kind === 'declaration') expect([0, 1, 2].map(tryTime)).toContain(entry.declaredAt);
      }
      expect(first.some((run) => !run.ok)).toBe(true); // the faults did bite
    }
    countScenarios('12 writers, 30% lost, one retry', 3, performance.now() - started);
  });
});

/** Re-runs, without faults, every gateway event whose retries were used up (a redrive of its dead-letter queue). */
async function redrive(world: World, events: readonly unknown[], runs: readonly Run<unknown>[]): Promise<Run<unknown>[]> {
  return world.gatewayAll(events.filter((_, i) => !runs[i]?.ok));
}

describe('12 live events at once, 30% of responses lost, one retry each', () => {
  test('no transfer is declared twice and nothing undeclared is released; after a redrive every output is there once', async () => {
    const started = performance.now();
    const world = newWorld();
    const events = Array.from({ length: 12 }, (_, i) => world.putRaw(`raw/source=pos/date=2026-06-01/batch-${i}.jsonl`, rawRecords(2, i)).event);
    const runs = await world.gatewayAll(events, (i) => [randomFaults(7 + i, 0.3, ['lost']), randomFaults(70 + i, 0.3, ['lost'])], { maxInvocations: 2 });
    expect(runs.some((run) => !run.ok)).toBe(true);
    const midway = violations(world, { transfers: -1 }).filter((v) => !/declarations for -1 transfers|is missing|headcount|audit: .*missing/.test(v));
    expect(midway).toEqual([]);
    await redrive(world, events, runs);
    await world.push([], { concurrent: true });
    expect(violations(world, { transfers: 24 })).toEqual([]);
    countScenarios('12 live events, 30% lost, one retry', 1, performance.now() - started);
  });
});

describe('whole pipelines under random faults of every kind', () => {
  const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

  test.each(SEEDS)('seed %i: live, backfill and duplicate events racing, delivery racing, retries and a redrive end in the truth', async (seed) => {
    const started = performance.now();
    const world = newWorld();
    const a = world.putRaw('raw/source=pos/date=2026-06-01/a.jsonl', rawRecords(2, seed));
    const b1 = world.putRaw('raw/source=pos/date=2026-06-01/b.jsonl', rawRecords(2, seed + 100));
    const b2 = world.putRaw('raw/source=pos/date=2026-06-01/b.jsonl', rawRecords(3, seed + 200));
    const c = world.putRaw('raw/source=pos/date=2026-06-02/c.jsonl', rawRecords(1, seed + 300));
    const events = [a.event, b1.event, b2.event, c.event, world.backfillBatch(), a.event];
    const faults = (i: number) => [0, 1, 2].map((retry) => randomFaults(seed * 1000 + i * 10 + retry, 0.15));
    const runs = await world.gatewayAll(events, faults);
    const redriven = await redrive(world, events, runs);
    const afterGateway = ledgerOf(world).entries.map((e) => (e.kind === 'declaration' ? `${e.seq} ${e.idempotencyKey}` : e.kind));
    const problems = runs.filter((run) => run.ok).flatMap((run) => outcomeProblems(run as never));

    await world.push(faults(50), { concurrent: true });
    await world.push(); // redrive
    const records = world.replicate('completed');
    await world.queue([...records, ...records.slice(0, 1)], faults(60));
    await world.queue(world.deadLetters.splice(0)); // redrive
    const found = violations(world, { transfers: 8, settled: true });
    if (found.length > 0) console.log(JSON.stringify({ runs: runs.map((r) => [r.ok, String(r.error)]), redriven: redriven.map((r) => [r.ok, String(r.error)]), afterGateway, now: ledgerOf(world).entries.map((e) => (e.kind === 'declaration' ? `${e.seq} ${e.idempotencyKey}` : `${e.seq} ${e.kind}`)) }, null, 1));
    expect([...problems, ...found]).toEqual([]);
    expect(world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/')).toHaveLength(8);
    countScenarios(`random pipeline seed ${seed}`, 1, performance.now() - started);
  });
});
