import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, TOKEN_KEY_ENV } from '../../lib/cli/desensitize';
import { tokenize, tokenKeyFromHex } from '../../lambda/core/tokens';
import { mobileSpelling, mobileToken, recordLine, subject } from '../lambda/core/suppression-support';
import { captureIo, TempDir, TEST_KEY_HEX } from './support';

const RULE = join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json');
const KEY = tokenKeyFromHex(TEST_KEY_HEX);

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
  process.env[TOKEN_KEY_ENV] = TEST_KEY_HEX;
});
afterEach(() => {
  dir.remove();
  delete process.env[TOKEN_KEY_ENV];
});

function list(tokens: readonly string[]): string {
  return JSON.stringify({ version: 1, entries: tokens.map((token) => ({ token, reason: 'opt-out-sale-sharing', since: '2026-06-01' })) });
}

async function desensitize(input: string, name: string, suppress: string, ...extra: string[]) {
  const io = captureIo();
  const p = { in: dir.file(name, input), out: dir.file(`out${name.slice(name.lastIndexOf('.'))}`), quarantine: dir.file('q.jsonl'), suppress: dir.file('suppress.json', suppress) };
  const code = await run(['--rule', RULE, '--in', p.in, '--out', p.out, '--quarantine', p.quarantine, '--suppress', p.suppress, ...extra], io);
  return { code, summary: JSON.parse(io.out[0]), out: readFileSync(p.out, 'utf8'), quarantine: readFileSync(p.quarantine, 'utf8'), io };
}

describe('residency desensitize --suppress', () => {
  test('property: a subject on the list never reaches --out; the summary counts them and adds up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(subject, { minLength: 2, maxLength: 5, selector: (s) => s.mobile }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.nat()), mobileSpelling, fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.func(fc.boolean()),
        async (people, rows, pick) => {
          const suppressed = people.filter((_, i) => pick(i));
          const text = rows.map(([p, c, spell, asNumber], n) => recordLine(people[p % people.length], c === null ? undefined : people[c % people.length], spell, asNumber, n)).join('\n') + '\n';
          // One worker: a pool per run was most of this property's time; the next test runs two workers.
          const result = await desensitize(text, 'in.jsonl', list(suppressed.map((s) => mobileToken(KEY, s))), '--workers', '1');
          for (const s of suppressed) for (const trace of [mobileToken(KEY, s), s.mobile, s.card]) expect(result.out).not.toContain(trace);
          const { read, written, quarantined, suppressed: withheld } = result.summary;
          expect(read).toBe(rows.length);
          expect(written + quarantined + withheld).toBe(read);
          expect(withheld).toBe(rows.filter(([p, c]) => [people[p % people.length], ...(c === null ? [] : [people[c % people.length]])].some((s) => suppressed.includes(s))).length);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('two workers and CSV: the same records withheld, quarantine lines still point at the input', async () => {
    const header = 'txn.tradeNo,txn.amount,payer.mobile,card.pan,memo,card.cvv\n';
    const rows = [
      '2026060122001400000000000001,10,13800138000,6222021234567890123,"multi\nline",',
      '2026060122001400000000000002,11,139 1234 5678,4111111111111111,ok,',
      '2026060122001400000000000003,12,13700000001,4111111111111111,ok,123',
      '2026060122001400000000000004,13,+86 13800138000,4111111111111111,ok,',
    ];
    const result = await desensitize(header + rows.join('\n') + '\n', 'in.csv', list([tokenize(KEY, 'cn_mobile', '13800138000')]), '--workers', '2');
    expect(result.summary).toMatchObject({ read: 4, written: 1, quarantined: 1, suppressed: 2 });
    expect(result.out).not.toContain(tokenize(KEY, 'cn_mobile', '13800138000'));
    expect(JSON.parse(result.quarantine.trim())).toMatchObject({ line: 5, reason: 'sensitive_auth_data' });
  });

  test('no list given: suppressed is 0; a bad list is refused before the input is read, naming the entry', async () => {
    const io = captureIo();
    const p = { in: dir.file('in.jsonl', '{"memo":"hello"}\n'), out: dir.file('o.jsonl'), quarantine: dir.file('q.jsonl') };
    await run(['--rule', RULE, '--in', p.in, '--out', p.out, '--quarantine', p.quarantine], io);
    expect(JSON.parse(io.out[0])).toMatchObject({ read: 1, suppressed: 0 });
    await expect(desensitize('{"a":1}\n', 'in.jsonl', JSON.stringify({ version: 1, entries: [{ token: 'x', reason: 'erasure', since: '2026-06-01' }] }))).rejects.toThrow(
      /refusing suppression list --suppress .*entries\[0\]\.token: must be a token/,
    );
  });
});
