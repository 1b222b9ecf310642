/**
 * The input-and-shape bullets of issue 10, through the real launcher as a user runs it: long
 * integers, duplicate keys hiding a CVV, invalid UTF-8 splitting a mobile, a line nested 5,000 deep,
 * an unclosed CSV quote, a trade number that is not one, and identifiers planted in keys, values,
 * headers and malformed lines. Every diagnostic output (quarantine file, scan report in JSON and
 * Markdown, stderr, the stdout summary) is searched for the planted identifiers and for anything
 * the detectors recognise.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardNumber, residentId, seededRandom } from '../../bench/synthetic-records';
import { findIdentifiers } from '../../lambda/core/detectors/identifiers';
import { TempDir, TEST_KEY_HEX } from './support';

const ROOT = join(__dirname, '..', '..');
const RULE = 'rules/cn-home/sg-settlement.json';

const random = seededRandom(1010);
const planted: string[] = [];
const plant = <T extends string>(value: T): T => {
  planted.push(value);
  return value;
};
const id = () => plant(residentId(random));
const card = () => plant(cardNumber(random));
const mobile = () => plant(`1${3 + Math.floor(random() * 7)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`);
const tradeNo = (n: number) => String(2024010122001400000000000000n + BigInt(n));

function residency(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['bin/residency.js', ...args], { cwd: ROOT, env: { ...process.env, RESIDENCY_TOKEN_KEY: TEST_KEY_HEX }, encoding: 'utf8' });
}

/** A diagnostic output holds no planted identifier, in any grouping, and nothing the detectors find. */
function expectClean(label: string, text: string): void {
  const compact = text.replace(/[\s-]/g, '');
  for (const value of planted) {
    expect([label, text.includes(value) || compact.includes(value)]).toEqual([label, false]);
  }
  expect([label, findIdentifiers(text)]).toEqual([label, []]);
}

let dir: TempDir;
beforeAll(() => {
  dir = new TempDir();
});
afterAll(() => dir.remove());

describe('adversarial JSON Lines through residency desensitize and scan', () => {
  const longId = '450104200807081317';
  const wallet = card();
  const phoneKey = mobile();
  const lines: Buffer[] = [
    Buffer.from(JSON.stringify({ txn: { tradeNo: tradeNo(1), amount: 12.5 }, payer: { idNumber: id(), mobile: mobile() }, card: { pan: card() }, memo: `call ${mobile()}` })),
    Buffer.from(`{"txn":{"tradeNo":${tradeNo(2)},"amount":1280.50},"payer":{"idNumber":${longId}},"card":{"pan":${card()}}}`),
    Buffer.from(`{"card":{"cvv":"123","cvv":""},"memo":"${mobile()}"}`),
    Buffer.concat([Buffer.from('{"memo":"call '), Buffer.from(mobile().slice(0, 5)), Buffer.from([0xff]), Buffer.from('138000"}')]),
    Buffer.from(`{"memo":${'['.repeat(5000)}"${id()}"${']'.repeat(5000)}}`),
    Buffer.from(JSON.stringify({ txn: { tradeNo: '信息：１５０５０１２００３０３０７１２３Ｘ' } })),
    Buffer.from(JSON.stringify({ txn: { tradeNo: `ref ${id()}` } })),
    Buffer.from(`{"wallet":{"${wallet}":{"cvv":"111"}}}`),
    Buffer.from(`{"memo":"${card()} ${mobile()}", broken`),
    Buffer.from(`{"memo":"${mobile()} ${'x'.repeat(1 << 20)}"}`),
    Buffer.from(`{"byPhone":{"${phoneKey}":1,"${phoneKey}":2}}`),
    Buffer.from(JSON.stringify({ byPhone: { [mobile()]: { mobile: mobile() } }, [id()]: 'keyed by an id' })),
    Buffer.from(JSON.stringify({ txn: { tradeNo: tradeNo(3), amount: 3 } })),
  ];
  let input: string;
  beforeAll(() => {
    input = dir.file('adversarial.jsonl');
    writeFileSync(input, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
  });

  test('the run goes on past every hostile line: each is quarantined with its line and reason, nothing is lost', () => {
    const out = dir.file('out.jsonl');
    const quarantine = dir.file('quarantine.jsonl');
    const run = residency(['desensitize', '--rule', RULE, '--in', input, '--out', out, '--quarantine', quarantine]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ read: 13, written: 4, quarantined: 9 });
    expect(summary.read).toBe(summary.written + summary.quarantined);
    expect(summary.quarantineReasons).toEqual({ sensitive_auth_data: 2, invalid_utf8: 1, too_deep: 1, shape_mismatch: 2, unparseable: 1, too_long: 1, duplicate_key: 1 });
    expect(summary.shapeMismatches).toEqual({ 'txn.tradeNo': 2 });

    const entries = readFileSync(quarantine, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string; detail: string });
    expect(entries.map(({ line, reason }) => [line, reason])).toEqual([
      [3, 'sensitive_auth_data'],
      [4, 'invalid_utf8'],
      [5, 'too_deep'],
      [6, 'shape_mismatch'],
      [7, 'shape_mismatch'],
      [8, 'sensitive_auth_data'],
      [9, 'unparseable'],
      [10, 'too_long'],
      [11, 'duplicate_key'],
    ]);
    expect(entries[0].detail).toContain('"card.cvv"');
    expect(entries[5].detail).toContain('"wallet.[bank_card].cvv"');
    expect(entries[8].detail).toContain('"byPhone.[cn_mobile]"');

    const written = readFileSync(out, 'utf8');
    // Long integers are read and written from their digits; the 18-digit ID as a number is still an ID.
    expect(written.split('\n')[1]).toMatch(new RegExp(`^\\{"txn":\\{"tradeNo":${tradeNo(2)},"amount":1280\\.50\\},"payer":\\{"idNumber":"1317"\\},"card":\\{"pan":"\\d{6}\\*+\\d{4}"\\}\\}$`));
    expect(written).not.toContain('450104200807081340');
    expect(written).not.toContain('\uFFFD');
    for (const value of planted) expect(written).not.toContain(value);

    expectClean('quarantine file', readFileSync(quarantine, 'utf8'));
    expectClean('stdout summary', run.stdout);
  });

  test('scan reports name keys that hold identifiers by category, in JSON and Markdown', () => {
    const json = residency(['scan', '--in', input]);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ records: 9, invalid: 4, invalidReasons: { invalid_utf8: 1, too_deep: 1, unparseable: 1, too_long: 1 }, recordsWithDuplicateKeys: 2 });
    const paths = (report.fields as { path: string }[]).map((field) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['wallet.[bank_card].cvv', 'byPhone.[cn_mobile].mobile', 'card.cvv']));
    expectClean('scan JSON', json.stdout);
    expectClean('scan stderr', json.stderr);

    const markdown = residency(['scan', '--in', input, '--format', 'markdown']);
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toContain('`byPhone.[cn_mobile].mobile`');
    expectClean('scan Markdown', markdown.stdout);
  });
});

describe('adversarial CSV through residency desensitize', () => {
  test('an unclosed quote costs its line only, and every row after it is written', () => {
    const rows = [
      'txn.tradeNo,txn.amount,payer.mobile,memo',
      `${tradeNo(1)},1.50,${mobile()},ok`,
      `${tradeNo(2)},2.00,${mobile()},"never closed ${card()}`,
      ...Array.from({ length: 20 }, (_, i) => `${tradeNo(10 + i)},${i}.25,${mobile()},row ${i}`),
      `${tradeNo(3)},3.00,${mobile()},x"${id()}`,
      `${tradeNo(4)},abc,${mobile()},amount is not a decimal`,
      `${tradeNo(5)},5.00,${mobile()},last`,
    ];
    const input = dir.file('adversarial.csv', `${rows.join('\n')}\n`);
    const out = dir.file('out.csv');
    const quarantine = dir.file('quarantine-csv.jsonl');
    const run = residency(['desensitize', '--rule', RULE, '--in', input, '--out', out, '--quarantine', quarantine]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 25, written: 22, quarantined: 3, quarantineReasons: { unparseable: 2, shape_mismatch: 1 } });
    const entries = readFileSync(quarantine, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string });
    expect(entries.map((e) => [e.line, e.reason])).toEqual([
      [3, 'unparseable'],
      [24, 'unparseable'],
      [25, 'shape_mismatch'],
    ]);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1 + 22);
    expectClean('CSV quarantine file', readFileSync(quarantine, 'utf8'));
    expectClean('CSV stdout summary', run.stdout);
  });

  test('a header that is really a record of IDs and PANs is refused on one line that repeats none of them', () => {
    const input = dir.file('no-header.csv', `${id()},${card()},${mobile()},张三\n${id()},${card()},${mobile()},李四\n`);
    const run = residency(['desensitize', '--rule', RULE, '--in', input, '--out', dir.file('o.csv'), '--quarantine', dir.file('q.jsonl')]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/invalid CSV header: column 1: its name holds what looks like a cn_resident_id \(is the first line a record instead of the header\?\)/);
    expectClean('stderr', run.stderr);
  });
});
