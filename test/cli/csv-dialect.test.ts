/** CSV dialects: the delimiter guessed (quote-aware) or forced, and a file read wrong refused by name. */
import { readFileSync } from 'node:fs';
import { csvDialectDisagreement, csvFields, sniffCsvDelimiter, type CsvDelimiter } from '../../lambda/core/csv';
import { CliError } from '../../lib/cli/io';
import { run as desensitize } from '../../lib/cli/desensitize';
import { run as scan } from '../../lib/cli/scan';
import { captureIo, TempDir, TEST_KEY_HEX } from './support';

const RULE = 'rules/cn-home/sg-settlement.json';
const COLUMNS = ['txn.tradeNo', 'txn.amount', 'payer.name', 'card.pan', 'card.cvv', 'memo'];
const ROWS = [
  ['2026060122001400000000000001', '10.50', 'Li Wei', '4111111111111111', '', 'paid; thanks'],
  ['2026060122001400000000000002', '11.00', 'Wang Fang', '6222021234567890123', '', 'ok'],
  ['2026060122001400000000000003', '12.00', 'Zhang San', '4111111111111111', '123', 'ok'],
];
const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** A CSV text with `delimiter`, quoting any cell that holds it. */
function csvText(delimiter: string, rows = ROWS): string {
  const cell = (value: string): string => (value.includes(delimiter) || value.includes(';') ? `"${value}"` : value);
  return [COLUMNS, ...rows].map((row) => row.map(cell).join(delimiter)).join('\n') + '\n';
}

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
  process.env.RESIDENCY_TOKEN_KEY = TEST_KEY_HEX;
});
afterEach(() => {
  dir.remove();
  delete process.env.RESIDENCY_TOKEN_KEY;
});

describe('sniffCsvDelimiter', () => {
  test.each<[string, CsvDelimiter]>([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('%s: guessed from the header and the rows', (_name, delimiter) => {
    expect(sniffCsvDelimiter(bytes(csvText(delimiter))).delimiter).toBe(delimiter);
  });

  test('quote-aware: semicolons inside quoted cells of a comma file do not make it semicolon-separated', () => {
    const text = 'a,b,c\n"x;y;z;w",1,2\n"p;q;r;s",3,4\n';
    expect(sniffCsvDelimiter(bytes(text), true).delimiter).toBe(',');
  });

  test('decimal commas in a semicolon file: semicolon, since the header has no comma', () => {
    expect(sniffCsvDelimiter(bytes('id;amount;memo\n1;12,50;x\n2;3,00;y\n'), true).delimiter).toBe(';');
  });

  test('a one-column file is read as comma-separated, and agrees with itself', () => {
    const sample = sniffCsvDelimiter(bytes('memo\nhello\nworld\n'), true);
    expect(sample.delimiter).toBe(',');
    expect(csvDialectDisagreement(sample)).toBeUndefined();
  });

  test('rows that mostly disagree with the header are reported with the first such line; one odd row is not', () => {
    expect(csvDialectDisagreement(sniffCsvDelimiter(bytes('a,b,c\n1,2,3,4\n\n1,2,3,4\n1,2,3\n'), true))).toEqual({ line: 2, fields: 4 });
    expect(csvDialectDisagreement(sniffCsvDelimiter(bytes('a,b,c\n1,2,3\n1,2,3,4\n1,2,3\n'), true))).toBeUndefined();
  });
});

describe('residency scan and desensitize read every dialect', () => {
  test.each<[string, string]>([
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('%s CSV: scan finds the CVV column; desensitize writes the rule\'s columns with the same delimiter', async (_name, delimiter) => {
    const input = dir.file('in.csv', csvText(delimiter));
    const io = captureIo();
    expect(await scan(['--in', input], io)).toBe(0);
    const report = JSON.parse(io.out.join('')) as { records: number; fields: { path: string; categories: Record<string, number> }[] };
    expect(report.records).toBe(3);
    expect(report.fields.find((f) => f.path === 'card.cvv')?.categories).toEqual({ sensitive_auth_data: 1 });

    const out = dir.file('out.csv');
    const quarantine = dir.file('q.jsonl');
    const dio = captureIo();
    expect(await desensitize(['--rule', RULE, '--in', input, '--out', out, '--quarantine', quarantine], dio)).toBe(0);
    expect(JSON.parse(dio.out[0])).toMatchObject({ read: 3, written: 2, quarantined: 1, quarantineReasons: { sensitive_auth_data: 1 } });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(['txn.tradeNo', 'txn.amount', 'card.pan', 'memo'].join(delimiter));
    expect(lines).toHaveLength(3);
    expect(csvFields(lines[1], delimiter as CsvDelimiter)).toHaveLength(4);
    expect(lines[1]).toContain('paid; thanks');
    expect(lines.join('\n')).not.toContain('4111111111111111');
  });

  test('--delimiter forces one: a semicolon file read with --delimiter , is refused, naming file, delimiter and line', async () => {
    const input = dir.file('semi.csv', csvText(';'));
    const io = captureIo();
    expect(await scan(['--in', input, '--delimiter', 'semicolon'], io)).toBe(0);
    const forced = scan(['--in', input, '--delimiter', ','], captureIo());
    await expect(forced).rejects.toThrow(CliError);
    await expect(forced).rejects.toThrow(/semi\.csv: with --delimiter "," its header is one column, but it splits into 6 columns with ";"/);
    const wide = dir.file('wide.csv', 'a;b;c\n1;2;3;4\n5;6;7;8\n');
    await expect(scan(['--in', wide, '--delimiter', ';'], captureIo())).rejects.toThrow(/wide\.csv: read with --delimiter ";", the header has 3 fields but line 2 has 4/);
    await expect(scan(['--in', input, '--delimiter', 'x'], captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--delimiter must be one of/) });
  });

  test('a comma file whose rows have more fields than the header is refused before anything is written; no .partial left', async () => {
    const input = dir.file('wide.csv', 'txn.tradeNo,memo\n1,a,b\n2,c,d\n3,e,f\n');
    const out = dir.file('out.csv');
    const quarantine = dir.file('q.jsonl');
    const run = desensitize(['--rule', RULE, '--in', input, '--out', out, '--quarantine', quarantine], captureIo());
    await expect(run).rejects.toThrow(/wide\.csv: read with the delimiter guessed from its first lines, ",", the header has 2 fields but line 2 has 3/);
    await expect(run).rejects.toMatchObject({ exitCode: 1 });
    expect(() => readFileSync(out)).toThrow();
    expect(() => readFileSync(`${out}.partial`)).toThrow();
  });

  test('never exit 0 having written nothing useful: a rule keeping none of the columns is refused', async () => {
    const input = dir.file('other.csv', 'colour;size\nred;L\nblue;M\n');
    const out = dir.file('out.csv');
    const run = desensitize(['--rule', RULE, '--in', input, '--out', out, '--quarantine', dir.file('q.jsonl')], captureIo());
    await expect(run).rejects.toThrow(/other\.csv: rule sg-settlement keeps none of its 2 columns; nothing would be written/);
    expect(() => readFileSync(out)).toThrow();
  });

  test('JSON Lines whose records all come out empty is refused, and no output appears', async () => {
    const input = dir.file('other.jsonl', '{"colour":"red"}\n{"colour":"blue"}\n');
    const out = dir.file('out.jsonl');
    const run = desensitize(['--rule', RULE, '--in', input, '--out', out, '--quarantine', dir.file('q.jsonl')], captureIo());
    await expect(run).rejects.toThrow(/left all 2 written records empty; nothing written/);
    expect(() => readFileSync(out)).toThrow();
    expect(() => readFileSync(`${out}.partial`)).toThrow();
  });
});
