import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TOKEN_KEY_ENV } from '../../lib/cli/desensitize';
import { CliError } from '../../lib/cli/io';
import { captureIo, jsonl, TempDir, TEST_KEY_HEX } from './support';

const RULE = join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json');

const RECORDS = [
  {
    txn: { tradeNo: '2024010122001400000000000001', amount: 10 },
    payer: { idNumber: '11010519491231002X', mobile: '13800138000', name: '张三' },
    card: { pan: '4111 1111 1111 1111' },
    memo: 'call 13800138000',
  },
  { card: { pan: '4111111111111111', cvv: '123' } },
  { txn: { tradeNo: 'ref 4111111111111111', amount: 11 } },
  { txn: { tradeNo: '2024010122001400000000000002', amount: 13800138000 } },
];

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
  process.env[TOKEN_KEY_ENV] = TEST_KEY_HEX;
});
afterEach(() => {
  dir.remove();
  delete process.env[TOKEN_KEY_ENV];
});

function paths(input: string, name = 'in.jsonl') {
  return { in: dir.file(name, input), out: dir.file(`out${name.slice(name.lastIndexOf('.'))}`), quarantine: dir.file('quarantine.jsonl') };
}

function args(p: { in: string; out: string; quarantine: string }, ...extra: string[]): string[] {
  return ['--rule', RULE, '--in', p.in, '--out', p.out, '--quarantine', p.quarantine, ...extra];
}

describe('residency desensitize', () => {
  test('writes records in order, quarantines with line numbers, prints one summary line', async () => {
    const p = paths(`${jsonl(RECORDS.slice(0, 2))}not json\n\n${jsonl(RECORDS.slice(2, 4))}`);
    const io = captureIo();
    expect(await run(args(p), io)).toBe(0);

    expect(io.out).toHaveLength(1);
    const summary = JSON.parse(io.out[0]);
    expect(summary).toMatchObject({ read: 5, written: 2, quarantined: 3, safetyNetRedactions: 1, redactions: 1, tokenized: 1, masked: 1, truncated: 1 });
    expect(summary.read).toBe(summary.written + summary.quarantined);
    expect(summary).toMatchObject({
      quarantineReasons: { sensitive_auth_data: 1, unparseable: 1, shape_mismatch: 1 },
      shapeMismatches: { 'txn.tradeNo': 1 },
      rule: 'sg-settlement',
      ruleVersion: 1,
    });

    const out = readFileSync(p.out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(out[0]).toMatchObject({ payer: { idNumber: '002X', mobile: expect.stringMatching(/^tok_cn_mobile_/) }, card: { pan: '411111******1111' }, memo: 'call [REDACTED:cn_mobile]' });
    expect(out[0].payer.name).toBeUndefined();
    // The amount has its shape (a decimal) but is a mobile number: the safety net catches it.
    expect(out[1]).toEqual({ txn: { tradeNo: '2024010122001400000000000002', amount: '[REDACTED:cn_mobile]' } });

    const quarantine = readFileSync(p.quarantine, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(quarantine).toEqual([
      { line: 2, reason: 'sensitive_auth_data', detail: expect.stringContaining('"card.cvv"') },
      { line: 3, reason: 'unparseable', detail: expect.stringMatching(/^not valid JSON/) },
      { line: 5, reason: 'shape_mismatch', detail: expect.stringContaining('field "txn.tradeNo" holds a value that is not pattern ^[0-9]{28}$') },
    ]);
    expect(readFileSync(p.quarantine, 'utf8')).not.toContain('"123"');
    expect(existsSync(`${p.out}.partial`)).toBe(false);
  });

  test('CSV in, CSV out: a header of the surviving columns, rows in order', async () => {
    const csv = [
      'txn.tradeNo,payer.name,payer.mobile,card.cvv,memo',
      '2024010122001400000000000001,张三,13800138000,,"note, with comma"',
      '2024010122001400000000000002,李四,13900139000,123,x',
      '"2024010122001400000000000003","王五","139 0013 9000",,"multi',
      'line 11010519491231002X"',
    ].join('\r\n');
    const p = paths(csv, 'in.csv');
    const io = captureIo();
    expect(await run(args(p), io)).toBe(0);
    expect(JSON.parse(io.out[0])).toMatchObject({ read: 3, written: 2, quarantined: 1 });
    const lines = readFileSync(p.out, 'utf8').split('\n');
    expect(lines[0]).toBe('txn.tradeNo,payer.mobile,memo');
    expect(lines[1]).toMatch(/^2024010122001400000000000001,tok_cn_mobile_[\w-]{43},"note, with comma"$/);
    // The CRLF inside the quoted field is data and survives; the record separator is \n.
    expect(lines.slice(2).join('\n')).toMatch(/^2024010122001400000000000003,tok_cn_mobile_[\w-]{43},"multi\r\nline \[REDACTED:cn_resident_id\]"\n$/);
    expect(JSON.parse(readFileSync(p.quarantine, 'utf8'))).toMatchObject({ line: 3, reason: 'sensitive_auth_data' });
  });

  test('two workers give the same output as one', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ ...RECORDS[i % 4], seq: i, memo: `n${i} 13800138000` }));
    const p = paths(jsonl(many));
    expect(await run(args(p, '--workers', '2'), captureIo())).toBe(0);
    const twoWorkers = readFileSync(p.out, 'utf8');
    expect(await run(args(p), captureIo())).toBe(0);
    expect(twoWorkers).toBe(readFileSync(p.out, 'utf8'));
  });

  test('a key from --token-key-file (hex or raw bytes) overrides the environment', async () => {
    const p = paths(jsonl([{ payer: { mobile: '13800138000' } }]));
    const tokenWith = async (...extra: string[]) => {
      expect(await run(args(p, ...extra), captureIo())).toBe(0);
      return JSON.parse(readFileSync(p.out, 'utf8')).payer.mobile as string;
    };
    const fromEnv = await tokenWith();
    expect(await tokenWith('--token-key-file', dir.file('key.hex', `${TEST_KEY_HEX}\n`))).toBe(fromEnv);
    const raw = dir.file('raw.key');
    writeFileSync(raw, Buffer.from(TEST_KEY_HEX, 'hex'));
    expect(await tokenWith('--token-key-file', raw)).toBe(fromEnv);
  });

  test.each([
    ['no key at all', () => delete process.env[TOKEN_KEY_ENV], /no token key: set RESIDENCY_TOKEN_KEY/],
    ['a short key', () => (process.env[TOKEN_KEY_ENV] = 'ab'.repeat(16 - 1)), /RESIDENCY_TOKEN_KEY: token key is 15 bytes; at least 32/],
    ['a key that is not hex', () => (process.env[TOKEN_KEY_ENV] = 'k'.repeat(64)), /must be hex-encoded/],
  ])('refuses to run with %s, and writes nothing', async (_case, setUp, message) => {
    setUp();
    const p = paths(jsonl(RECORDS));
    await expect(run(args(p), captureIo())).rejects.toThrow(message);
    expect(existsSync(p.out)).toBe(false);
    expect(existsSync(p.quarantine)).toBe(false);
  });

  test('an expired rule is refused before the input is even looked at', async () => {
    const expired = dir.file('old.json', readFileSync(RULE, 'utf8').replace('"2026-01-01"', '"2025-01-01"').replace('"2027-12-31"', '"2025-06-30"'));
    const p = { in: join(dir.path, 'missing.jsonl'), out: dir.file('o.jsonl'), quarantine: dir.file('q.jsonl') };
    const error = await run(['--rule', expired, '--in', p.in, '--out', p.out, '--quarantine', p.quarantine], captureIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^refusing rule .*old\.json: rule "sg-settlement" has expired: validUntil 2025-06-30 is before today/);
    expect((error as CliError).exitCode).toBe(1);
  });

  test.each([
    [['--in', 'x.jsonl'], /missing required flag --rule/, 2],
    [['--bogus'], /unknown flag --bogus/, 2],
  ])('usage errors: %j', async (argv, message, exitCode) => {
    await expect(run(argv, captureIo())).rejects.toMatchObject({ message: expect.stringMatching(message), exitCode });
  });

  test.each([
    ['in.jsonl', ''],
    ['in.csv', ''],
    ['in.csv', 'memo,payer.mobile\n'],
  ])('an empty input (%s %j) gives empty outputs and zero counts', async (name, content) => {
    const p = paths(content, name);
    const io = captureIo();
    expect(await run(args(p), io)).toBe(0);
    expect(JSON.parse(io.out[0])).toMatchObject({ read: 0, written: 0, quarantined: 0 });
    expect(readFileSync(p.out, 'utf8')).toBe(content === '' ? '' : 'memo,payer.mobile\n');
    expect(readFileSync(p.quarantine, 'utf8')).toBe('');
  });

  test('a CSV file whose first line is blank is refused, not read as empty', async () => {
    const p = paths('\nmemo\nhello\n', 'in.csv');
    await expect(run(args(p), captureIo())).rejects.toThrow(/the first line of a CSV file must be its header/);
    expect(existsSync(p.out)).toBe(false);
  });

  test('unreadable input and clashing paths are one-line errors', async () => {
    const p = paths(jsonl(RECORDS));
    await expect(run(args({ ...p, in: join(dir.path, 'nope.jsonl') }), captureIo())).rejects.toThrow(/cannot read --in .*nope\.jsonl: no such file or folder \(ENOENT\)/);
    await expect(run(args({ ...p, out: p.in }), captureIo())).rejects.toThrow(/--out and --in name the same file/);
    await expect(run(args({ ...p, in: dir.file('data.txt', '{}') }), captureIo())).rejects.toThrow(/cannot tell the format/);
  });

  test('an --out in a folder that does not exist is named in words, and nothing is left behind', async () => {
    const p = paths(jsonl(RECORDS));
    const out = join(dir.path, 'no-such-folder', 'out.jsonl');
    await expect(run(args({ ...p, out }), captureIo())).rejects.toThrow(/cannot write --out .*out\.jsonl: the folder .*no-such-folder does not exist \(create it first\)/);
    expect(existsSync(join(dir.path, 'no-such-folder'))).toBe(false);
  });
});
