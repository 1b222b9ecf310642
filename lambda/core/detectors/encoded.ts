/**
 * Identifiers hidden in encoded tokens of free text (issue #10, item 8), best effort.
 *
 * Covered:
 * - percent-encoding (RFC 3986; `+` read as a space, as HTML forms write it): a run of non-space
 *   characters holding a `%XX` escape, or a `+` between digits, is decoded (`%31%33%38…`,
 *   `mobile%3D138%200013%208000`, `?card=4111+1111+1111+1111`);
 * - base64 and base64url (RFC 4648, padded or not): a run of at least 12 alphabet characters (9 bytes:
 *   the shortest e-mail worth finding; an 11-digit mobile takes 15) with both an upper-case and a
 *   lower-case letter, as base64 of text always has, so lower-case words, numbers, upper-case codes
 *   and ids such as `M20240101123456` are never decoded. The decoded bytes must be printable UTF-8
 *   text, or the token is left alone.
 * Decoded text is scanned by every detector, itself included (double encoding, two levels). A token
 * that hides an identifier is redacted whole: the placeholder replaces the token as written.
 *
 * Not covered: hex, base32, quoted-printable, HTML entities, gzip or any encryption; base64 glued to
 * other alphanumeric text (`idMTM4…`) decodes shifted and is not found.
 */
import type { Category } from '../categories';

/** What decoded text is scanned with: the first category found in it, or undefined. */
export type DecodedScan = (decoded: string) => Category | undefined;

export interface EncodedMatch {
  readonly start: number;
  readonly end: number;
  readonly category: Category;
}

const MIN_BASE64_CHARS = 12;

// Character classes of the base64 scan, by code: 0 not base64, 1 digit or `+/-_`, 2 upper, 3 lower.
const NOT_BASE64 = 0;
const UPPER = 2;
const LOWER = 3;
const BASE64_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) BASE64_CLASS[c] = 1;
for (const c of [43, 47, 45, 95]) BASE64_CLASS[c] = 1;
for (let c = 65; c <= 90; c++) BASE64_CLASS[c] = UPPER;
for (let c = 97; c <= 122; c++) BASE64_CLASS[c] = LOWER;

function base64Class(code: number): number {
  return code < 128 ? BASE64_CLASS[code] : NOT_BASE64;
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isTokenChar(code: number): boolean {
  return code > 32 && code !== 34 && code !== 39 && code !== 60 && code !== 62 && code !== 0x3000 && code < 0x2e80;
}

/** Bytes that are plain text: no control characters but tab and line breaks, and valid UTF-8. */
function asText(bytes: Uint8Array): string | undefined {
  for (const byte of bytes) {
    if ((byte < 32 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 127) return undefined;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  return text.includes('\ufffd') ? undefined : text;
}

function decodeBase64(token: string): string | undefined {
  return asText(Buffer.from(token, 'base64'));
}

function decodePercent(token: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code === 37 && i + 2 < token.length && isHex(token.charCodeAt(i + 1)) && isHex(token.charCodeAt(i + 2))) {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code === 43) {
      bytes.push(32);
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      for (const byte of Buffer.from(token[i], 'utf8')) bytes.push(byte);
    }
  }
  return asText(Uint8Array.from(bytes));
}

function hasPercentEscape(text: string, from: number, to: number): boolean {
  for (let i = text.indexOf('%', from); i !== -1 && i + 2 < to; i = text.indexOf('%', i + 1)) {
    if (isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) return true;
  }
  return false;
}

const FORM_SPACE_BETWEEN_DIGITS = /\d\+\d/;

/** Whether a token is percent- or form-encoded: a `%XX` escape, or `+` for a space between digits. */
function isUrlEncoded(text: string, start: number, end: number): boolean {
  return hasPercentEscape(text, start, end) || FORM_SPACE_BETWEEN_DIGITS.test(text.slice(start, end));
}

function findPercentTokens(text: string, scan: DecodedScan, out: EncodedMatch[]): void {
  let i = 0;
  while (i < text.length) {
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
    if (!isUrlEncoded(text, start, i)) continue;
    const decoded = decodePercent(text.slice(start, i));
    const category = decoded === undefined ? undefined : scan(decoded);
    if (category !== undefined) out.push({ start, end: i, category });
  }
}

/** Runs of base64 characters, 12 or longer, holding both an upper-case and a lower-case letter. */
function findBase64Tokens(text: string, scan: DecodedScan, out: EncodedMatch[]): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    const start = i;
    let upper = false;
    let lower = false;
    for (; i < length; i++) {
      const kind = base64Class(text.charCodeAt(i));
      if (kind === NOT_BASE64) break;
      if (kind === UPPER) upper = true;
      else if (kind === LOWER) lower = true;
    }
    const bodyEnd = i;
    while (i < length && i - bodyEnd < 2 && text.charCodeAt(i) === 61) i++;
    if (bodyEnd - start >= MIN_BASE64_CHARS && upper && lower) {
      const decoded = decodeBase64(text.slice(start, bodyEnd));
      const category = decoded === undefined ? undefined : scan(decoded);
      if (category !== undefined) out.push({ start, end: i, category });
    }
    if (i === start) i++;
  }
}

/** Whether `text` may hold anything this module would decode (cheap, for the hot path). */
export function mayHoldEncodedToken(text: string): boolean {
  return text.length >= MIN_BASE64_CHARS || text.includes('%');
}

/** Every percent-encoded or base64 token of `text` whose decoded form holds an identifier. */
export function findEncodedIdentifiers(text: string, scan: DecodedScan, out: EncodedMatch[]): void {
  if (text.includes('%') || FORM_SPACE_BETWEEN_DIGITS.test(text)) findPercentTokens(text, scan, out);
  findBase64Tokens(text, scan, out);
}
