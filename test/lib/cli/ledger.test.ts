import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson, fileNameFor, headOf, nextEntry, type DeclarationEntry, type LedgerEntry } from '../../../lambda/core/ledger';
import { CliError } from '../../../lib/cli/io';
import { run } from '../../../lib/cli/ledger';
import { chainOf, declarationBody, receiptBody, sampleLedger } from '../../support/ledger-fixtures';

const REPO = resolve(__dirname, '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-copy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes entries as the store does: one canonical JSON file per seq, as `aws s3 sync` copies them. */
function writeLedger(entries: readonly LedgerEntry[]): void {
  for (const entry of entries) writeFileSync(join(dir, fileNameFor(entry)), canonicalJson(entry));
}

const file = (seq: number): string => join(dir, fileNameFor({ seq }));

/** Runs the command as the dispatcher does: a CliError becomes its exit code and a line on stderr. */
async function ledger(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  try {
    const code = await run(args, io);
    return { code, stdout, stderr };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { code: err.exitCode, stdout, stderr: stderr + err.message };
  }
}

describe('residency ledger verify', () => {
  test('summarizes a good chain: counts, undelivered declarations, head', async () => {
    const entries = sampleLedger();
    writeLedger(entries);
    const { code, stdout } = await ledger('verify', '--dir', dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      entries: 6,
      declarations: 3,
      receipts: 3,
      notices: 0,
      undelivered: [5],
      suppressions: 0,
      erasures: 0,
      undeliveredNotices: [],
      head: headOf(entries[5] as LedgerEntry),
      violations: [],
    });
  });

  test('names the tampered manifest', async () => {
    writeLedger(sampleLedger());
    // Someone raises the declared output count of batch 2 (seq 3) after the fact.
    writeFileSync(file(3), readFileSync(file(3), 'utf8').replace('"out":998', '"out":1000'));
    const { code, stdout, stderr } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ ok: false, firstBreak: { seq: 3, file: file(3), reason: expect.stringMatching(/^hash mismatch/) } });
    expect(stderr).toMatch(new RegExp(`^ledger verify: chain broken at seq 3 \\(${file(3)}\\): hash mismatch`));
  });

  test('finds a deleted entry as a gap', async () => {
    writeLedger(sampleLedger());
    unlinkSync(file(4));
    const { code, stdout } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).firstBreak).toEqual({ seq: 4, file: file(5), reason: 'gap: seq 4 is missing (seq 5 follows seq 3)' });
  });

  test('finds two swapped entries as out of order', async () => {
    writeLedger(sampleLedger());
    renameSync(file(2), join(dir, 'swap'));
    renameSync(file(3), file(2));
    renameSync(join(dir, 'swap'), file(3));
    const { code, stdout } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).firstBreak).toEqual({ seq: 2, file: file(2), reason: 'out of order: seq 3 comes before seq 2' });
  });

  test('finds a receipt that answers the wrong declaration', async () => {
    const [d1, d2] = chainOf([declarationBody(1), declarationBody(2)]) as [DeclarationEntry, DeclarationEntry];
    writeLedger([d1, d2, nextEntry(headOf(d2), receiptBody(d1, { declarationHash: d2.hash }))]);
    const { code, stdout } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).firstBreak).toMatchObject({ seq: 3, reason: expect.stringMatching(/^receipt names declaration hash/) });
  });

  test('finds entries cut off the end against an anchor', async () => {
    const entries = sampleLedger();
    writeLedger(entries.slice(0, 4));
    const last = entries[5] as LedgerEntry;
    const { code, stdout } = await ledger('verify', '--dir', dir, '--anchor', `${last.seq}:${last.hash}`);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).firstBreak.reason).toBe('truncated: the anchor says seq 6 exists, but the chain ends at seq 4');
  });

  test('refuses a file that is not JSON, naming it', async () => {
    writeLedger(sampleLedger());
    writeFileSync(file(2), '{"kind":"receipt",');
    const { code, stderr } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file(2)} is not valid JSON`);
  });

  // A copy that is missing or empty is refused input (1), as a missing --in is in every command.
  test.each([
    ['a missing directory', () => ['verify', '--dir', join(dir, 'absent')], /^cannot read --dir .*absent: no such file or folder \(ENOENT\)/],
    ['an empty directory', () => ['verify', '--dir', dir], /^no ledger entries \(\*\.json\) in .*aws s3 sync/],
  ])('exits 1 on %s', async (_what, args, message) => {
    const { code, stderr } = await ledger(...args());
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  test.each([
    ['no --dir', () => ['verify'], /^--dir DIR is required/],
    ['an unknown format', () => ['verify', '--dir', dir, '--format', 'csv'], /^--format: got "csv"; must be json or markdown/],
    ['a malformed anchor', () => ['verify', '--dir', dir, '--anchor', '6'], /^--anchor: got "6"; expected SEQ:HASH/],
    ['an unknown flag', () => ['verify', '--dir', dir, '--fix'], /unknown flag --fix/],
    ['an unknown subcommand', () => ['repair'], /^unknown subcommand "repair"/],
  ])('exits 2 on %s', async (_what, args, message) => {
    const { code, stderr } = await ledger(...args());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('prints usage on --help', async () => {
    const { code, stdout } = await ledger('verify', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: residency ledger verify --dir DIR/);
  });
});

describe('residency ledger verify --format markdown', () => {
  test('prints the transfer register: one row per declaration with its delivery', async () => {
    writeLedger(sampleLedger());
    const { code, stdout } = await ledger('verify', '--dir', dir, '--format', 'markdown');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^\| 1 \| 2026-03-31T08:01:00.000Z \| sg-settlement v3 \| payment_settlement \| cac_contract_necessity \| SG \(ap-southeast-1\), Lion City Acquiring Pte. Ltd. \| 1000 \/ 999 \/ 1 \| bank_card 999, cn_mobile 640, cn_resident_id 998 \| 0 \| `01(ab){31}` \| delivered 2026-03-31T09:00:00.000Z by s3-replication to dest-sg-inbound\/outbound\/ap-southeast-1\/sg-settlement\/v3\/2026-03-31\/alipay\/batch-1.v1.jsonl \(receipt seq 2\) \|$/,
    );
    expect(rows[1]).toMatch(/delivered .* by cross-partition-push .*\(receipt seq 6\) \|$/);
    expect(rows[2]).toMatch(/\| pending: no receipt \|$/);
    expect(stdout).toContain('Declarations without a delivered receipt: seq 5.');
    expect(stdout).toContain('The hash chain verifies from seq 1 to seq 6: 6 entries (3 declarations, 3 receipts, 0 notices)');
    expect(stdout).toContain('What the entries say holds');
  });

  test('keeps a pipe inside a value from splitting the row', async () => {
    const body = declarationBody(1, { destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'Acme | SG' } });
    writeLedger(chainOf([body]));
    const { stdout } = await ledger('verify', '--dir', dir, '--format', 'markdown');
    expect(stdout).toContain('Acme \\| SG');
  });

  test('prints no register for a broken chain', async () => {
    writeLedger(sampleLedger());
    unlinkSync(file(1));
    const { code, stdout } = await ledger('verify', '--dir', dir, '--format', 'markdown');
    expect(code).toBe(1);
    expect(stdout).toContain(`**The ledger does not verify.** First break at seq 1 (${file(2)}): gap: seq 1 is missing`);
    expect(stdout).not.toContain('| Seq |');
  });
});

describe('the verifier detects any single-byte change', () => {
  // Non-ASCII and a control character give the property multi-byte UTF-8 and \u escapes to flip.
  const entries = chainOf([
    declarationBody(1, { destination: { region: 'ap-southeast-1', country: 'SG', recipient: '狮城收单 Lion City\u001f' } }),
    declarationBody(2),
  ]);
  const all = [...entries, nextEntry(headOf(entries[1] as LedgerEntry), receiptBody(entries[0] as DeclarationEntry))];
  const texts = all.map((entry) => Buffer.from(canonicalJson(entry), 'utf8'));

  test('the unchanged copy verifies (so the property below is not vacuous)', async () => {
    writeLedger(all);
    expect((await ledger('verify', '--dir', dir)).code).toBe(0);
  });

  test('even one that keeps the values: an escape spelled in upper case', async () => {
    writeLedger(all);
    writeFileSync(file(1), readFileSync(file(1), 'utf8').replace('\\u001f', '\\u001F'));
    const { code, stdout } = await ledger('verify', '--dir', dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).firstBreak.reason).toMatch(/^not in canonical form/);
  });

  test('in any file, at any offset, to any other byte', async () => {
    writeLedger(all);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: texts.length - 1 }).chain((index) =>
          fc.tuple(fc.constant(index), fc.nat({ max: (texts[index] as Buffer).length - 1 }), fc.integer({ min: 1, max: 255 })),
        ),
        async ([index, offset, delta]) => {
          const original = texts[index] as Buffer;
          const bytes = Buffer.from(original);
          bytes[offset] = ((bytes[offset] as number) + delta) % 256;
          writeFileSync(file(index + 1), bytes);
          const { code } = await ledger('verify', '--dir', dir);
          writeFileSync(file(index + 1), original);
          expect(code).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

test('npx residency ledger verify runs from the launcher', () => {
  writeLedger(sampleLedger());
  const child = spawnSync(process.execPath, [join(REPO, 'bin/residency.js'), 'ledger', 'verify', '--dir', dir], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  expect(child.stderr).not.toMatch(/internal error/);
  expect(child.status).toBe(0);
  expect(JSON.parse(child.stdout)).toMatchObject({ ok: true, entries: 6, undelivered: [5] });
});
