import { MAX_DEPTH, MAX_RECORD_BYTES } from '../../../lambda/core/batch';
import { csvLayout, CsvHeaderError, csvOutputColumns, desensitizeCsv, scanCsv } from '../../../lambda/core/csv-records';
import { desensitizeJsonl, scanJsonl } from '../../../lambda/core/records';
import { Inventory } from '../../../lambda/core/scan';
import { planWith, settlementRecord } from './support';

const bytes = (text: string) => Buffer.from(text);

describe('JSON Lines batches', () => {
  const plan = planWith();

  test('every non-blank line is written or quarantined with its line number; no record content in reasons', () => {
    const text = [
      JSON.stringify(settlementRecord()),
      '',
      '{"card": {"pan": "4111111111111111", "cvv": "123"}}',
      '{"memo": "secret 13800138000", broken',
      '[1,2]',
      '   ',
      JSON.stringify({ memo: 'ok' }),
    ].join('\n');
    const batch = desensitizeJsonl(bytes(text), plan);
    expect(batch).toMatchObject({ lines: 7, read: 5, written: 2 });
    expect(batch.quarantine).toEqual([
      { line: 3, reason: 'sensitive_auth_data', detail: expect.stringContaining('"card.cvv"') },
      { line: 4, reason: 'unparseable', detail: expect.stringMatching(/^not valid JSON \(at character \d+\)$/) },
      { line: 5, reason: 'not_an_object', detail: 'the record is an array, not a JSON object' },
    ]);
    expect(JSON.stringify(batch.quarantine)).not.toContain('13800138000');
    expect(batch.output.split('\n')).toHaveLength(3);
    expect(JSON.parse(batch.output.split('\n')[1])).toEqual({ memo: 'ok' });
  });

  test('CRLF line endings and a leading byte order mark are accepted', () => {
    expect(desensitizeJsonl(bytes('\uFEFF{"memo":"a"}\r\n{"memo":"b"}\r\n'), plan)).toMatchObject({ read: 2, written: 2, lines: 2, output: '{"memo":"a"}\n{"memo":"b"}\n' });
  });

  test('invalid UTF-8 quarantines its line only, never decoded with replacement characters', () => {
    const input = Buffer.concat([bytes('{"memo":"a"}\n{"memo":"call 1380'), Buffer.from([0xff, 0xfe]), bytes('0138000"}\n{"memo":"b"}\n')]);
    const batch = desensitizeJsonl(input, plan);
    expect(batch).toMatchObject({ read: 3, written: 2, output: '{"memo":"a"}\n{"memo":"b"}\n' });
    expect(batch.quarantine).toEqual([{ line: 2, reason: 'invalid_utf8', detail: expect.stringContaining('not valid UTF-8') }]);
    expect(batch.output).not.toContain('\uFFFD');
  });

  test.each([
    ['a truncated multi-byte character', Buffer.from([0xe4, 0xbd])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
    ['a UTF-16 surrogate encoded in UTF-8', Buffer.from([0xed, 0xa0, 0x80])],
  ])('%s is invalid UTF-8', (_case, bad) => {
    const batch = desensitizeJsonl(Buffer.concat([bytes('{"memo":"'), bad, bytes('"}\n')]), plan);
    expect(batch.quarantine).toEqual([{ line: 1, reason: 'invalid_utf8', detail: expect.any(String) }]);
  });

  test('a line over the size limit and one nested past the depth limit are quarantined; the batch goes on', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const atLimit = `{"a":${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}}`;
    const long = `{"memo":"${'x'.repeat(MAX_RECORD_BYTES)}"}`;
    const batch = desensitizeJsonl(bytes([deep, long, atLimit, '{"memo":"ok"}'].join('\n')), planWith({ fields: { memo: 'redact', a: 'redact' } }));
    expect(batch.quarantine).toEqual([
      { line: 1, reason: 'too_deep', detail: `nested deeper than ${MAX_DEPTH} levels (the limit for a record)` },
      { line: 2, reason: 'too_long', detail: expect.stringContaining('1,048,576 bytes') },
    ]);
    expect(batch).toMatchObject({ read: 4, written: 2 });
  });

  test('a repeated key is quarantined; one that hides a CVV behind last-wins is sensitive authentication data', () => {
    const batch = desensitizeJsonl(bytes('{"card":{"cvv":"123","cvv":""}}\n{"memo":"a","memo":"b"}\n{"card":{"cvv":""},"card":{"pan":"1"}}\n'), plan);
    expect(batch.quarantine).toEqual([
      { line: 1, reason: 'sensitive_auth_data', detail: expect.stringContaining('"card.cvv" (in one of the values of a repeated key') },
      { line: 2, reason: 'duplicate_key', detail: expect.stringMatching(/^key "memo" appears 2 times/) },
      { line: 3, reason: 'duplicate_key', detail: expect.stringMatching(/^key "card" appears 2 times/) },
    ]);
    expect(batch.written).toBe(0);
  });

  test('long integers are inspected and written from their digits', () => {
    const line = '{"txn":{"tradeNo":2024010122001400000000000001,"amount":1280.50},"payer":{"idNumber":450104200807081317}}';
    const batch = desensitizeJsonl(bytes(line), plan);
    expect(batch.output).toBe('{"txn":{"tradeNo":2024010122001400000000000001,"amount":1280.50},"payer":{"idNumber":"1317"}}\n');
  });

  test('scan counts unreadable lines as invalid, with their reasons', () => {
    const inventory = new Inventory();
    expect(scanJsonl(bytes('{"pan":"4111111111111111"}\nnope\n{"a":1,"a":2}\n'), inventory)).toBe(3);
    expect(inventory.report()).toMatchObject({ records: 2, invalid: 1, invalidReasons: { unparseable: 1 }, recordsWithDuplicateKeys: 1 });
  });
});

describe('CSV batches', () => {
  const plan = planWith();
  const header = ['txn.tradeNo', 'txn.amount', 'payer.name', 'payer.idNumber', 'payer.mobile', 'card.pan', 'memo'];
  const layout = csvLayout(header);

  test('dotted column names are the rule paths; dropped columns leave the output', () => {
    const columns = csvOutputColumns(layout, plan);
    expect(columns.map((c) => header[c])).toEqual(['txn.tradeNo', 'txn.amount', 'payer.idNumber', 'payer.mobile', 'card.pan', 'memo']);
    const text = '2024010122001400000000000001,12.50,张三,11010519491231002X,13800138000,4111 1111 1111 1111,"call 13800138000, thanks"\n';
    const batch = desensitizeCsv(bytes(text), layout, columns, plan);
    expect(batch.read).toBe(1);
    const [row] = batch.output.split('\n');
    expect(row).toMatch(/^2024010122001400000000000001,12\.50,002X,tok_cn_mobile_[\w-]{43},411111\*{6}1111,"call \[REDACTED:cn_mobile\], thanks"$/);
  });

  test('a row with the wrong number of fields and a CVV column are quarantined; an empty cell is no value', () => {
    const sadLayout = csvLayout(['memo', 'card.cvv']);
    const batch = desensitizeCsv(bytes('hello,\nshort\nx,123\n'), sadLayout, csvOutputColumns(sadLayout, plan), plan);
    expect(batch).toMatchObject({ read: 3, written: 1, output: 'hello\n' });
    expect(batch.quarantine).toEqual([
      { line: 2, reason: 'unparseable', detail: 'not a valid CSV record (expected 2 fields, found 1)' },
      { line: 3, reason: 'sensitive_auth_data', detail: expect.stringContaining('"card.cvv"') },
    ]);
  });

  test('an unclosed quote quarantines its line; the rows after it are still read', () => {
    const memoLayout = csvLayout(['txn.tradeNo', 'memo']);
    const rows = ['2024010122001400000000000001,"never closed', '2024010122001400000000000002,fine', '2024010122001400000000000003,also fine'];
    const batch = desensitizeCsv(bytes(`${rows.join('\n')}\n`), memoLayout, csvOutputColumns(memoLayout, plan), plan);
    expect(batch).toMatchObject({ read: 3, written: 2 });
    expect(batch.quarantine).toEqual([{ line: 1, reason: 'unparseable', detail: 'not a valid CSV record (a quoted field is never closed)' }]);
  });

  test('scan reads columns as field paths', () => {
    const inventory = new Inventory();
    scanCsv(bytes('4111111111111111,x\n'), csvLayout(['card.pan', 'note']), inventory);
    expect(inventory.report().fields).toEqual([{ path: 'card.pan', values: 1, categories: { bank_card: 1 }, level: 'C2' }]);
  });

  test.each([
    [['a', 'a'], /column 2 "a" repeats column 1/],
    [['a', 'a.b'], /column 1 "a" and column 2 "a\.b" conflict/],
    [['', 'b'], /empty/],
    [['x..y'], /empty or reserved/],
    [['13800138000'], /column 1: its name holds what looks like a cn_mobile/],
  ])('header %j is refused', (columns, message) => {
    expect(() => csvLayout(columns)).toThrow(CsvHeaderError);
    expect(() => csvLayout(columns)).toThrow(message);
  });

  test('a header error never repeats a column name that holds an identifier', () => {
    const error = (() => {
      try {
        csvLayout(['13800138000', '13800138000', 'x.4111111111111111', 'x']);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(error).not.toMatch(/13800138000|4111111111111111/);
    expect(error).toContain('column 1: its name holds what looks like a cn_mobile');
  });
});
