/**
 * Sensitive authentication data written inside (any) text: magnetic-stripe track data, and card
 * codes, PINs, PIN blocks, one-time codes and passwords introduced by their name. Text is read in its
 * canonical form, so full-width `＝`, `＾`, `：`, `ＣＶＶ` and Unicode digits are read as ASCII.
 *
 * Track data (ISO/IEC 7813; EMV tag 57, "Track 2 Equivalent Data", writes `D` for `=`):
 * - track 2: `PAN=YYMM` + service code (7 digits) + discretionary data, with `=`, `D`, `d` or `|` as the
 *   separator, spaces allowed around it (` = `), the PAN optionally grouped (`4111 1111 1111 1111`), an
 *   EMV tag and length (`5713…`) before it;
 * - track 1: `%B PAN ^ NAME ^ YYMM` + service code, the format code `B` in either case (`%b…`), `^` or
 *   `|` as the field separator, the PAN optionally grouped.
 * The compact classic forms (`PAN=YYMM…`, `PAN D YYMM…`, `B PAN^NAME^YYMM…`) are recognised by format
 * alone; the looser ones (a grouped PAN, spaces around the separator, `|`) also need a PAN that is a
 * card (`isBankCardDigits`) and a month 01–12, so pipe-delimited exports of other numbers stay out.
 *
 * Values by name (`cvv2=517`, `CVV: 123`, `安全码：447`, `PIN 1234`, `pin block 0412AC…`, `OTP 123456`,
 * `验证码：123456`, `password=…`): a SAD name as a word (or after a case change: `cardCVV 123`),
 * then up to a few connecting characters or words (`:`, `=`, `#`, `is`, `code`, `码`, `为`, ...), then a
 * value of the right shape: 3–4 digits for a card code, 4–12 digits for a PIN (16 hex digits for a PIN
 * block), 4–8 digits for a one-time code, and for a password anything after `:` or `=` that is not a
 * mask (`****`). A name without such a value (`CVV not provided`, `PIN: ****`) is nothing.
 */
import { canonicalText } from '../text/canonical';
import { isBankCardDigits } from './bank-card';
import { shareable } from './shared-findings';

// ---------------------------------------------------------------------------------------------
// Track data

const GROUPED_PAN = '(\\d(?:[ -]?\\d){11,18})';
const TRACK_2 = new RegExp(`(?<![0-9])(?:57[0-9A-Fa-f]{2})?${GROUPED_PAN}( {0,2}[=|] {0,2}|[Dd])(\\d{4})\\d{3}`, 'g');
const TRACK_1 = new RegExp(`%?[Bb] ?${GROUPED_PAN} {0,2}([\\^|])[^\\^|]{0,26}\\2 {0,2}(\\d{4})\\d{3}`, 'g');
const SHORTEST_TRACK = 19;
const NON_DIGIT = /\D/g;

function isRealMonth(yymm: string): boolean {
  const month = Number(yymm.slice(2));
  return month >= 1 && month <= 12;
}

function isClassicTrack2(pan: string, separator: string): boolean {
  return !pan.includes(' ') && !pan.includes('-') && (separator === '=' || separator === 'D' || separator === 'd');
}

const DIGIT_THEN_D = /\d[Dd]/;

/** Cheap pre-filter: a track separator (`=`, `^`, `|`, or `D`/`d` right after a digit) is present. */
function hasTrackSeparator(text: string): boolean {
  return text.includes('=') || text.includes('^') || text.includes('|') || DIGIT_THEN_D.test(text);
}

function hasTrack2(text: string): boolean {
  TRACK_2.lastIndex = 0;
  for (let m = TRACK_2.exec(text); m !== null; m = TRACK_2.exec(text)) {
    const [, pan, separator, yymm] = m;
    if (isClassicTrack2(pan, separator.trim())) return true;
    if (isRealMonth(yymm) && isBankCardDigits(pan.replace(NON_DIGIT, ''))) return true;
  }
  return false;
}

function hasTrack1(text: string): boolean {
  TRACK_1.lastIndex = 0;
  for (let m = TRACK_1.exec(text); m !== null; m = TRACK_1.exec(text)) {
    const [whole, pan, separator, yymm] = m;
    const classic = separator === '^' && !pan.includes(' ') && !pan.includes('-') && !whole.includes(' ');
    if (classic) return true;
    if (isRealMonth(yymm) && isBankCardDigits(pan.replace(NON_DIGIT, ''))) return true;
  }
  return false;
}

function canonicalTrackData(canonical: string): boolean {
  return canonical.length >= SHORTEST_TRACK && hasTrackSeparator(canonical) && (hasTrack2(canonical) || hasTrack1(canonical));
}

/** Whether `text` holds magnetic-stripe track 1 or track 2 data, in any of the notations above. */
export function containsTrackData(text: string): boolean {
  return text.length >= SHORTEST_TRACK && canonicalTrackData(canonicalText(text));
}

// ---------------------------------------------------------------------------------------------
// Values introduced by their name

type ValueShape = 'card_code' | 'pin' | 'pin_block' | 'one_time_code' | 'password';

const NAMES: readonly (readonly [ValueShape, string])[] = [
  ['pin_block', 'pin\\s?block'],
  ['card_code', 'cvv2|cvc2|cvn2|cav2|cvv|cvc|cvn|cvd|csc|cid|card\\s?verification\\s?(?:value|code|number)|(?:card\\s?)?security\\s?code|card\\s?code|安全码|校验码|卡验证码|卡背码'],
  ['one_time_code', 'otp|one[\\s-]?time\\s?(?:password|code|pin)|sms\\s?code|verification\\s?code|验证码|动态码|短信码'],
  ['pin', 'pin|个人识别码'],
  ['password', 'password|passwd|pwd|passcode|口令|密码'],
];

const NAME_PATTERN = new RegExp(NAMES.map(([shape, words]) => `(?<${shape}>${words})`).join('|'), 'gi');

/** Quick test before the full scan: every name contains one of these. */
const NAME_HINT = /cv[vcnd]|cav2|csc|cid|pin|otp|pass|pwd|code|verification|one.?time|安全码|校验码|验证码|动态码|短信码|识别码|卡背码|密码|口令/i;

/** One pass for the common case, a string with neither a track separator nor a SAD name. */
const ANY_HINT = new RegExp(`[=^|]|\\d[Dd]|${NAME_HINT.source}`, 'i');
/** `cvv123`, `PIN1234` */
const SHORTEST_NAMED_VALUE = 6;

/** Between a name and its value: separators, and words such as `is`, `code`, `码`, `为`. */
const CONNECTOR = /^(?:[\s:=#"'()[\]-]|is\b|was\b|code\b|value\b|number\b|no\b\.?|num\b|码|值|号|为|是){0,6}/i;

const VALUE_PATTERNS: Readonly<Record<ValueShape, RegExp>> = {
  card_code: /^\d{3,4}(?![\d\p{L}]|[-./:]\d)/u,
  pin: /^\d{4,12}(?![\d\p{L}]|[-./:]\d)/u,
  pin_block: /^(?:[0-9A-Fa-f]{16}|\d{4,12})(?![0-9A-Za-z])/,
  one_time_code: /^\d{4,8}(?![\d\p{L}]|[-./:]\d)/u,
  password: /^(?![*•·xX#]+(?:\s|$))\S+/,
};

function isAsciiLetterOrDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isLowerOrDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}

/** The name starts a word: no letter or digit before it, or a case change (`cardCVV`, `userPin`). */
function startsWord(text: string, index: number, shape: ValueShape): boolean {
  if (index === 0) return true;
  const before = text.charCodeAt(index - 1);
  if (!isAsciiLetterOrDigit(before)) return true;
  const first = text.charCodeAt(index);
  if (first >= 65 && first <= 90 && isLowerOrDigit(before)) return true;
  // Card-code names are never the tail of an English word: `cardcvv 123`, `x_cvv2=1` count.
  return shape === 'card_code' && before >= 97 && before <= 122 && /^c[vsa]/i.test(text.slice(index, index + 2));
}

function shapeOf(groups: Record<string, string | undefined>): ValueShape {
  for (const [shape] of NAMES) if (groups[shape] !== undefined) return shape;
  return 'password';
}

function valueFollows(text: string, from: number, shape: ValueShape): boolean {
  const rest = text.slice(from, from + 80);
  const connector = (CONNECTOR.exec(rest) as RegExpExecArray)[0];
  const value = rest.slice(connector.length);
  if (shape === 'password') {
    if (!/[:=是为]/.test(connector)) return VALUE_PATTERNS.pin.test(value);
    return VALUE_PATTERNS.password.test(value);
  }
  return VALUE_PATTERNS[shape].test(value);
}

function canonicalSadValue(canonical: string): boolean {
  if (!NAME_HINT.test(canonical)) return false;
  NAME_PATTERN.lastIndex = 0;
  for (let m = NAME_PATTERN.exec(canonical); m !== null; m = NAME_PATTERN.exec(canonical)) {
    const shape = shapeOf(m.groups ?? {});
    if (!startsWord(canonical, m.index, shape)) continue;
    if (valueFollows(canonical, m.index + m[0].length, shape)) return true;
  }
  return false;
}

/** Whether `text` carries a card code, PIN, PIN block, one-time code or password after its name. */
export function containsSensitiveAuthValue(text: string): boolean {
  return canonicalSadValue(canonicalText(text));
}

export type SensitiveAuthTextKind = 'track_data' | 'named_value';

/**
 * What sensitive authentication data `text` carries in itself, or undefined: the text-level check the
 * record walk applies to every string and key, and that a parser can apply to every duplicate of a key.
 */
export function sensitiveAuthDataInText(text: string): SensitiveAuthTextKind | undefined {
  return text.length < SHORTEST_NAMED_VALUE ? undefined : inTextShared(text);
}

function inText(text: string): SensitiveAuthTextKind | undefined {
  const canonical = canonicalText(text);
  if (!ANY_HINT.test(canonical)) return undefined;
  if (canonicalTrackData(canonical)) return 'track_data';
  return canonicalSadValue(canonical) ? 'named_value' : undefined;
}

/** Shared by the readers of one record (`shared-findings.ts`): the inventory and the rules' search both look at every string. */
const inTextShared = shareable(inText);

