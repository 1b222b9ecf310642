/**
 * `residency sample ledger`: a hash-chained ledger and its declared outputs, made by the gateway's
 * transfer and the delivery's receipting, that `residency ledger verify` accepts; seeded.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as ledger } from '../../lib/cli/ledger';
import { CliError } from '../../lib/cli/io';
import { run as sample } from '../../lib/cli/sample';
import { captureIo, TempDir, tree } from './support';

const ROOT = join(__dirname, '..', '..');
const CN_RULE = join(ROOT, 'rules', 'cn-home', 'sg-settlement.json');
const SG_RULE = join(ROOT, 'rules', 'sg-home', 'eu-refunds.json');

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());


async function sampleInto(name: string, ...extra: string[]): Promise<{ code: number; ledgerDir: string; outputsDir: string; err: string }> {
  const io = captureIo();
  const ledgerDir = join(dir.path, name, 'ledger');
  const outputsDir = join(dir.path, name, 'outbound');
  const code = await sample(['ledger', '--rule', CN_RULE, '--dir', ledgerDir, '--outputs', outputsDir, ...extra], io);
  return { code, ledgerDir, outputsDir, err: io.err.join('') };
}

async function verify(ledgerDir: string, outputsDir: string, ...extra: string[]) {
  const io = captureIo();
  const code = await ledger(['verify', '--dir', ledgerDir, '--outputs', outputsDir, ...extra], io);
  return { code, report: JSON.parse(io.out.join('')) as Record<string, unknown>, err: io.err.join('') };
}

test('the sample verifies: declarations, a retried and a first-try delivery, the last batch pending; every output declared', async () => {
  const { code, ledgerDir, outputsDir, err } = await sampleInto('a');
  expect({ code, err }).toEqual({ code: 0, err: expect.stringContaining('6 entries (3 declarations, 3 receipts)') });
  const verdict = await verify(ledgerDir, outputsDir);
  expect(verdict.code).toBe(0);
  expect(verdict.report).toMatchObject({ ok: true, entries: 6, declarations: 3, receipts: 3, undelivered: [6], violations: [] });
  const entries = readdirSync(ledgerDir).map((name) => JSON.parse(readFileSync(join(ledgerDir, name), 'utf8')) as Record<string, unknown>);
  expect(entries.map((e) => `${e.kind}${e.kind === 'receipt' ? ` ${e.status}` : ''}`)).toEqual([
    'declaration', 'receipt delivered', 'declaration', 'receipt retrying', 'receipt delivered', 'declaration',
  ]);
  // The default profile's home is in aws-cn, the rule's destination in aws: a cross-partition push.
  expect(entries.filter((e) => e.kind === 'receipt').map((e) => e.method)).toEqual(Array(3).fill('cross-partition-push'));
  // The planted CVVs were quarantined by the gate, not sent; nothing raw is in an output.
  const declaration = entries[0] as { counts: { in: number; out: number; quarantined: number }; categories: Record<string, number> };
  expect(declaration.counts.in).toBe(200);
  expect(declaration.counts.quarantined).toBeGreaterThan(0);
  expect(declaration.categories.sensitive_auth_data).toBe(declaration.counts.quarantined);
  const outputs = Object.values(tree(outputsDir)).join('');
  expect(outputs).not.toMatch(/"cvv"|"email"|"\d{17}[\dX]"/);
  expect(outputs).toMatch(/tok_cn_mobile_/);
});

test('the same seed gives the same files byte for byte; another seed other ones', async () => {
  const first = await sampleInto('a', '--seed', '7');
  const again = await sampleInto('b', '--seed', '7');
  const other = await sampleInto('c', '--seed', '8');
  expect(tree(again.ledgerDir)).toEqual(tree(first.ledgerDir));
  expect(tree(again.outputsDir)).toEqual(tree(first.outputsDir));
  expect(tree(other.ledgerDir)).not.toEqual(tree(first.ledgerDir));
});

test('a tampered sample fails verification (the chain is real)', async () => {
  const { ledgerDir, outputsDir } = await sampleInto('a', '--batches', '2');
  const first = join(ledgerDir, '000000000001.json');
  writeFileSync(first, readFileSync(first, 'utf8').replace('"in":200', '"in":201'));
  expect((await verify(ledgerDir, outputsDir)).code).toBe(1);
});

test('inside one partition the deliveries are S3 replication receipts', async () => {
  const io = captureIo();
  const ledgerDir = join(dir.path, 'sg', 'ledger');
  const outputsDir = join(dir.path, 'sg', 'outbound');
  expect(await sample(['ledger', '--rule', SG_RULE, '--home-region', 'ap-southeast-1', '--dir', ledgerDir, '--outputs', outputsDir, '--batches', '2', '--records', '20'], io)).toBe(0);
  const receipts = readdirSync(ledgerDir).map((name) => JSON.parse(readFileSync(join(ledgerDir, name), 'utf8')) as Record<string, unknown>).filter((e) => e.kind === 'receipt');
  expect(receipts.map((r) => [r.method, r.status])).toEqual([['s3-replication', 'delivered']]);
  expect((await verify(ledgerDir, outputsDir)).report).toMatchObject({ ok: true, declarations: 2, undelivered: [3] });
});

/** The exit code of a run, and what it said: a CliError is what the CLI's main prints and exits with. */
async function outcome(args: string[]): Promise<{ code: number | undefined; said: string }> {
  const io = captureIo();
  try {
    return { code: await sample(['ledger', ...args], io), said: io.err.join('') };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { code: err.exitCode, said: err.message };
  }
}

test('never writes next to an existing copy: a folder that is not empty is refused by name (exit 1)', async () => {
  const busy = join(dir.path, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, '000000000001.json'), '{}');
  const result = await outcome(['--rule', CN_RULE, '--dir', busy, '--outputs', join(dir.path, 'out')]);
  expect(result).toEqual({ code: 1, said: expect.stringMatching(/--dir .*busy is not empty/) });
  expect(readdirSync(busy)).toEqual(['000000000001.json']);
});

test('a rule that cannot be read is refused by name (exit 1)', async () => {
  expect(await outcome(['--rule', join(dir.path, 'none.json'), '--dir', join(dir.path, 'l'), '--outputs', join(dir.path, 'o')])).toEqual({
    code: 1,
    said: expect.stringMatching(/--rule .*none\.json/),
  });
});

test.each([
  [['--dir', 'l', '--outputs', 'o'], /--rule/],
  [['--rule', CN_RULE, '--outputs', 'o'], /--dir/],
  [['--rule', CN_RULE, '--dir', 'l', '--outputs', 'o', '--batches', '0'], /--batches must be a whole number from 1/],
  [['--rule', CN_RULE, '--dir', 'l', '--outputs', 'o', '--home-region', 'cn-north-9'], /--home-region must be a known AWS region/],
])('usage errors exit 2 and name the flag: %j', async (args, message) => {
  const result = await outcome(args);
  expect(result).toEqual({ code: 2, said: expect.stringMatching(message) });
});
