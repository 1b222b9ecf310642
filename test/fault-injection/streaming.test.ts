/**
 * The gateway on objects whose output is written as a multipart upload: the declared SHA-256 is the
 * hash of the bytes S3 assembled (not S3's hash of part hashes), and a crash in the middle of the
 * upload resumes, after Lambda's retry, without a second declaration and without a stray object.
 */
import { createHash } from 'node:crypto';
import { violations } from './support/invariants';
import { outcomeProblems, rawRecords, useFaultInjection } from './support/scenario';
import { OUTBOUND_BUCKET, LEDGER_BUCKET } from './support/world';

const { world: newWorld } = useFaultInjection();

const KEY = 'raw/source=pos/date=2026-06-01/settlement.jsonl';
// Few records with long free text (redacted, so kept scrubbed): each rule's output passes one 8 MiB part.
const WORDS = 'settlement batch reconciled against the acquirer report without exceptions '.repeat(1500);
const RECORDS =
  Array.from({ length: 80 }, (_, i) =>
    JSON.stringify({ txn: { tradeNo: `2026060122001${String(i).padStart(15, '0')}`, amount: 100 + i }, payer: { mobile: `138${String(i % 7).padStart(8, '0')}` }, memo: WORDS }),
  ).join('\n') + `\n${rawRecords(3)}`;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function declarationsOf(world: ReturnType<typeof newWorld>) {
  return world.aws.s3
    .list(LEDGER_BUCKET, 'ledger/')
    .map(({ version }) => JSON.parse(version.body.toString('utf8')) as { kind: string; output: { key: string; sha256: string; bytes: number } })
    .filter((entry) => entry.kind === 'declaration');
}

describe('a raw object whose outputs take several parts', () => {
  test('is staged as a multipart upload, and the declaration records the SHA-256 of the bytes assembled', async () => {
    const world = newWorld();
    const run = await world.gateway(world.putRaw(KEY, RECORDS).event);
    expect(outcomeProblems(run)).toEqual([]);
    const calls = world.aws.calls.filter((c) => c.includes('outbound/') || c.includes('staging/'));
    expect(calls.filter((c) => c.includes('UploadPart ')).length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => c.includes('CompleteMultipartUpload')).length).toBe(2);
    const declarations = declarationsOf(world);
    expect(declarations).toHaveLength(2);
    for (const declaration of declarations) {
      const released = world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key);
      expect(released).toBeDefined();
      expect(declaration.output.bytes).toBeGreaterThan(8 * 1024 * 1024);
      expect(sha256(released!.body)).toBe(declaration.output.sha256);
      // The staged object is S3's multipart object, whose own checksum is of the parts.
      const staged = world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key.replace(/^outbound\//, 'staging/'));
      expect(staged?.checksumSha256).toMatch(/-\d+$/);
      expect(sha256(staged!.body)).toBe(declaration.output.sha256);
    }
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });

  test('crashed in the middle of a part upload, resumes on the retry with one declaration per output, no object of the crashed upload', async () => {
    const world = newWorld();
    let parts = 0;
    const crashMidUpload = (call: { command: string }) => (call.command === 'UploadPartCommand' && ++parts === 2 ? ('crash' as const) : undefined);
    const run = await world.gateway(world.putRaw(KEY, RECORDS).event, [crashMidUpload]);
    expect(run.invocations).toBe(2);
    expect(outcomeProblems(run)).toEqual([]);
    expect(declarationsOf(world)).toHaveLength(2);
    expect(violations(world, { transfers: 2 })).toEqual([]);
    // The crashed try's two uploads (one per rule) were never completed: no object of theirs exists,
    // and the bucket's lifecycle rule aborts them.
    expect(world.aws.s3.uploads.size).toBe(2);
  });

  test('a failed part aborts its upload and the retry declares once', async () => {
    const world = newWorld();
    let parts = 0;
    const failPart = (call: { command: string }) => (call.command === 'UploadPartCommand' && ++parts === 3 ? ('error' as const) : undefined);
    const run = await world.gateway(world.putRaw(KEY, RECORDS).event, [failPart]);
    expect(run.invocations).toBe(2);
    expect(world.aws.calls.some((c) => c.includes('AbortMultipartUpload'))).toBe(true);
    expect(world.aws.s3.uploads.size).toBe(0);
    expect(declarationsOf(world)).toHaveLength(2);
    expect(violations(world, { transfers: 2 })).toEqual([]);
  });
});
