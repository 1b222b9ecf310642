import { run } from '../../lib/cli/scan';
import { captureIo, jsonl, TempDir } from './support';

const RECORDS = [
  { payer: { idNumber: '11010519491231002X', mobile: '138 0013 8000' }, card: { pan: '6222021234567890' }, txn: { trade_no: '2024010122001400000000000001' } },
  { payer: { idNumber: '110105194912310021', mobile: 'n/a' }, card: { pan: '4111111111111111', cvv: '123' }, memo: 'ip 10.0.0.1' },
];

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());

async function scanJson(path: string, ...extra: string[]): Promise<unknown> {
  const io = captureIo();
  expect(await run(['--in', path, ...extra], io)).toBe(0);
  return JSON.parse(io.out.join(''));
}

describe('residency scan', () => {
  test('JSON report: records, invalid lines, fields with categories and levels', async () => {
    const report = await scanJson(dir.file('in.jsonl', `${jsonl(RECORDS)}{broken\n`));
    expect(report).toEqual({
      records: 2,
      invalid: 1,
      invalidReasons: { unparseable: 1 },
      recordsWithSensitiveAuthData: 1,
      recordsWithDuplicateKeys: 0,
      fields: [
        { path: 'card.cvv', values: 1, categories: { sensitive_auth_data: 1 }, level: 'C3' },
        { path: 'card.pan', values: 2, categories: { bank_card: 2 }, level: 'C2' },
        { path: 'memo', values: 1, categories: { ip_address: 1 }, level: 'C2' },
        // The second ID number fails its check character: one of two values is an ID.
        { path: 'payer.idNumber', values: 2, categories: { cn_resident_id: 1 }, level: 'C2' },
        { path: 'payer.mobile', values: 2, categories: { cn_mobile: 1 }, level: 'C2' },
        { path: 'txn.trade_no', values: 1, categories: { payment_transaction_id: 1 }, level: 'C2' },
      ],
    });
  });

  test('two workers give the same report as one', async () => {
    const path = dir.file('in.jsonl', jsonl(Array.from({ length: 200 }, (_, i) => RECORDS[i % 2])));
    expect(await scanJson(path, '--workers', '2')).toEqual(await scanJson(path));
  });

  test('CSV columns are field paths', async () => {
    const report = await scanJson(dir.file('in.csv', 'payer.mobile,note\n13800138000,hello\n'));
    expect(report).toMatchObject({ records: 1, fields: [{ path: 'payer.mobile', categories: { cn_mobile: 1 } }] });
  });

  test('Markdown: the risk summary for a compliance officer', async () => {
    const io = captureIo();
    expect(await run(['--in', dir.file('in.jsonl', jsonl(RECORDS)), '--format', 'markdown'], io)).toBe(0);
    const markdown = io.out.join('');
    expect(markdown).toMatch(/^# Personal financial information inventory: `in\.jsonl`/);
    expect(markdown).toContain('Scanned 2 records on');
    expect(markdown).toContain('**6 fields** hold personal financial information: 1 at level C3 and 5 at level C2');
    expect(markdown).toContain('**1 record carries sensitive authentication data.**');
    expect(markdown).toContain('PIPL Art. 28');
    expect(markdown).toMatch(/\| `card\.pan` \| C2 \| bank card number \(PAN\) \(2\) \| 2 \| mask to BIN \+ last 4/);
    expect(markdown).toMatch(/\| `card\.cvv` \| C3 \| .* \| never exported/);
  });

  test('Markdown guidance: free text holding several categories is told to redact', async () => {
    const io = captureIo();
    await run(['--in', dir.file('m.jsonl', jsonl([{ memo: 'call 13800138000 id 11010519491231002X' }])), '--format', 'markdown'], io);
    expect(io.out.join('')).toMatch(/\| `memo` \| C2 \| .* \| free text holding several kinds of identifier: `redact`/);
  });

  test('bad flags are usage errors', async () => {
    await expect(run(['--in', dir.file('x.jsonl', '{}\n'), '--format', 'pdf'], captureIo())).rejects.toMatchObject({ exitCode: 2 });
    await expect(run([], captureIo())).rejects.toThrow('missing required flag --in');
  });
});
