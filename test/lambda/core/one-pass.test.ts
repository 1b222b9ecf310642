/**
 * The gateway's one pass (`desensitizeAndScanJsonl`) against the two passes it replaces: `scanJsonl`
 * for the inventory (whose categories the declaration records) and `desensitizeJsonl` per rule, on the
 * same bytes; and the subject tokens it collects against reading them back from the output lines.
 * The gateway runs the pass on the bytes the suppression filter leaves, so suppressed records are in
 * neither (they are withheld before anything reads them, and counted as suppressed).
 */
import fc from 'fast-check';
import { MAX_DEPTH, MAX_RECORD_BYTES } from '../../../lambda/core/batch';
import type { DesensitizePlan } from '../../../lambda/core/desensitize';
import { desensitizeAndScanJsonl, desensitizeJsonl, scanJsonl, type PassPlan } from '../../../lambda/core/records';
import { Inventory } from '../../../lambda/core/scan';
import { suppressBytesForPlans } from '../../../lambda/core/suppression';
import { tokenize } from '../../../lambda/core/tokens';
import { declaredCategories, KEY, planWith, settlementRecord } from './support';

/** The subject tokens as the gateway read them before: every output line parsed again. */
function tokensReadBack(output: string, path: readonly string[]): string[] {
  const tokens: string[] = [];
  for (const line of output.split('\n')) {
    if (line === '') continue;
    let value: unknown = JSON.parse(line);
    for (const name of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
    if (typeof value === 'string') tokens.push(value);
  }
  return tokens;
}

const SG = planWith();
const REDACT_OTHERS = planWith({ id: 'redact-others', otherFields: 'redact', fields: { 'payer.mobile': 'token', 'card.pan': 'mask_pan', memo: 'redact', 'txn.amount': { keep: { decimal: { maxIntegerDigits: 12, maxFractionDigits: 2 } }, onMismatch: 'redact' } } });
const TOKEN_ROOT = planWith({ id: 'token-root', otherFields: 'drop', fields: { payer: 'token', 'txn.tradeNo': { keep: 'integer', onMismatch: 'redact' }, a: 'redact' } });

// The subject path runs through a field that may hold an exact number (a JsonNumber object in memory, a number in the output).
const THROUGH_NUMBER = planWith({ id: 'through-number', otherFields: 'redact', fields: { 'payer.source': 'token' } });

const SUBJECT_PATHS: Record<string, readonly string[]> = { 'sg-settlement': ['payer', 'mobile'], 'redact-others': ['payer', 'mobile'], 'token-root': ['payer'], 'through-number': ['payer', 'source'] };

function expectSamePass(bytes: Uint8Array, plans: readonly DesensitizePlan[]): void {
  const options = { startOfInput: false };
  const before = new Inventory();
  scanJsonl(bytes, before, options);
  const separate = plans.map((plan) => desensitizeJsonl(bytes, plan, options));
  const after = new Inventory();
  const passPlans: PassPlan[] = plans.map((plan) => ({ plan, subjectPath: SUBJECT_PATHS[plan.rule.id] }));
  const combined = desensitizeAndScanJsonl(bytes, { plans: passPlans, inventory: after }, options);
  expect(declaredCategories(after)).toEqual(declaredCategories(before));
  expect(after.snapshot()).toEqual(before.snapshot());
  combined.forEach(({ subjects, ...batch }, i) => {
    expect(batch).toEqual(separate[i]);
    expect(subjects).toEqual(tokensReadBack(separate[i]?.output ?? '', SUBJECT_PATHS[plans[i]?.rule.id ?? ''] ?? []));
  });
}

const ALL_PLANS = [SG, REDACT_OTHERS, TOKEN_ROOT, THROUGH_NUMBER];

describe('one pass: the inventory and every rule from one read of each line', () => {
  test.each<[string, string | Buffer]>([
    ['a typical record', JSON.stringify(settlementRecord())],
    ['identifiers in fields the rule drops', '{"other":{"pan":"6222021234567890123","note":"call 13800138000"},"memo":"x"}'],
    ['a CVV: quarantined, and counted as sensitive authentication data', '{"card":{"pan":"4111111111111111","cvv":"123"},"payer":{"mobile":"13800138000"}}'],
    ['a repeated key hiding a CVV behind last-wins', '{"card":{"cvv":"123","cvv":""}}\n{"memo":"a 13800138000","memo":"b"}'],
    ['not JSON, an array, null, a string', '{"memo":"13800138000", broken\n[1,2]\nnull\n"13800138000"'],
    ['blank lines, CRLF and a byte order mark in the middle', '\r\n   \n\t\n{"memo":"a"}\r\n\uFEFF{"memo":"b"}\n'],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"memo":"call 1380'), Buffer.from([0xff, 0xfe]), Buffer.from('0138000"}\n{"memo":"b"}\n')])],
    ['too deep and too long', `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}\n{"memo":"${'1'.repeat(MAX_RECORD_BYTES)}"}\n{"memo":"ok"}`],
    ['exact numbers: a card and an ID number written as JSON numbers', '{"txn":{"tradeNo":2024010122001400000000000001,"amount":1280.50},"card":{"pan":6222021234567890123},"payer":{"idNumber":450104200807081317}}'],
    ['a key that holds an identifier', '{"byPhone":{"13800138000":{"name":"x"}},"payer":{"mobile":"+86 138 0013 8000"}}'],
    ['the subject field as an array, an object, null and empty', '{"payer":{"mobile":["13800138000","13900139000"]}}\n{"payer":{"mobile":{"n":"13800138000"}}}\n{"payer":{"mobile":null}}\n{"payer":{"mobile":""}}\n{"payer":"13800138000"}'],
    ['an object of more than 500 keys', JSON.stringify(Object.fromEntries(Array.from({ length: 520 }, (_, i) => [`k${i}`, i % 7 === 0 ? '13800138000' : 'v'])))],
    ['an exact number where the subject path expects an object', '{"payer":12345678901234567890123}\n{"payer":{"source":"13800138000"}}'],
    ['a __proto__ key', '{"__proto__":{"mobile":"13800138000"},"payer":{"__proto__":"x","mobile":"13800138000"}}'],
  ])('%s: same inventory, outputs, quarantine and subjects as the two passes', (_case, input) => {
    expectSamePass(typeof input === 'string' ? Buffer.from(input) : input, ALL_PLANS);
  });

  // Values that detectors find, in the places the inventory and the rules look.
  const identifier = fc.constantFrom('13800138000', '+86 138 0013 8000', '11010519491231002X', '6222 0212 3456 7890', '4111111111111111', 'a@b.cn', '10.1.2.3', '2024010122001400000000000001', 'MTM4MDAxMzgwMDA=', '%31%33%38%30%30%31%33%38%30%30%30', '123', 'CNY', '');
  const name = fc.constantFrom('payer', 'mobile', 'card', 'pan', 'cvv', 'cvv2', 'pin', 'memo', 'txn', 'tradeNo', 'amount', 'a', '13800138000', 'trade_no', '__proto__');
  const leaf = fc.oneof(identifier, fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean());
  const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(name, tie('value'), { maxKeys: 4 })),
  })).value;
  const record = fc.record({ payer: value, card: value, txn: value, memo: value, a: value }, { requiredKeys: [] });
  const hostile = fc.oneof(
    fc.constantFrom('', '   ', '{"memo":"13800138000"', '[1]', 'null', '{"a":1,"a":"13800138000"}', '{"card":{"cvv":"1","cvv":""}}', `${'{"a":'.repeat(MAX_DEPTH + 1)}1${'}'.repeat(MAX_DEPTH + 1)}`),
    fc.string({ maxLength: 20 }),
    fc.tuple(record, fc.nat({ max: 40 })).map(([r, at]) => JSON.stringify(r).slice(0, at)),
    fc.constantFrom('{"card":{"pan":6222021234567890123}}', '{"txn":{"amount":1280.50,"tradeNo":12345678901234567890123}}'),
  );
  const line = fc.oneof({ weight: 3, arbitrary: record.map((r) => JSON.stringify(r)) }, { weight: 1, arbitrary: hostile });

  test('on adversarial batches (records, fragments, repeated keys, exact numbers, invalid bytes): the same as the two passes', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.option(fc.nat({ max: 11 })), fc.subarray(ALL_PLANS, { minLength: 1 }), (lines, crlf, badAt, plans) => {
        const parts = lines.map((l, i) => (i === badAt ? Buffer.concat([Buffer.from(l), Buffer.from([0xc0, 0xaf])]) : Buffer.from(l)));
        const bytes = Buffer.concat(parts.flatMap((part) => [part, Buffer.from(crlf ? '\r\n' : '\n')]));
        expectSamePass(bytes, plans);
      }),
      { numRuns: 300 },
    );
  });

  test('after the suppression filter (as the gateway runs it): suppressed records are in neither pass; the rest the same', () => {
    const mobiles = ['13800138000', '13900139000', '15800158000'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2 }), fc.boolean(), fc.option(line)), { minLength: 1, maxLength: 10 }), fc.subarray(mobiles), (rows, listed) => {
        const text = rows
          .map(([who, inMemo, other]) => other ?? JSON.stringify(inMemo ? { memo: `call ${mobiles[who]}`, card: { pan: '6222021234567890123' } } : { payer: { mobile: mobiles[who], idNumber: '11010519491231002X' } }))
          .join('\n');
        const tokens = listed.map((m) => tokenize(KEY, 'cn_mobile', m));
        const { bytes, suppressed } = suppressBytesForPlans(Buffer.from(text), ALL_PLANS, tokens);
        expectSamePass(bytes, ALL_PLANS);
        // The inventory the declaration counts from holds every line the rules read, and no suppressed record.
        const inventory = new Inventory();
        const [batch] = desensitizeAndScanJsonl(bytes, { plans: [{ plan: SG }], inventory }, { startOfInput: false });
        const { records, invalid } = inventory.snapshot();
        expect(records + invalid).toBe(batch?.read);
        expect((batch?.read ?? 0) + suppressed).toBe(text.split('\n').filter((l) => !/^[ \t]*$/.test(l)).length);
      }),
      { numRuns: 150 },
    );
  });

  test('subjects are the tokens written at the subject path, in order, repeats kept; none when not asked', () => {
    const text = ['{"payer":{"mobile":"13800138000"}}', '{"payer":{"mobile":"13800138000"}}', '{"card":{"cvv":"1"},"payer":{"mobile":"13900139000"}}', '{"payer":{"mobile":"+86 139 0013 9000"}}'].join('\n');
    const inventory = new Inventory();
    const [asked, notAsked] = desensitizeAndScanJsonl(Buffer.from(text), { plans: [{ plan: SG, subjectPath: ['payer', 'mobile'] }, { plan: SG }], inventory });
    const token = (m: string) => tokenize(KEY, 'cn_mobile', m);
    expect(asked?.subjects).toEqual([token('13800138000'), token('13800138000'), token('+86 139 0013 9000')]);
    expect(asked?.subjects?.[2]).toMatch(/^tok_cn_mobile_/);
    expect(notAsked?.subjects).toBeUndefined();
    expect(notAsked?.output).toBe(asked?.output);
  });
});
