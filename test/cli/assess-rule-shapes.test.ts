/** `residency assess --rule` with a whole transfer rule: validated as the gateway would, and what leaves listed with its shapes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lib/cli/assess';
import { captureIo, TempDir } from './support';

const ROOT = join(__dirname, '..', '..');
const RULE = join(ROOT, 'rules', 'cn-home', 'sg-settlement.json');
const FLOWS = join(ROOT, 'docs', 'examples', 'payment-settlement.json');

let dir: TempDir;
beforeAll(() => {
  dir = new TempDir();
});
afterAll(() => dir.remove());

describe('assess --rule with a whole rule', () => {
  test('JSON lists every field that leaves, with the shape of kept fields and what a mismatch does', async () => {
    const io = captureIo();
    expect(await run(['--rule', RULE, '--in', FLOWS], io)).toBe(0);
    const result = JSON.parse(io.out.join(''));
    expect(result).toMatchObject({ rule: 'sg-settlement', fits: true, otherFields: 'drop' });
    expect(result.leaves).toEqual(
      expect.arrayContaining([
        { field: 'txn.tradeNo', transform: 'keep', shape: 'pattern ^[0-9]{28}$', onMismatch: 'quarantine' },
        { field: 'card.pan', transform: 'mask_pan' },
      ]),
    );
  });

  test('Markdown lists what leaves', async () => {
    const io = captureIo();
    expect(await run(['--rule', RULE, '--in', FLOWS, '--format', 'markdown'], io)).toBe(0);
    expect(io.out.join('')).toContain('- What leaves (fields not named: drop):\n  - `txn.tradeNo`: keep (shape: pattern ^[0-9]{28}$; a value of another shape: quarantine)');
  });

  test('a bare "keep" is refused with the file, the key and the shapes allowed (exit 1, refused input)', async () => {
    const old = JSON.parse(readFileSync(RULE, 'utf8'));
    old.fields['txn.amount'] = 'keep';
    const path = dir.file('old-rule.json', JSON.stringify(old));
    await expect(run(['--rule', path, '--in', FLOWS], captureIo())).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/^--rule .*old-rule\.json: key fields\["txn\.amount"\]: value "keep": a kept field must state the shape it may carry.*shapes: "decimal"/),
    });
  });
});
