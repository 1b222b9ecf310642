/**
 * fast-check generators for the attack classes of issue #10: identifiers in every notation people
 * (and attackers) write them in, and the look-alikes that must stay untouched. Written from the
 * standards (GB 11643, ISO/IEC 7812 and the networks' IIN ranges, RFC 5322/6531, RFC 4648, ISO/IEC
 * 7813), not from the detectors: the detectors are what these try to break.
 */
import fc from 'fast-check';

export const digitString = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

// ----------------------------------------------------------------------------------------------
// Check characters, computed here independently of lambda/core

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return '10X98765432'[sum % 11];
}

export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function withLuhnDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnOk(partial + d)) return partial + d;
  throw new Error('unreachable');
}

// ----------------------------------------------------------------------------------------------
// Identifiers (as plain ASCII digits)

/** Real GB/T 2260 region codes across the provinces (and 81/82 residence permits). */
const REGIONS = [
  '110105', '120101', '130102', '140105', '150102', '210102', '220102', '230102', '310104', '320502', '330106',
  '340102', '350102', '360102', '370102', '410105', '420102', '430102', '440305', '440308', '450104', '460105',
  '500101', '510107', '520102', '530102', '540102', '610102', '620102', '630102', '640104', '650102', '810000', '820000',
]; // prettier-ignore

const birthDate = fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true });

function ymd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

export const residentId = fc.tuple(fc.constantFrom(...REGIONS), birthDate, digitString(3)).map(([region, birth, sequence]) => {
  const first17 = region + ymd(birth) + sequence;
  return first17 + idCheckChar(first17);
});

/** 18 characters with a real region and date but the wrong check character. */
export const residentIdLookAlike = fc.tuple(residentId, fc.integer({ min: 1, max: 10 })).map(([id, shift]) => {
  const chars = '0123456789X';
  return id.slice(0, 17) + chars[(chars.indexOf(id[17]) + shift) % 11];
});

/** IIN ranges × lengths per network (ISO/IEC 7812 as the networks publish them). */
const NETWORKS: readonly { name: string; prefixes: readonly string[]; lengths: readonly number[] }[] = [
  { name: 'visa', prefixes: ['4'], lengths: [13, 16, 19] },
  { name: 'mastercard', prefixes: ['51', '52', '53', '54', '55', '2221', '2500', '2720'], lengths: [16] },
  { name: 'amex', prefixes: ['34', '37'], lengths: [15] },
  { name: 'diners', prefixes: ['300', '305', '36', '38', '39'], lengths: [14, 16, 19] },
  { name: 'discover', prefixes: ['6011', '644', '649', '65'], lengths: [16, 19] },
  { name: 'jcb', prefixes: ['3528', '3550', '3589'], lengths: [16, 17, 18, 19] },
  { name: 'unionpay', prefixes: ['62', '620', '6228', '8100', '8171'], lengths: [16, 17, 18, 19] },
  { name: 'maestro', prefixes: ['5018', '5020', '5038', '6304', '6759', '6761'], lengths: [12, 13, 15, 16, 19] },
  { name: 'mir', prefixes: ['2200', '2204'], lengths: [16, 17, 18, 19] },
];

/** Mimics the one documented precision rule: an 18-digit number shaped like a resident ID is read as one. */
function hasIdShape(digits: string): boolean {
  if (digits.length !== 18) return false;
  const year = Number(digits.slice(6, 10));
  const month = Number(digits.slice(10, 12));
  const day = Number(digits.slice(12, 14));
  return year >= 1900 && year <= 2026 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

export const cardOfNetwork = fc
  .tuple(fc.constantFrom(...NETWORKS), fc.nat(), fc.nat(), digitString(19))
  .map(([network, p, l, body]) => {
    const prefix = network.prefixes[p % network.prefixes.length];
    const length = network.lengths[l % network.lengths.length];
    return { network: network.name, digits: withLuhnDigit((prefix + body).slice(0, length - 1)) };
  })
  .filter(({ digits }) => !hasIdShape(digits));

/** UnionPay numbers that fail Luhn: 62 and 16–19 digits (a fail-closed gate treats them as cards). */
export const unionPayWithoutLuhn = fc
  .tuple(fc.integer({ min: 16, max: 19 }), digitString(17))
  .map(([length, body]) => {
    const partial = ('62' + body).slice(0, length - 1);
    const good = withLuhnDigit(partial);
    return partial + ((Number(good[good.length - 1]) + 1) % 10);
  })
  .filter((digits) => !hasIdShape(digits));

export const mobileNumber = fc.tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), digitString(9)).map(([second, rest]) => `1${second}${rest}`);

// ----------------------------------------------------------------------------------------------
// Notations

/** Zero digits of scripts with `\p{Nd}` decimal digits. */
const DIGIT_ZEROS = [0x30, 0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0x1d7ce, 0x1d7ec, 0x0be6, 0x1040];

export const digitScript = fc.constantFrom(...DIGIT_ZEROS);

export function inScript(text: string, zero: number): string {
  return text.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
}

export const SEPARATORS = [
  ' ', '-', '.', '/', '_', ':', '|', '·', '\t', '  ', '   ', ' - ', ' | ', ' / ', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014',
  '\u2015', '\u2212', '\uff0d', '\u202f', '\u2009', '\u00a0', '\u3000', '\uff0e', '\uff0f', '\uff3f', '\uff1a', '\uff5c', '\u30fb',
]; // prettier-ignore

/** Invisible characters an attacker puts inside a number. */
export const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u00ad', '\u2060', '\ufeff', '\u202a', '\u2066', '\ufe0f'];

export const separator = fc.constantFrom(...SEPARATORS);

/** Splits digits into groups at the given lengths (the last group takes the rest). */
export function groupDigits(digits: string, lengths: readonly number[]): string[] {
  const groups: string[] = [];
  let at = 0;
  for (const length of lengths) {
    if (at >= digits.length) break;
    groups.push(digits.slice(at, at + length));
    at += length;
  }
  if (at < digits.length) groups.push(digits.slice(at));
  // Nobody ends a number with a lone digit after uneven groups: it joins the group before.
  const last = groups[groups.length - 1];
  if (groups.length > 1 && last.length < 2 && !lengths.every((l) => l === 4)) groups.splice(-2, 2, groups[groups.length - 2] + last);
  return groups;
}

/** Digits written with one separator between groups, maybe invisible characters sprinkled in, in some script. */
export function notation(groupings: readonly (readonly number[])[]) {
  return (digits: string) =>
    fc
      .tuple(fc.constantFrom(...groupings), separator, digitScript, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLES)), { maxLength: 2 }))
      .map(([grouping, sep, zero, invisibles]) => {
        let text = inScript(groupDigits(digits, grouping).join(sep), zero);
        for (const [at, char] of invisibles) {
          const cut = at % (text.length + 1);
          // Never split a surrogate pair.
          if (cut > 0 && cut < text.length && text.charCodeAt(cut) >= 0xdc00 && text.charCodeAt(cut) <= 0xdfff) continue;
          text = text.slice(0, cut) + char + text.slice(cut);
        }
        return text;
      });
}

export const ungrouped: readonly number[] = [99];
export const CARD_GROUPINGS: readonly (readonly number[])[] = [ungrouped, [4, 4, 4, 4], [4, 6, 5], [6, 13]];
export const ID_GROUPINGS: readonly (readonly number[])[] = [ungrouped, [6, 8, 4], [6, 4, 4, 4], [3, 3, 4, 4, 4]];
export const MOBILE_GROUPINGS: readonly (readonly number[])[] = [ungrouped, [3, 4, 4], [3, 3, 5], [3, 8]];

/** Country-code forms for a CN mobile, written before the national number. */
export const COUNTRY_CODES = ['', '+86', '+86 ', '+86-', '+86.', '0086', '0086 ', '0086-', '86-', '86 ', '(+86) ', '(+86)', '+86 (', '＋８６ ', '(0086) '];

export const cnMobileInNotation = fc.tuple(mobileNumber, fc.constantFrom(...COUNTRY_CODES), separator, digitScript).map(([number, code, sep, zero]) => {
  const [a, b, c] = [number.slice(0, 3), number.slice(3, 7), number.slice(7)];
  const national = code.endsWith('(') ? `${a}) ${b}${sep}${c}` : [a, b, c].join(sep);
  return { digits: number, text: inScript(code + national, zero) };
});

// ----------------------------------------------------------------------------------------------
// E-mail and IP

const localAscii = fc.stringMatching(/^[a-z0-9][a-z0-9!#$&'*+/=?^_`{|}~-]{0,10}[a-z0-9]$/);
const localDotted = fc.tuple(localAscii, localAscii).map(([a, b]) => `${a}.${b}`);
const localQuoted = fc.stringMatching(/^[a-z][a-z ]{1,8}[a-z]$/).map((s) => `"${s}"`);
const localUnicode = fc.constantFrom('用户', 'zhāng.sān', 'δοκιμή', 'почта', 'josé', '사용자');
const domainAscii = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/), fc.constantFrom('com', 'cn', 'com.sg', 'co.th', 'org', 'xn--fiqs8s'));
const domainIdn = fc.constantFrom('例子.中国', 'bücher.de', 'пример.рф', '例え.テスト', 'münchen.example');

export const email = fc
  .tuple(fc.oneof(localAscii, localDotted, localQuoted, localUnicode), fc.oneof(domainAscii.map(([d, t]) => `${d}.${t}`), domainIdn), fc.constantFrom('@', '＠', '﹫'))
  .map(([local, domain, at]) => `${local}${at}${domain}`);

export const ipv4 = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.constantFrom('.', ' . ', '．'))
  .map(([octets, padded, dot]) => octets.map((o) => (padded ? String(o).padStart(3, '0') : String(o))).join(dot));

export const ipv6 = fc.ipV6().filter((ip) => ip.includes('::') || ip.split(':').length === 8).filter((ip) => (ip.match(/[0-9a-f]/gi) ?? []).length >= 3 && !ip.includes('.'));

// ----------------------------------------------------------------------------------------------
// Sensitive authentication data

export const trackData = fc
  .tuple(cardOfNetwork, fc.integer({ min: 25, max: 35 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('101', '201', '121', '601'), digitString(8))
  .chain(([card, yy, mm, service, discretionary]) => {
    const yymm = `${yy}${String(mm).padStart(2, '0')}`;
    const pan = card.digits;
    const grouped = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
    return fc.constantFrom(
      `;${pan}=${yymm}${service}${discretionary}?`,
      `${grouped}=${yymm}${service}${discretionary}`,
      `${pan} = ${yymm}${service}${discretionary}`,
      `${pan}＝${yymm}${service}${discretionary}`,
      `${pan}|${yymm}${service}${discretionary}`,
      `${pan}D${yymm}${service}${discretionary}F`,
      `5713${pan}D${yymm}${service}${discretionary}`,
      `%B${pan}^ZHANG/SAN^${yymm}${service}${discretionary}?`,
      `%b${pan}^TAN/WEI MING^${yymm}${service}${discretionary}?`,
      `%B${grouped}^ZHANG/SAN^${yymm}${service}${discretionary}?`,
      `B${pan}|LI/NA|${yymm}${service}${discretionary}`,
    );
  });

export const cardCodeInText = fc
  .tuple(
    fc.constantFrom('cvv2', 'CVV', 'cvc', 'CVC2', 'CVN2', 'cvn', 'CID', 'csc', 'security code', 'Card Verification Value', '安全码', '校验码', 'ＣＶＶ', 'c\u200bvv'),
    fc.constantFrom('=', ': ', '：', ' ', '＝', ' is ', '码：', ' = ', '#', '":"'),
    fc.integer({ min: 0, max: 9999 }),
    fc.boolean(),
  )
  .map(([name, connector, code, four]) => `${name}${connector}${String(code).padStart(four ? 4 : 3, '0').slice(0, four ? 4 : 3)}`);

export const pinInText = fc
  .tuple(fc.constantFrom('PIN', 'pin', 'Pin', 'PIN code', '个人识别码', '密码', '支付密码', 'pin block'), fc.constantFrom(' ', ': ', '=', '：', ' is '), digitString(6), fc.integer({ min: 4, max: 6 }))
  .map(([name, connector, digits, length]) => `${name}${connector}${digits.slice(0, length)}`);
