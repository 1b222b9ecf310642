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
 * Folding per character (not NFKC over the whole string) keeps a map from every canonical character
 * back to the original characters it came from, so a detection on the canonical text redacts exactly
 * what was written. A dropped character is attached to the canonical character before it, so a
 * zero-width space inside or right after an identifier is redacted with it.
 *
 * ASCII text is already canonical: it is returned as is, with no map and no allocation (the fast
 * path for almost every value in a payment record). ASCII whitespace other than `' '` is left as
 * written; the detectors treat all ASCII whitespace alike.
 */

export interface CanonicalText {
  /** The folded text the detectors read. */
  readonly text: string;
  /**
   * For each canonical character, where its source starts and ends in the original (UTF-16 indexes,
   * end exclusive). Undefined when the text is its own canonical form.
   */
  readonly sourceStart: Int32Array | undefined;
  readonly sourceEnd: Int32Array | undefined;
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

/** Index of the first character that folds to something else, or -1 when the text is canonical. */
function firstChange(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || isStableBulk(code)) continue;
    const codePoint = codePointAt(text, i);
    const width = codePoint > 0xffff ? 2 : 1;
    if (foldCodePoint(codePoint) !== text.slice(i, i + width)) return i;
    i += width - 1;
  }
  return -1;
}

/** Whether `text` is its own canonical form (plain ASCII always is). */
export function isCanonical(text: string): boolean {
  return firstChange(text) === -1;
}

/** The canonical text, without the map back (for yes/no checks). */
export function canonicalText(text: string): string {
  return canonicalize(text).text;
}

export function canonicalize(text: string): CanonicalText {
  const change = firstChange(text);
  if (change === -1) return { text, sourceStart: undefined, sourceEnd: undefined };
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < change; i++) {
    starts.push(i);
    ends.push(i + 1);
  }
  let out = text.slice(0, change);
  for (let i = change; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || isStableBulk(code)) {
      out += text[i];
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    const codePoint = codePointAt(text, i);
    const width = codePoint > 0xffff ? 2 : 1;
    const folded = foldCodePoint(codePoint);
    if (folded === '') {
      // Dropped: the previous canonical character now also covers it.
      if (ends.length > 0) ends[ends.length - 1] = i + width;
    } else {
      out += folded;
      for (let k = 0; k < folded.length; k++) {
        starts.push(i);
        ends.push(i + width);
      }
    }
    i += width;
  }
  return { text: out, sourceStart: Int32Array.from(starts), sourceEnd: Int32Array.from(ends) };
}

/** The original span `[start, end)` of the canonical span `[start, end)` (end > start). */
export function originalSpan(canonical: CanonicalText, start: number, end: number): { start: number; end: number } {
  if (canonical.sourceStart === undefined || canonical.sourceEnd === undefined) return { start, end };
  return { start: canonical.sourceStart[start], end: canonical.sourceEnd[end - 1] };
}
