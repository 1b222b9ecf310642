/**
 * Issue #10 acceptance, detection half: for every attack class, generated identifiers in every
 * notation never survive redaction in any normalisation, and look-alikes stay byte-identical.
 *
 * "Any normalisation" is checked with an oracle built here, not with lambda/core's canonical text:
 * NFKC, the decimal digits of every script the generators use read as ASCII, then everything that is
 * not a letter or digit removed. The identifier's characters must not appear in what is left.
 */
import fc from 'fast-check';
import { findIdentifiers, replaceMatches } from '../../../../lambda/core/detectors/identifiers';
import { desensitizeRecord } from '../../../../lambda/core/desensitize';
import { planWith } from '../support';
import {
  CARD_GROUPINGS,
  cardOfNetwork,
  cnMobileInNotation,
  email,
  ID_GROUPINGS,
  ipv4,
  ipv6,
  notation,
  residentId,
  unionPayWithoutLuhn,
} from './generators';

const DIGIT_ZEROS = [0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0x1d7ce, 0x1d7ec, 0x0be6, 0x1040];

/** NFKC, every generator script's digits as ASCII, letters and digits only, upper case. */
function folded(text: string): string {
  let out = '';
  for (const char of text.normalize('NFKC')) {
    const code = char.codePointAt(0) as number;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
    out += zero === undefined ? char : String(code - zero);
  }
  return out.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

function redact(text: string): string {
  return replaceMatches(text, findIdentifiers(text));
}

/** Text around a planted value: no digits, so it cannot legitimately change what the number is. */
const filler = fc.stringMatching(/^[A-Za-z张三李四，。;()'"!?]{0,8}$/);
const CONTEXTS = ['', ' ', '卡号', '身份证：', 'tel', 'memo: ', '信息：', '手机', 'ID '];
const context = fc.tuple(filler, fc.constantFrom(...CONTEXTS), fc.constantFrom('', ' ', '。', ', thanks', '谢谢'));

function assertNeverLeaks(planted: fc.Arbitrary<{ digits: string; text: string }>, runs = 300): void {
  fc.assert(
    fc.property(planted, context, ({ digits, text }, [before, lead, after]) => {
      const input = `${before} ${lead}${text}${after}`;
      const output = redact(input);
      expect(folded(output)).not.toContain(folded(digits));
    }),
    { numRuns: runs },
  );
}

/** Two digit groups joined by one bare `.` read as a decimal number, by design (`411111.1111111111`). */
function notDecimalLike(text: string): boolean {
  const plain = text.normalize('NFKC').replace(/[\p{Cf}\p{Mn}]/gu, '');
  return !(plain.split('.').length === 2 && /\p{Nd}\.\p{Nd}/u.test(plain));
}

describe('attack classes: identifiers never leave, in any notation', () => {
  test('PRC resident IDs (valid check character and birth date), grouped, separated, in Unicode digits, with invisible characters', () => {
    const planted = residentId.chain((id) => notation(ID_GROUPINGS)(id).map((text) => ({ digits: id, text })));
    assertNeverLeaks(planted);
  });

  test('full-width IDs with a full-width Ｘ check character, inside Chinese text', () => {
    const planted = residentId
      .filter((id) => id.endsWith('X'))
      .map((id) => ({ digits: id, text: id.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)) }));
    assertNeverLeaks(planted, 100);
  });

  test('Luhn- and IIN-valid cards of every network, in every notation', () => {
    const planted = cardOfNetwork.chain(({ digits }) => notation(CARD_GROUPINGS)(digits).filter(notDecimalLike).map((text) => ({ digits, text })));
    assertNeverLeaks(planted, 400);
  });

  test('UnionPay numbers that fail Luhn (62, 16–19 digits): fail closed', () => {
    const planted = unionPayWithoutLuhn.chain((digits) => notation(CARD_GROUPINGS)(digits).filter(notDecimalLike).map((text) => ({ digits, text })));
    assertNeverLeaks(planted);
  });

  test('CN mobiles with every country-code form (+86, 0086, 86-, (+86), +86., +86 (138)), separators and scripts', () => {
    assertNeverLeaks(cnMobileInNotation, 400);
  });

  test('identifiers glued to text and to version-like or decimal-like digits: v2.<ID>, 卡号<card>.1', () => {
    const glued = fc.oneof(
      residentId.map((id) => ({ digits: id, text: `v2.${id}` })),
      cardOfNetwork.map(({ digits }) => ({ digits, text: `卡号${digits}.1` })),
      cardOfNetwork.map(({ digits }) => ({ digits, text: `ref${digits}abc` })),
    );
    assertNeverLeaks(glued);
  });

  test.each([
    // A 17-digit Mir card, a decimal point and a digit: 18 digits shaped like a resident ID (2200002000010100 81), no ID.
    ['卡号22000020000101008.1', '22000020000101008'],
    ['22000020000101008.1', '22000020000101008'],
    ['ref 22000020000101008.1 ok', '22000020000101008'],
  ])('a run shaped like a resident ID that is none is searched like any other: %s', (text, digits) => {
    expect(folded(redact(text))).not.toContain(digits);
    expect(redact(text)).toContain('[REDACTED:bank_card]');
  });

  test('e-mails: RFC 5322 specials, quoted local parts, IDN and Unicode, full-width ＠', () => {
    fc.assert(
      fc.property(email, context, (address, [before, lead, after]) => {
        const input = `${before} ${lead}${address} ${after}`;
        const output = redact(input).normalize('NFKC');
        const normalized = address.normalize('NFKC').replace('﹫', '@');
        expect(output).not.toContain(normalized);
        expect(output).not.toContain(normalized.slice(0, normalized.indexOf('@') + 1));
      }),
      { numRuns: 300 },
    );
  });

  test('IPv4 (zero-padded, spaced, full-width dots) and IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), context, (ip, [before, lead, after]) => {
        const output = redact(`${before} ${lead}${ip} ${after}`).normalize('NFKC').replace(/\s/g, '');
        expect(output).not.toContain(ip.normalize('NFKC').replace(/\s/g, ''));
      }),
      { numRuns: 300 },
    );
  });

  test('percent-encoded and base64 tokens hiding an identifier are redacted whole', () => {
    const hidden = fc.oneof(
      residentId,
      cardOfNetwork.map((c) => c.digits),
      cnMobileInNotation.map((m) => m.digits),
      email.filter((e) => !e.includes('"')).map((e) => e.normalize('NFKC')),
    );
    fc.assert(
      fc.property(hidden, fc.constantFrom('base64', 'base64url', 'percent', 'percent-all'), filler, (value, encoding, before) => {
        const token =
          encoding === 'percent'
            ? encodeURIComponent(`mobile=${value}`)
            : encoding === 'percent-all'
              ? [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
              : Buffer.from(`id:${value};`, 'utf8').toString(encoding as BufferEncoding);
        const output = redact(`${before} ${token} ok`);
        expect(output).not.toContain(token);
        expect(output).toMatch(/\[REDACTED:[a-z_]+\] ok$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('attack classes through the gate', () => {
  test.each(['redact', 'quarantine'] as const)(
    'a keep field holding a full-width ID (issue #10: txn.tradeNo went out verbatim) does not leave (onMismatch %s)',
    (onMismatch) => {
      const plan = planWith({ fields: { 'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' }, onMismatch }, memo: 'redact' }, otherFields: 'drop' });
      fc.assert(
        fc.property(residentId, cnMobileInNotation, (id, mobile) => {
          const fullWidth = id.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          const result = desensitizeRecord({ txn: { tradeNo: `信息：${fullWidth}` }, memo: `call ${mobile.text}` }, plan);
          expect(result.status).toBe(onMismatch === 'redact' ? 'written' : 'quarantined');
          const output = result.status === 'written' ? JSON.stringify(result.record) : '';
          expect(folded(output)).not.toContain(folded(id));
          expect(folded(output)).not.toContain(mobile.digits);
        }),
        { numRuns: 100 },
      );
    },
  );
});
