/** `residency ledger verify` on chains that verify but do not tell the truth, and against the outbound objects. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { canonicalJson, fileNameFor, headOf, nextEntry, type DeclarationEntry, type LedgerEntry } from '../../../lambda/core/ledger';
import { CliError } from '../../../lib/cli/io';
import { run } from '../../../lib/cli/ledger';
import { chainOf, declarationBody, receiptBody } from '../../support/ledger-fixtures';

let root: string;
let ledgerDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
  ledgerDir = join(root, 'ledger');
  mkdirSync(ledgerDir);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeLedger(entries: readonly LedgerEntry[]): void {
  for (const entry of entries) writeFileSync(join(ledgerDir, fileNameFor(entry)), canonicalJson(entry));
}

async function ledger(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  try {
    return { code: await run(args, io), stdout, stderr };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { code: err.exitCode, stdout, stderr: stderr + err.message };
  }
}

/** Declared outputs written as `aws s3 sync s3://<outbound-bucket>/outbound DIR` would: the bytes whose SHA-256 was declared. */
function writeOutputs(dir: string, contents: Record<string, string>): void {
  for (const [key, text] of Object.entries(contents)) {
    const path = join(dir, key.replace(/^outbound\//, ''));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/** Two declarations whose outputs are these exact texts, the first delivered. */
function truthfulLedger(): { entries: LedgerEntry[]; texts: Record<string, string> } {
  const texts: Record<string, string> = {};
  const bodies = [1, 2].map((batch) => {
    const text = `{"batch":${batch}}\n`;
    const body = declarationBody(batch);
    texts[body.output.key] = text;
    const sha256 = createHash('sha256').update(text).digest('hex');
    return declarationBody(batch, { output: { ...body.output, sha256, bytes: text.length } });
  });
  const declarations = chainOf(bodies);
  const delivered = nextEntry(headOf(declarations[1] as LedgerEntry), receiptBody(declarations[0] as DeclarationEntry));
  return { entries: [...declarations, delivered], texts };
}

describe('residency ledger verify names every violation and exits 1', () => {
  test('a transfer declared twice, and a final state overridden', async () => {
    const [d1, d1again] = chainOf([declarationBody(1), declarationBody(1, { declaredAt: '2026-03-31T08:30:00.000Z' })]) as [DeclarationEntry, DeclarationEntry];
    const delivered = nextEntry(headOf(d1again), receiptBody(d1));
    const late = nextEntry(headOf(delivered), receiptBody(d1, { status: 'failed', error: 'S3 replication reported OperationFailedReplication', notification: 'late' }));
    writeLedger([d1, d1again, delivered, late]);

    const { code, stdout, stderr } = await ledger('verify', '--dir', ledgerDir);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; violations: { seq: number; identity: string; problem: string }[] };
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => [v.seq, v.problem.split(':')[0]])).toEqual([
      [2, 'second declaration of this transfer (first'],
      [2, 'declares output home-outbound/outbound/ap-southeast-1/sg-settlement/v3/2026-03-31/alipay/batch-1.v1.jsonl, already declared by seq 1'],
      [4, 'final state overridden'],
    ]);
    expect(report.violations[0]?.identity).toBe(d1.idempotencyKey);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(3);
    expect(stderr).toContain(`ledger verify: seq 2 (${d1.idempotencyKey}): second declaration of this transfer (first: seq 1)`);
  });

  test('--settled: a declaration no receipt answers is a violation', async () => {
    writeLedger(truthfulLedger().entries);
    expect((await ledger('verify', '--dir', ledgerDir)).code).toBe(0);
    const { code, stderr } = await ledger('verify', '--dir', ledgerDir, '--settled');
    expect(code).toBe(1);
    expect(stderr).toMatch(/seq 2 \(.*batch-2.*\): no receipt/);
  });

  test('--format markdown lists the violations before the register', async () => {
    const [d1, d1again] = chainOf([declarationBody(1), declarationBody(1, { declaredAt: '2026-03-31T08:30:00.000Z' })]);
    writeLedger([d1 as LedgerEntry, d1again as LedgerEntry]);
    const { code, stdout } = await ledger('verify', '--dir', ledgerDir, '--format', 'markdown');
    expect(code).toBe(1);
    expect(stdout).toContain('**The ledger does not tell the truth: 2 violation(s).**');
    expect(stdout).toMatch(/\| 2 \| home-raw-c2\/raw\/2026-03-31\/alipay\/batch-1\.jsonl@v1#sg-settlement@3 \| second declaration of this transfer \(first: seq 1\) \|/);
  });
});

describe('residency ledger verify --outputs (a local copy of outbound/)', () => {
  test('every declared output there with its bytes: exit 0', async () => {
    const { entries, texts } = truthfulLedger();
    writeLedger(entries);
    writeOutputs(join(root, 'outbound'), texts);
    const { code, stdout } = await ledger('verify', '--dir', ledgerDir, '--outputs', join(root, 'outbound'));
    expect({ code, violations: JSON.parse(stdout).violations }).toEqual({ code: 0, violations: [] });
  });

  test('a missing output, an altered one and an undeclared one are each named', async () => {
    const { entries, texts } = truthfulLedger();
    writeLedger(entries);
    const [first, second] = Object.keys(texts) as [string, string];
    writeOutputs(join(root, 'outbound'), { [first]: '{"batch":"altered"}\n', 'outbound/ap-southeast-1/stray.jsonl': '{}\n' });
    const { code, stdout } = await ledger('verify', '--dir', ledgerDir, '--outputs', join(root, 'outbound'));
    expect(code).toBe(1);
    const problems = (JSON.parse(stdout).violations as { problem: string }[]).map((v) => v.problem);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^output ${first} has 20 bytes, the declaration says 12$`)),
      expect.stringMatching(new RegExp(`^output ${first} has SHA-256 [0-9a-f]{64}, the declaration says`)),
      `declared output ${second} is missing`,
      'undeclared output: no declaration names outbound/ap-southeast-1/stray.jsonl',
    ]);
  });
});

describe('residency ledger verify --inventory', () => {
  test('an S3 Inventory (manifest.json, gzipped CSV data beside it): keys and sizes', async () => {
    const { entries, texts } = truthfulLedger();
    writeLedger(entries);
    const [first] = Object.keys(texts) as [string];
    const inventory = join(root, 'inventory', 'paydata-outbound', 'daily', '2026-04-01T01-00Z');
    mkdirSync(inventory, { recursive: true });
    mkdirSync(join(root, 'inventory', 'paydata-outbound', 'daily', 'data'));
    const rows = [
      ['paydata-outbound', encodeURIComponent(first).replace(/%2F/g, '/'), 'ver1', 'true', 'false', String(texts[first]!.length)],
      ['paydata-outbound', 'outbound/ap-southeast-1/old.jsonl', 'ver0', 'false', 'false', '9'], // an old version: not current
      ['paydata-outbound', 'staging/ap-southeast-1/x.jsonl', 'ver2', 'true', 'false', '9'], // outside the prefix
    ];
    writeFileSync(join(root, 'inventory', 'paydata-outbound', 'daily', 'data', 'a1.csv.gz'), gzipSync(rows.map((r) => r.map((f) => `"${f}"`).join(',')).join('\n')));
    writeFileSync(
      join(inventory, 'manifest.json'),
      JSON.stringify({
        sourceBucket: 'paydata-outbound',
        fileFormat: 'CSV',
        fileSchema: 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size',
        files: [{ key: 'inventory/paydata-outbound/daily/data/a1.csv.gz', size: 100, MD5checksum: 'x' }],
      }),
    );
    const { code, stdout } = await ledger('verify', '--dir', ledgerDir, '--inventory', join(inventory, 'manifest.json'));
    expect(code).toBe(1);
    expect(JSON.parse(stdout).violations).toEqual([{ seq: 2, identity: declarationBody(2).idempotencyKey, problem: `declared output ${Object.keys(texts)[1]} is missing` }]);
  });

  test('a listing from aws s3api list-objects-v2', async () => {
    const { entries, texts } = truthfulLedger();
    writeLedger(entries);
    const listing = join(root, 'listing.json');
    writeFileSync(listing, JSON.stringify({ Contents: Object.entries(texts).map(([Key, text]) => ({ Key, Size: text.length })) }));
    expect((await ledger('verify', '--dir', ledgerDir, '--inventory', listing)).code).toBe(0);
  });

  test.each([
    ['both --outputs and --inventory', () => ['--outputs', root, '--inventory', join(root, 'x.json')], /--outputs and --inventory both list the outbound objects/, 2],
    ['a prefix that is not a folder', () => ['--outputs', root, '--prefix', 'outbound'], /--prefix: got "outbound"; expected a folder prefix ending in "\/"/, 2],
    // An inventory that cannot be read is refused input: 1, as in every command (README, exit codes).
    ['an ORC inventory', () => ['--inventory', writeJson({ fileFormat: 'ORC', fileSchema: 'message s3.inventory { required binary key; }', files: [] })], /is a ORC inventory; only CSV inventories are read/, 1],
    ['an unknown JSON', () => ['--inventory', writeJson({ hello: 1 })], /neither an S3 Inventory manifest.json nor an "aws s3api list-objects-v2" listing/, 1],
    ['a data file that is not there', () => ['--inventory', writeJson({ fileFormat: 'CSV', fileSchema: 'Bucket, Key', files: [{ key: 'x/data/gone.csv.gz' }] })], /data file gone.csv.gz named by .* is not next to it/, 1],
  ])('exits with its code on %s', async (_what, args, message, exitCode) => {
    writeLedger(truthfulLedger().entries);
    const { code, stderr } = await ledger('verify', '--dir', ledgerDir, ...args());
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
  });
});

function writeJson(value: unknown): string {
  const path = join(root, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
