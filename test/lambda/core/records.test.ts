import { csvLayout, CsvHeaderError, csvOutputColumns, desensitizeCsv, desensitizeJsonl, scanCsv, scanJsonl } from '../../../lambda/core/records';
import { Inventory } from '../../../lambda/core/scan';
import { planWith, settlementRecord } from './support';

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
    const batch = desensitizeJsonl(text, plan);
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

  test('CRLF line endings are accepted', () => {
    expect(desensitizeJsonl('{"memo":"a"}\r\n{"memo":"b"}\r\n', plan)).toMatchObject({ read: 2, written: 2, lines: 2, output: '{"memo":"a"}\n{"memo":"b"}\n' });
  });

  test('scan counts unparseable lines as invalid', () => {
    const inventory = new Inventory();
    expect(scanJsonl('{"pan":"4111111111111111"}\nnope\n', inventory)).toBe(2);
    expect(inventory.report()).toMatchObject({ records: 1, invalid: 1 });
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
    const batch = desensitizeCsv(text, layout, columns, plan);
    expect(batch.read).toBe(1);
    const [row] = batch.output.split('\n');
    expect(row).toMatch(/^2024010122001400000000000001,12\.50,002X,tok_cn_mobile_[\w-]{43},411111\*{6}1111,"call \[REDACTED:cn_mobile\], thanks"$/);
  });

  test('a row with the wrong number of fields and a CVV column are quarantined', () => {
    const sadLayout = csvLayout(['memo', 'card.cvv']);
    const batch = desensitizeCsv('hello,\nshort\nx,123\n', sadLayout, csvOutputColumns(sadLayout, plan), plan);
    expect(batch).toMatchObject({ read: 3, written: 1, output: 'hello\n' });
    expect(batch.quarantine).toEqual([
      { line: 2, reason: 'unparseable', detail: 'not a valid CSV record (expected 2 fields, found 1)' },
      { line: 3, reason: 'sensitive_auth_data', detail: expect.stringContaining('"card.cvv"') },
    ]);
  });

  test('scan reads columns as field paths', () => {
    const inventory = new Inventory();
    scanCsv('4111111111111111,x\n', csvLayout(['card.pan', 'note']), inventory);
    expect(inventory.report().fields).toEqual([{ path: 'card.pan', values: 1, categories: { bank_card: 1 }, level: 'C2' }]);
  });

  test.each([
    [['a', 'a'], /"a" appears twice/],
    [['a', 'a.b'], /columns "a" and "a.b" conflict/],
    [['', 'b'], /empty/],
    [['x..y'], /empty or reserved/],
    [['13800138000'], /looks like personal data/],
  ])('header %j is refused', (columns, message) => {
    expect(() => csvLayout(columns)).toThrow(CsvHeaderError);
    expect(() => csvLayout(columns)).toThrow(message);
  });
});
