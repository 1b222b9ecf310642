/**
 * Objects too large for one gateway invocation (issue 16, part 2), through the real handler over the
 * fake AWS, with the split state machine played by split-runner.ts. The reference for every output
 * is the object done whole by `transferObject` (no split configured) in a fresh world: the split must
 * release the same bytes, declare them once with the parts listed, and never declare a partial output.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { compileTransferRule } from '../../lambda/core/desensitize';
import { tokenize } from '../../lambda/core/tokens';
import type { DeclarationEntry } from '../../lambda/core/ledger';
import { readGatewayEnvironment } from '../../lambda/gateway/environment';
import { HeadcountStore } from '../../lambda/gateway/headcount-store';
import { s3TransferPorts } from '../../lambda/gateway/s3-ports';
import { deriveTokenKey } from '../../lambda/gateway/token-key';
import { transferObject } from '../../lambda/gateway/transfer-object';
import { LedgerStore } from '../../lambda/shared/ledger-store';
import type { FaultPlan } from './support/fake-aws';
import { violations } from './support/invariants';
import { useFaultInjection } from './support/scenario';
import { redrive, runSplits } from './support/split-runner';
import { ENVIRONMENT, HEAD_TABLE, HEADCOUNT_TABLE, LEDGER_BUCKET, OUTBOUND_BUCKET, RAW_BUCKET, type World } from './support/world';

const MiB = 1024 * 1024;
// Read by the handler module when the fault-injection set-up loads it (after this file's body runs).
process.env.SPLIT_STATE_MACHINE_ARN = 'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:paydata-split-objects';
process.env.SPLIT_OBJECT_BYTES = String(20 * MiB);
// Outputs over 8 MiB are released as a multipart copy, as one over CopyObject's 5 GiB would be.
process.env.RELEASE_COPY_MAX_BYTES = String(8 * MiB);
// The handler desensitizes in its own thread (threads.test.ts covers the worker pool): a pool per part
// invocation was a third of this suite's CPU (27 -> 18.5 CPU-s). The references done whole below still
// run on worker threads, so every byte-for-byte comparison is also one across thread counts.
process.env.GATEWAY_THREADS = '1';
// The suppression list, read by the hand-over and by every part (absent: nobody is suppressed).
process.env.SUPPRESSION_BUCKET = RAW_BUCKET;
const SUPPRESSION_KEY = 'subjects/suppression-list.json';

const { world: newWorld } = useFaultInjection();

const WORDS = 'settlement batch reconciled against the acquirer report without exceptions '.repeat(1500);
const kept = (i: number): string =>
  JSON.stringify({ txn: { tradeNo: `2026060122001${String(i).padStart(15, '0')}`, amount: 100 + i }, payer: { mobile: `138${String(i % 11).padStart(8, '0')}` }, memo: WORDS });
// A card security code: the whole record is quarantined (by reference: line and reason).
const refused = (i: number): string => JSON.stringify({ txn: { tradeNo: `2026060122009${String(i).padStart(15, '0')}` }, card: { pan: '4111111111111111', cvv: '123' }, memo: WORDS });

/**
 * About 30 MB, split by size into two parts of 15 MB: the first mostly refused records (its outputs
 * about 1 MB, re-streamed into the assembly), the second kept records (topped up to a full part,
 * the rest copied server-side). Unparseable lines in both parts check the quarantine's line numbers.
 */
const BIG = [
  ...Array.from({ length: 125 }, (_, i) => refused(i)),
  'not json at all',
  ...Array.from({ length: 145 }, (_, i) => kept(i)),
  '{"broken":',
  ...Array.from({ length: 3 }, (_, i) => kept(1000 + i)),
].join('\n') + '\n';
/** About 12 MB: done whole unless the time budget hands it over (then in two parts). */
const MEDIUM = [...Array.from({ length: 40 }, (_, i) => kept(i)), 'not json at all', ...Array.from({ length: 60 }, (_, i) => refused(i)), ...Array.from({ length: 8 }, (_, i) => kept(500 + i))].join('\n');
const KEY = 'raw/source=pos/date=2026-06-01/settlement.jsonl';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Distinct subjects the headcount table holds (the counted rule's payers: 11 mobiles in BIG). */
function headcount(world: World): number {
  return Number(world.aws.dynamodb.items(HEADCOUNT_TABLE).find((item) => item.sk?.S === '#total')?.distinctSubjects?.N ?? 0);
}

function declarationsOf(world: World): DeclarationEntry[] {
  return world.aws.s3
    .list(LEDGER_BUCKET, 'ledger/')
    .map(({ version }) => JSON.parse(version.body.toString('utf8')) as DeclarationEntry)
    .filter((entry) => entry.kind === 'declaration');
}

/** Outputs and quarantine records as released/written: key → bytes. */
function delivered(world: World): Map<string, Buffer> {
  const objects = new Map<string, Buffer>();
  for (const { key, version } of world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/')) objects.set(key, version.body);
  for (const { key, version } of world.aws.s3.list(RAW_BUCKET, 'quarantine/')) if (!key.includes('.parts/')) objects.set(key, version.body);
  return objects;
}

/** The object done whole, in one invocation: `transferObject` with no split configured, in a fresh world. */
async function wholeObject(text: string, suppressed: readonly string[] = []): Promise<Map<string, Buffer>> {
  const world = newWorld();
  const { versionId } = world.putRaw(KEY, text);
  const env = readGatewayEnvironment({ ...ENVIRONMENT });
  const [s3, dynamodb, kms] = [new S3Client({}), new DynamoDBClient({}), new KMSClient({})];
  const ports = s3TransferPorts({
    s3,
    ledger: new LedgerStore({ s3, dynamodb, bucket: LEDGER_BUCKET, headTable: HEAD_TABLE }),
    headcounts: new HeadcountStore(dynamodb, HEADCOUNT_TABLE),
    outboundBucket: OUTBOUND_BUCKET,
  });
  if (suppressed.length > 0) Object.assign(ports, { suppressionTokens: async () => suppressed });
  const tokenKey = await deriveTokenKey(kms, env.tokenKeyId);
  const settings = { outboundBucket: OUTBOUND_BUCKET, outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: env.exporter };
  const outcomes = await transferObject({ bucket: RAW_BUCKET, key: KEY, versionId }, env.rules.map((rule) => compileTransferRule(rule, tokenKey)), settings, ports, new Date());
  expect(outcomes.map((o) => o.status)).toEqual(['transferred', 'transferred']);
  expect(violations(world, { transfers: 2 })).toEqual([]);
  wholeDeclarations.set(`${sha256(Buffer.from(text))}/${suppressed.join(',')}`, declarationsOf(world));
  return delivered(world);
}
const wholeDeclarations = new Map<string, DeclarationEntry[]>();

/** The token of a payer's mobile under the deployment's token key (what `residency subject token` prints). */
async function mobileTokenOf(mobile: string): Promise<string> {
  return tokenize(await deriveTokenKey(new KMSClient({}), ENVIRONMENT.TOKEN_KEY_ID as string), 'cn_mobile', mobile);
}
const suppressionList = (tokens: readonly string[], version = 1): string =>
  JSON.stringify({ version, entries: tokens.map((token) => ({ token, reason: 'opt-out-sale-sharing', since: '2026-05-01' })) });

let wholeBig: Map<string, Buffer>;
let wholeMedium: Map<string, Buffer>;
beforeAll(async () => {
  wholeBig = await wholeObject(BIG);
  wholeMedium = await wholeObject(MEDIUM);
});

/** The outputs and quarantine records match the object done whole, byte for byte. */
function expectSameAsWhole(world: World, whole: Map<string, Buffer>): void {
  const split = delivered(world);
  expect([...split.keys()].sort()).toEqual([...whole.keys()].sort());
  for (const [key, bytes] of whole) expect(sha256(split.get(key) as Buffer)).toBe(sha256(bytes));
}

/** A plan that crashes the process at the first call `matches` accepts, once. */
function crashAt(matches: (command: string, input: Record<string, unknown>) => boolean): FaultPlan {
  let done = false;
  return (call) => {
    if (done || !matches(call.command, call.input)) return undefined;
    done = true;
    return 'crash';
  };
}

describe('an object over the split size', () => {
  test('is handed over, not read: no declaration, no output, one execution for the version (a second hand-over finds it)', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, BIG);
    const run = await world.gateway(event);
    expect(run.ok).toBe(true);
    const outcomes = run.result?.results[0]?.outcomes ?? [];
    expect(outcomes.map((o) => [o.status, o.reason, o.parts])).toEqual([
      ['split', 'size', 2],
      ['split', 'size', 2],
    ]);
    expect(declarationsOf(world)).toHaveLength(0);
    expect(world.aws.s3.list(OUTBOUND_BUCKET)).toHaveLength(0);
    // Only the first bytes were asked for by the hand-over: the records are read by the parts.
    expect(world.aws.calls.filter((c) => c.includes('UploadPart') || c.includes('PutObject'))).toEqual([]);
    // The backfill of the same version (no version in the item, resolved by HEAD), after the idempotency
    // record expired, hands it over again: the execution's name is the version's, so it finds the first.
    jest.setSystemTime(Date.now() + 8 * 24 * 3600_000);
    const backfill = await world.gateway(world.backfillBatch([KEY]));
    expect(backfill.ok).toBe(true);
    expect(backfill.result?.results[0]?.outcomes.map((o) => o.status)).toEqual(['split', 'split']);
    expect(world.aws.sfn.executions.size).toBe(1);
  });

  test('a multipart output whose declared hash matches: declared SHA-256 = SHA-256 of what S3 assembled = SHA-256 of the object done whole', async () => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, BIG).event);
    const [split] = await runSplits(world);
    expect(split?.execution.status).toBe('SUCCEEDED');
    const declarations = declarationsOf(world);
    expect(declarations).toHaveLength(2);
    for (const declaration of declarations) {
      const released = world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key);
      const staged = world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key.replace(/^outbound\//, 'staging/'));
      expect(sha256(released!.body)).toBe(declaration.output.sha256);
      expect(sha256(staged!.body)).toBe(declaration.output.sha256);
      expect(sha256(wholeBig.get(declaration.output.key) as Buffer)).toBe(declaration.output.sha256);
      // Assembled by S3 from parts (a composite checksum), and released by a multipart copy (over 8 MiB here, 5 GiB in AWS).
      expect(staged?.checksumSha256).toMatch(/-\d+$/);
      expect(released?.checksumSha256).toMatch(/-\d+$/);
      expect(declaration.parts?.map((p) => [p.start, p.end])).toEqual(split?.input.plan.ranges.map((r) => [r.start, r.end]));
      expect(declaration.parts?.reduce((sum, p) => sum + p.bytes, 0)).toBe(declaration.output.bytes);
    }
    const calls = world.aws.calls;
    expect(calls.some((c) => /UploadPartCopy .*\/staging\//.test(c))).toBe(true);
    expect(calls.some((c) => /UploadPartCopy .*\/outbound\//.test(c))).toBe(true);
    expect(calls.some((c) => /CopyObject .*\/outbound\//.test(c))).toBe(false);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test('a split object is declared once: one declaration per rule listing every part, outputs and quarantine records byte-identical to the object done whole', async () => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, BIG).event);
    // What the headcount says when the first declaration is written: every subject is counted before.
    let countedBeforeDeclaring: number | undefined;
    const watchLedger: FaultPlan = (call) => {
      if (countedBeforeDeclaring === undefined && call.command === 'PutObjectCommand' && call.input.Bucket === LEDGER_BUCKET) countedBeforeDeclaring = headcount(world);
      return undefined;
    };
    await runSplits(world, { assemblePlans: [watchLedger] });
    expect(countedBeforeDeclaring).toBe(11);
    expect(headcount(world)).toBe(11);
    const declarations = declarationsOf(world);
    expect(declarations.map((d) => d.idempotencyKey).sort()).toEqual([...new Set(declarations.map((d) => d.idempotencyKey))].sort());
    expect(declarations.every((d) => d.parts?.length === 2)).toBe(true);
    expectSameAsWhole(world, wholeBig);
    // The quarantine record numbers lines from the object's first line (a line of part 2 keeps its number).
    const record = [...delivered(world).entries()].find(([key]) => key.startsWith('quarantine/sg-settlement'))?.[1];
    const lines = (JSON.parse(record!.toString('utf8')) as { entries: { line: number }[] }).entries.map((e) => e.line);
    expect(lines).toContain(126);
    expect(lines).toContain(126 + 145 + 1);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test.each([
    ['in the middle of a part (its output upload)', { part: 1, plan: crashAt((command, input) => command === 'UploadPartCommand' && String(input.Key).includes('/parts/')) }],
    ['in the middle of the assembly (a part copy)', { plan: crashAt((command, input) => command === 'UploadPartCopyCommand' && String(input.Key).startsWith('staging/')) }],
    ['between the declaration and the release', { plan: crashAt((command, input) => command === 'CreateMultipartUploadCommand' && String(input.Key).startsWith('outbound/')) }],
  ])('a crash %s resumes without a second declaration, the output identical', async (_, fault: { part?: number; plan: FaultPlan }) => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, BIG).event);
    const [split] = await runSplits(world, fault.part === undefined ? { assemblePlans: [fault.plan] } : { partPlans: (i) => (i === fault.part ? [fault.plan] : []) });
    expect(split?.execution.status).toBe('SUCCEEDED');
    const retried = fault.part === undefined ? split?.assembly?.invocations : split?.parts[fault.part]?.invocations;
    expect(retried).toBe(2);
    expect(declarationsOf(world)).toHaveLength(2);
    expectSameAsWhole(world, wholeBig);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test('a missing part summary: no declaration (the execution fails); the redrive runs the missing part and declares once', async () => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, BIG).event);
    // Part 2's summary cannot be written on any attempt: the part never finishes.
    const noSummary: FaultPlan = (call) => (call.command === 'PutObjectCommand' && String(call.input.Key).endsWith('part-00002.json') ? 'error' : undefined);
    const [split] = await runSplits(world, { partPlans: (i) => (i === 1 ? [noSummary, noSummary, noSummary] : []) });
    expect(split?.execution.status).toBe('FAILED');
    expect(split?.assembly).toBeUndefined();
    expect(declarationsOf(world)).toHaveLength(0);
    // Run the assembly anyway (by hand): it refuses, nothing is declared or released.
    const forced = await world.gateway({ splitAssemble: split!.input }, [], { maxInvocations: 1 });
    expect(String(forced.error)).toMatch(/part 2 of 2 has no summary/);
    expect(declarationsOf(world)).toHaveLength(0);
    expect(world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/')).toHaveLength(0);
    const again = await redrive(world, split!.execution);
    expect(again.parts).toHaveLength(1);
    expect(again.execution.status).toBe('SUCCEEDED');
    expect(declarationsOf(world)).toHaveLength(2);
    expectSameAsWhole(world, wholeBig);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test.each([
    ['made from another version of the object', (summary: Record<string, unknown>) => ({ ...summary, source: { ...(summary.source as object), versionId: 'ver999999' } }), /another object version/],
    ['whose output changed after it ran', (summary: Record<string, unknown>) => ({ ...summary, results: (summary.results as { output?: { sha256: string } }[]).map((r) => (r.output ? { ...r, output: { ...r.output, sha256: 'f'.repeat(64) } } : r)) }), /not the output its summary names/],
    ['of another cut of the object', (summary: Record<string, unknown>) => ({ ...summary, range: { start: 0, end: 1000 } }), /another cut/],
  ])('a part %s is refused: no declaration', async (_, change, message) => {
    const world = newWorld();
    await world.gateway(world.putRaw(KEY, BIG).event);
    const [split] = await runSplits(world, { assemblePlans: [() => 'error', () => 'error', () => 'error'] });
    expect(split?.execution.status).toBe('FAILED');
    const summaryKey = world.aws.s3.list(OUTBOUND_BUCKET, 'staging/parts/').map((o) => o.key).find((key) => key.endsWith('part-00001.json'));
    const summary = JSON.parse(world.aws.s3.current(OUTBOUND_BUCKET, summaryKey!)!.body.toString('utf8')) as Record<string, unknown>;
    world.aws.s3.write(OUTBOUND_BUCKET, summaryKey!, JSON.stringify(change(summary)));
    const assembled = await world.gateway({ splitAssemble: split!.input }, [], { maxInvocations: 1 });
    expect(assembled.ok).toBe(false);
    expect(String(assembled.error)).toMatch(message);
    expect(declarationsOf(world)).toHaveLength(0);
    expect(world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/')).toHaveLength(0);
  });
});

describe('the suppression list and a split object', () => {
  test('a subject on the list is withheld in every part: the suppressed counts merge, the output is the object done whole under the same list', async () => {
    const token = await mobileTokenOf('13800000003');
    const whole = await wholeObject(BIG, [token]);
    const world = newWorld();
    const { event } = world.putRaw(KEY, BIG);
    world.aws.s3.write(RAW_BUCKET, SUPPRESSION_KEY, suppressionList([token]));
    await world.gateway(event);
    const [split] = await runSplits(world);
    expect(split?.execution.status).toBe('SUCCEEDED');
    const declared = declarationsOf(world);
    const reference = wholeDeclarations.get(`${sha256(Buffer.from(BIG))}/${token}`) ?? [];
    expect(declared.map((d) => d.counts)).toEqual(reference.map((d) => d.counts));
    expect(declared.every((d) => (d.counts.suppressed ?? 0) > 0)).toBe(true);
    expect(declared.map((d) => d.categories)).toEqual(reference.map((d) => d.categories));
    expectSameAsWhole(world, whole);
  });

  test('a list that changes between parts refuses the assembly: no declaration (run the split again under one list)', async () => {
    const world = newWorld();
    world.aws.s3.write(RAW_BUCKET, SUPPRESSION_KEY, suppressionList([await mobileTokenOf('13800000003')]));
    await world.gateway(world.putRaw(KEY, BIG).event);
    const later = suppressionList([await mobileTokenOf('13800000003'), await mobileTokenOf('13800000004')], 2);
    // As part 2 reads the list, a subject opts out: part 2 applies the new list, part 1 applied the old.
    const optOut: FaultPlan = (call) => {
      if (call.command === 'GetObjectCommand' && call.input.Key === SUPPRESSION_KEY) world.aws.s3.write(RAW_BUCKET, SUPPRESSION_KEY, later);
      return undefined;
    };
    const [split] = await runSplits(world, { partPlans: (i) => (i === 1 ? [optOut] : []) });
    expect(split?.execution.status).toBe('FAILED');
    expect(String(split?.assembly?.error)).toMatch(/part 2 applied another suppression list than part 1/);
    expect(declarationsOf(world)).toHaveLength(0);
  });
});

describe('an object the time budget shows would not finish', () => {
  test('stops cleanly (no declaration, no output, no open upload, no quarantine record) and is handed to the split, which releases the bytes of the object done whole', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, MEDIUM);
    // One second left: the first batch shows the rest cannot be done in time.
    const run = await world.gateway(event, [], { timeoutMs: 1000 });
    expect(run.ok).toBe(true);
    expect(run.result?.results[0]?.outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['split', 'time_budget'],
      ['split', 'time_budget'],
    ]);
    expect(declarationsOf(world)).toHaveLength(0);
    expect(world.aws.s3.list(OUTBOUND_BUCKET)).toHaveLength(0);
    expect(world.aws.s3.list(RAW_BUCKET, 'quarantine/')).toHaveLength(0);
    expect(world.aws.s3.uploads.size).toBe(0);
    const [split] = await runSplits(world);
    expect(split?.input.plan.ranges).toHaveLength(2);
    expect(declarationsOf(world)).toHaveLength(2);
    expectSameAsWhole(world, wholeMedium);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test('the split declaring first, then the whole-object path for the same version: it finds the declaration with parts, releases nothing new', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, MEDIUM);
    await world.gateway(event, [], { timeoutMs: 1000 });
    await runSplits(world);
    expect(declarationsOf(world).every((d) => d.parts?.length === 2)).toBe(true);
    jest.setSystemTime(Date.now() + 8 * 24 * 3600_000);
    const whole = await world.gateway(event);
    expect(whole.result?.results[0]?.outcomes.map((o) => [o.status, o.resumed])).toEqual([
      ['transferred', true],
      ['transferred', true],
    ]);
    expect(declarationsOf(world)).toHaveLength(2);
    expectSameAsWhole(world, wholeMedium);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test('the whole-object path and the split of the same version meeting: still one declaration per rule, one output', async () => {
    const world = newWorld();
    const { event } = world.putRaw(KEY, MEDIUM);
    await world.gateway(event, [], { timeoutMs: 1000 });
    // A week later (the idempotency record expired) the event is redriven with time enough: done whole.
    jest.setSystemTime(Date.now() + 8 * 24 * 3600_000);
    const whole = await world.gateway(event);
    expect(whole.result?.results[0]?.outcomes.map((o) => o.status)).toEqual(['transferred', 'transferred']);
    // The split execution, still running, assembles the same bytes and finds the declaration.
    const [split] = await runSplits(world);
    expect(split?.execution.status).toBe('SUCCEEDED');
    const declarations = declarationsOf(world);
    expect(declarations).toHaveLength(2);
    expect(declarations.every((d) => d.parts === undefined)).toBe(true);
    expectSameAsWhole(world, wholeMedium);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });
});
