/**
 * Property tests for the promises the gateway makes: planted identifiers never leave verbatim under
 * a rule that keeps free text, and every record read is accounted for.
 */
import fc from 'fast-check';
import { cnResidentIdCheckChar } from '../../../lambda/core/detectors/cn-resident-id';
import { passesLuhn } from '../../../lambda/core/detectors/bank-card';
import { desensitizeRecord } from '../../../lambda/core/desensitize';
import { desensitizeJsonl } from '../../../lambda/core/records';
import { planWith } from './support';

const digitString = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

const residentId = fc
  .tuple(fc.constantFrom('110105', '310104', '440305', '620102', '810000'), fc.date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }), digitString(3), fc.boolean())
  .map(([region, birth, sequence, lowerX]) => {
    const first17 = region + birth.toISOString().slice(0, 10).replace(/-/g, '') + sequence;
    const id = first17 + cnResidentIdCheckChar(first17);
    return lowerX ? id.toLowerCase() : id;
  });

/** Luhn-valid numbers at a length their network issues (Visa 13/16/19, Mastercard 16, JCB and Discover 16–19, UnionPay 8100–8171 16–19). */
const luhnCard = fc.tuple(fc.constantFrom(['4', 13], ['4', 16], ['4', 19], ['51', 16], ['3530', 17], ['6011', 19], ['8171', 16]), digitString(19)).map(([[prefix, length], body]) => {
  const partial = (prefix + body).slice(0, Number(length) - 1);
  const check = [...'0123456789'].find((d) => passesLuhn(partial + d)) ?? '0';
  return partial + check;
});
const unionPay = fc.tuple(fc.integer({ min: 16, max: 19 }), digitString(17)).map(([length, body]) => ('62' + body).slice(0, length));
const card = fc.tuple(fc.oneof(luhnCard, unionPay), fc.constantFrom('', ' ', '-')).map(([digits, separator]) => (separator ? digits.replace(/(\d{4})(?=\d)/g, `$1${separator}`) : digits));

const mobile = fc
  .tuple(fc.constantFrom('3', '5', '7', '8', '9'), digitString(9), fc.constantFrom('', '+86 ', '0086', '86-', '+86-'), fc.boolean())
  .map(([second, rest, prefix, spaced]) => {
    const number = `1${second}${rest}`;
    return prefix + (spaced ? `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}` : number);
  });

const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._+]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/), fc.constantFrom('com', 'cn', 'com.sg', 'co.th'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

const ipv4 = fc.ipV4().filter((ip) => !/(^|\.)0\d/.test(ip));

const planted = fc.oneof(residentId, card, mobile, email, ipv4);

/** Text around a planted value: no digits, so it cannot legitimately change what the number is. */
const filler = fc.stringMatching(/^[A-Za-z 张三李四，。:;()/,.'"!?-]{0,12}$/).map((s) => ` ${s} `);

const leaf = fc.tuple(filler, fc.array(planted, { maxLength: 3 }), filler).map(([before, values, after]) => ({
  text: before + values.join(' ') + after,
  values,
}));

const fieldName = fc.constantFrom('memo', 'note', 'remark', 'a', 'b', 'detail');

/** A record of 1–3 top-level fields, some nested, some arrays, some planted card numbers as JSON numbers. */
const record = fc
  .array(
    fc.tuple(
      fieldName,
      fc.oneof(
        leaf,
        fc.tuple(fieldName, leaf).map(([name, l]) => ({ text: { [name]: l.text }, values: l.values })),
        fc.array(leaf, { maxLength: 3 }).map((leaves) => ({ text: leaves.map((l) => l.text), values: leaves.flatMap((l) => l.values) })),
        fc.constantFrom(4111111111111111, 5555555555554444, 13800138000).map((n) => ({ text: n, values: [String(n)] })),
      ),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((fields) => ({
    value: Object.fromEntries(fields.map(([name, f]) => [name, f.text])),
    planted: fields.flatMap(([name, f]) => f.values.map((v) => ({ name, v }))),
  }))
  // Duplicate field names keep only the last value; only its planted values are in the record.
  .map(({ value, planted: all }) => ({ value, planted: all.filter(({ v }) => JSON.stringify(value).includes(JSON.stringify(v).slice(1, -1))) }));

describe('properties', () => {
  test('planted identifiers never survive verbatim under a rule that keeps free text', () => {
    const plan = planWith({ fields: { memo: 'redact', note: 'redact' }, otherFields: 'redact' });
    fc.assert(
      fc.property(record, ({ value, planted: values }) => {
        const result = desensitizeRecord(value, plan);
        if (result.status !== 'written') throw new Error(`unexpected quarantine: ${JSON.stringify(result)}`);
        const output = JSON.stringify(result.record);
        const compactOutput = output.replace(/[\s-]/g, '');
        for (const { v } of values) {
          expect(output).not.toContain(v);
          const compact = v.replace(/[\s+-]/g, '');
          if (/^\d+[Xx]?$/.test(compact)) expect(compactOutput).not.toContain(compact);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('read = written + quarantined, whatever the lines hold', () => {
    const plan = planWith();
    const line = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constant('{"card":{"cvv":"123"}}'),
      fc.constant(''),
      record.map((r) => JSON.stringify(r.value)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = lines.map((l) => l.replace(/\n/g, ' ')).join('\n');
        const batch = desensitizeJsonl(Buffer.from(text), plan);
        const nonBlank = text.split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '').length;
        expect(batch.read).toBe(nonBlank);
        expect(batch.read).toBe(batch.written + batch.quarantine.length);
        expect(batch.output === '' ? 0 : batch.output.split('\n').length - 1).toBe(batch.written);
      }),
      { numRuns: 200 },
    );
  });
});
