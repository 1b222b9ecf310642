/**
 * One canonical view of text for every detector (issue #10, item 2).
 *
 * Each character of the original is folded on its own:
 * - format and zero-width characters (`\p{Cf}`: U+200B–U+200F, U+00AD, U+2060, U+FEFF, bidi controls,
 *   tags) and combining marks (`\p{Mn}`, `\p{Me}`: variation selectors, U+034F, strike-through overlays)
 *   disappear;
 * - every Unicode decimal digit (`\p{Nd}`: full-width, Arabic-Indic, Devanagari, mathematical, ...)
 *   becomes its ASCII digit;
 * - every space (`\p{Zs}`, tab, line breaks: no-break, narrow no-break U+202F, thin U+2009, ideographic
 *   U+3000) becomes `' '`, every dash (U+2010–U+2015, U+2212, U+FE58, U+FE63, U+FF0D, ...) `'-'`, every
 *   middle dot (U+00B7, U+2022, U+2027, U+30FB, U+FF65, ...) `'·'`, slash, colon and vertical-bar
 *   look-alikes their ASCII character;
 * - anything else is NFKC-normalised (`Ｘ` → `X`, `＠` → `@`, `．` → `.`, `①` → `1`, `ｃｖｖ` → `cvv`).
 *
 * Folding per character (not NFKC over the whole string) lets every canonical character be traced
 * back to the original characters it came from (`originalSpans`), so a detection on the canonical
 * text redacts exactly what was written. A dropped character belongs to the canonical character
 * before it, so a zero-width space inside or right after an identifier is redacted with it.
 *
 * ASCII text is already canonical: it is returned as is, after one native regular-expression test
 * and no allocation (the fast path for almost every value in a payment record); so is text whose
 * only non-ASCII characters are CJK ideographs or Hangul. ASCII whitespace other than `' '` is left
 * as written; the detectors treat all ASCII whitespace alike.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

const SPACE = ' ';
const DASH = '-';
const MIDDLE_DOT = '\u00b7';

/** Characters NFKC leaves alone that still mean space, dash, middle dot, slash, colon or bar. */
const EXPLICIT_FOLDS: ReadonlyMap<number, string> = new Map([
  ...[0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d, 0x2e3a, 0x2e3b, 0x2043, 0x058a, 0x05be, 0x2e17, 0x2053]
    .map((c): [number, string] => [c, DASH]),
  ...[0x00b7, 0x0387, 0x2022, 0x2027, 0x2219, 0x22c5, 0x30fb, 0xff65, 0x16eb, 0x2e31, 0x02d1, 0x2981]
    .map((c): [number, string] => [c, MIDDLE_DOT]),
  ...[0x2044, 0x2215, 0x29f8].map((c): [number, string] => [c, '/']),
  ...[0x2236, 0xa789, 0x02d0].map((c): [number, string] => [c, ':']),
  ...[0x2502, 0x2223, 0x01c0, 0x05c0, 0xffe8, 0x2758].map((c): [number, string] => [c, '|']),
]);

const IS_DECIMAL_DIGIT = /^\p{Nd}$/u;
const IS_IGNORABLE = /^[\p{Cf}\p{Mn}\p{Me}]$/u;
const IS_SPACE = /^[\p{Zs}\u2028\u2029\u0085]$/u;

/** The value 0–9 of a `\p{Nd}` code point: Unicode encodes decimal digits in runs of ten, 0 first. */
function decimalDigitValue(codePoint: number): number {
  let first = codePoint;
  while (first > 0 && IS_DECIMAL_DIGIT.test(String.fromCodePoint(first - 1))) first--;
  return (codePoint - first) % 10;
}

function foldOne(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  if (IS_IGNORABLE.test(char)) return '';
  if (IS_DECIMAL_DIGIT.test(char)) return String.fromCharCode(48 + decimalDigitValue(codePoint));
  if (IS_SPACE.test(char)) return SPACE;
  const explicit = EXPLICIT_FOLDS.get(codePoint);
  if (explicit !== undefined) return explicit;
  const normalized = char.normalize('NFKC');
  if (normalized === char) return char;
  // NFKC can land on a character folded above (U+2011 → U+2010, U+FF65 → U+30FB, U+00A0 → ' ').
  let folded = '';
  for (const part of normalized) folded += part === char ? part : foldOne(part.codePointAt(0) as number);
  return folded;
}

const FOLD_CACHE_LIMIT = 50_000;
const foldCache = new Map<number, string>();

/** The canonical form of one non-ASCII code point (memoised: text repeats the same few hundred). */
export function foldCodePoint(codePoint: number): string {
  let folded = foldCache.get(codePoint);
  if (folded === undefined) {
    folded = foldOne(codePoint);
    if (foldCache.size < FOLD_CACHE_LIMIT) foldCache.set(codePoint, folded);
  }
  return folded;
}

/** CJK ideographs and Hangul syllables: the bulk of non-ASCII payment text, and all NFKC-stable. */
function isStableBulk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0x3400 && code <= 0x4dbf);
}

function codePointAt(text: string, index: number): number {
  return text.codePointAt(index) as number;
}

const NON_ASCII = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex

/** Index of the first character that folds to something else, or -1 when the text is canonical. */
function firstChange(text: string): number {
  if (!NON_ASCII.test(text)) return -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || isStableBulk(code)) continue;
    const codePoint = codePointAt(text, i);
    const folded = foldCodePoint(codePoint);
    if (codePoint > 0xffff) {
      if (folded.length !== 2 || folded.charCodeAt(0) !== code || folded.charCodeAt(1) !== text.charCodeAt(i + 1)) return i;
      i++;
    } else if (folded.length !== 1 || folded.charCodeAt(0) !== code) {
      return i;
    }
  }
  return -1;
}

/** Whether `text` is its own canonical form (plain ASCII always is). */
export function isCanonical(text: string): boolean {
  return firstChange(text) === -1;
}

/** The canonical form of `text`: the very same string when it is already canonical. */
export function canonicalText(text: string): string {
  const change = firstChange(text);
  if (change === -1) return text;
  const parts: string[] = [text.slice(0, change)];
  let plainFrom = change;
  for (let i = change; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || isStableBulk(code)) {
      i++;
      continue;
    }
    const codePoint = codePointAt(text, i);
    const width = codePoint > 0xffff ? 2 : 1;
    if (plainFrom < i) parts.push(text.slice(plainFrom, i));
    parts.push(foldCodePoint(codePoint));
    plainFrom = i + width;
    i += width;
  }
  if (plainFrom < text.length) parts.push(text.slice(plainFrom));
  return parts.join('');
}

/**
 * Spans of `canonicalText(original)` mapped back to `original` (in place of computing a map for every
 * string: only strings with a finding pay for it, with one more walk). A span starts where the source
 * of its first canonical character starts and ends where the source of its last one ends, characters
 * dropped right after it included. `spans` must be sorted by start.
 */
export function originalSpans<T extends Span>(original: string, spans: readonly T[]): T[] {
  const starts = spans.map((span) => span.start);
  const lastChars = spans.map((span) => span.end - 1);
  const mappedStart = new Array<number>(spans.length).fill(-1);
  const mappedEnd = new Array<number>(spans.length).fill(-1);
  let canonical = 0;
  /** Spans whose last character was the latest non-empty fold: dropped characters extend them. */
  let extending: number[] = [];
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    const simple = code < 0x80 || isStableBulk(code);
    const codePoint = simple ? code : codePointAt(original, i);
    const width = codePoint > 0xffff ? 2 : 1;
    const length = simple ? 1 : foldCodePoint(codePoint).length;
    if (length === 0) {
      for (const k of extending) mappedEnd[k] = i + width;
    } else {
      extending = [];
      for (let k = 0; k < spans.length; k++) {
        if (starts[k] >= canonical && starts[k] < canonical + length && mappedStart[k] === -1) mappedStart[k] = i;
        if (lastChars[k] >= canonical && lastChars[k] < canonical + length) {
          mappedEnd[k] = i + width;
          extending.push(k);
        }
      }
      canonical += length;
    }
    i += width;
  }
  return spans.map((span, k) => ({ ...span, start: mappedStart[k], end: mappedEnd[k] }));
}
