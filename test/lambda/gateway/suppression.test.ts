import fc from 'fast-check';
import { compileTransferRule } from '../../../lambda/core/desensitize';
import { scanJsonl } from '../../../lambda/core/records';
import { Inventory } from '../../../lambda/core/scan';
import { tokenize } from '../../../lambda/core/tokens';
import { type TransferDeclaration, type TransferPorts, transferObject } from '../../../lambda/gateway/transfer-object';
import { memorySink, sourceStream } from './support/memory-sink';
import { declaredCategories, IN_FORCE, KEY, ruleWith } from '../core/support';
import { cardToken, mobileSpelling, mobileToken, recordLine, subject, type Subject } from '../core/suppression-support';

// One thread: these objects are a few records, and a worker pool per property run (two threads
// bundled and started each time) was 50 s of the suite; threads.test.ts proves threads change nothing.
const SETTINGS = { outboundBucket: 'outbound', outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: '111122223333/cn-north-1', threads: 1 };
const REF = { bucket: 'raw-c2', key: 'raw/source=pos/date=2026-06-01/batch-1.jsonl', versionId: 'v1' };
// Two rules to two recipients: a subject on the list reaches neither.
const SG = ruleWith({});
const US = ruleWith({
  id: 'us-chargebacks',
  destination: { region: 'us-east-1', country: 'US', recipient: 'Example Card Processing Inc.' },
  fields: { 'txn.tradeNo': { keep: { pattern: '^T[0-9]{1,6}$' } }, 'payer.mobile': 'token', 'card.pan': 'mask_pan', memo: 'redact' },
});
const PLANS = [compileTransferRule(SG, KEY), compileTransferRule(US, KEY)];

function ports(text: string, tokens: readonly string[]) {
  const puts: Array<{ key: string; body: string }> = [];
  const declarations: TransferDeclaration[] = [];
  const counted: string[] = [];
  const staged = new Map<string, string>();
  const p: TransferPorts = {
    readObject: async () => sourceStream(text),
    openQuarantine: ({ key }) => memorySink(key, (body) => void puts.push({ key, body })),
    openStaged: (key) => memorySink(key, (body) => void staged.set(key, body)),
    declare: async (body) => {
      declarations.push(body);
      const entry = { ...body, kind: 'declaration' as const, declaredAt: '2026-06-01T12:00:00.000Z', seq: declarations.length, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
      return { entry, resumed: false };
    },
    // What is released is what reaches outbound/: the staged bytes under the outbound key.
    releaseOutput: async ({ staged: output, key }) => void puts.push({ key, body: staged.get(output.key) ?? '' }),
    countSubjects: async ({ tokens: t }) => {
      counted.push(...t);
      return t.length;
    },
    suppressionTokens: async () => tokens,
    refuseObject: async () => {
      throw new Error('a JSON Lines object of this size is never refused');
    },
  };
  return { p, puts, declarations, counted };
}

describe('gateway: a subject on the suppression list never leaves (property)', () => {
  test('no output, declaration or headcount carries a suppressed subject; every outcome adds up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(subject, { minLength: 2, maxLength: 6, selector: (s) => s.mobile }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.nat()), mobileSpelling, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.func(fc.boolean()),
        async (people, rows, pick) => {
          const suppressed = people.filter((_, i) => pick(i));
          const tokens = suppressed.flatMap((s: Subject) => [mobileToken(KEY, s), cardToken(KEY, s)].slice(0, 1 + (people.indexOf(s) % 2)));
          const text = rows.map(([p, c, spell, asNumber], n) => recordLine(people[p % people.length], c === null ? undefined : people[c % people.length], spell, asNumber, n)).join('\n');
          const { p, puts, declarations, counted } = ports(text, tokens);

          const outcomes = await transferObject(REF, PLANS, SETTINGS, p, IN_FORCE);

          const outbound = puts.filter((put) => put.key.startsWith('outbound/')).map((put) => put.body).join('\n');
          for (const s of suppressed) {
            for (const trace of [mobileToken(KEY, s), s.mobile, s.card, s.mobile.slice(3), tokenize(KEY, 'text', s.mobile)]) {
              expect(outbound).not.toContain(trace);
              expect(counted).not.toContain(trace);
            }
          }
          const withheld = rows.filter(([pi, ci]) => [people[pi % people.length], ...(ci === null ? [] : [people[ci % people.length]])].some((s) => suppressed.includes(s))).length;
          for (const outcome of outcomes) {
            if (outcome.status === 'rule_inactive' || outcome.status === 'object_quarantined' || outcome.status === 'split') throw new Error(`rules are in force and the object is JSON Lines: ${outcome.status}`);
            expect(outcome.suppressed).toBe(withheld);
            expect(outcome.written + outcome.quarantined + outcome.suppressed).toBe(rows.length);
          }
          for (const d of declarations) expect(d.counts.in).toBe(d.counts.out + d.counts.quarantined + (d.counts.suppressed ?? 0));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a list that cannot be read fails the transfer: nothing is declared or written', async () => {
    const { p, puts, declarations } = ports('{"payer":{"mobile":"13800138000"}}\n', []);
    p.suppressionTokens = async () => {
      throw new Error('AccessDenied');
    };
    await expect(transferObject(REF, PLANS, SETTINGS, p, IN_FORCE)).rejects.toThrow('AccessDenied');
    expect(puts).toEqual([]);
    expect(declarations).toEqual([]);
  });

  test("the declaration's categories are the inventory of the records read: quarantined ones in, suppressed ones out", async () => {
    const person = { mobile: '13800138000', card: '6222021234567890123' };
    const read = [
      '{"txn":{"tradeNo":"T2"},"payer":{"mobile":"13912345678","idNumber":"11010519491231002X"}}',
      '{"card":{"pan":"4111111111111111","cvv":"123"}}',
      '{"memo":"call 13700137000", broken',
    ];
    const { p, declarations } = ports([recordLine(person, undefined, (m) => m, false, 1), ...read].join('\n'), [mobileToken(KEY, person)]);
    await transferObject(REF, PLANS, SETTINGS, p, IN_FORCE);
    const inventory = new Inventory();
    scanJsonl(Buffer.from(read.join('\n')), inventory);
    const expected = declaredCategories(inventory);
    // Only the chargeback rule has a record to send (the settlement rule keeps 28-digit trade numbers only).
    expect(declarations.map((d) => d.rule.id)).toEqual(['us-chargebacks']);
    for (const d of declarations) {
      expect(d.categories).toEqual(expected);
      expect(d.counts).toMatchObject({ in: 4, quarantined: 2, suppressed: 1 });
    }
    expect(expected).toMatchObject({ cn_mobile: 1, cn_resident_id: 1, bank_card: 1, sensitive_auth_data: 1 });
  });

  test('the declaration counts the withheld records', async () => {
    const person = { mobile: '13800138000', card: '6222021234567890123' };
    const { p, declarations } = ports(`${recordLine(person, undefined, (m) => m, false, 1)}\n{"txn":{"tradeNo":"T2"},"payer":{"mobile":"13912345678"}}\n`, [mobileToken(KEY, person)]);
    await transferObject(REF, PLANS, SETTINGS, p, IN_FORCE);
    expect(declarations[0].counts).toEqual({ in: 2, out: 1, quarantined: 0, suppressed: 1 });
  });
});
