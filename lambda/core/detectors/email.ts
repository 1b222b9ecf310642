/**
 * E-mail addresses inside (canonical) text: full-width `＠` and `．` arrive here already folded.
 *
 * Local part (RFC 5322 §3.2.3, §3.4.1; RFC 6531 §3.3): a dot-atom of `atext` (letters, digits and
 * ``!#$%&'*+-/=?^_`{|}~``), with any non-ASCII letter, digit or mark allowed (RFC 6531 UTF8-non-ascii),
 * or a quoted string (`"john doe"@example.com`, backslash escapes inside). Walking back from the `@`
 * stops where CJK text meets Latin text (`联系邮箱user@qq.com` → `user@qq.com`): free text runs words
 * together without spaces, and the address is the part in the other script.
 *
 * Domain: labels of ASCII letters, digits and `-`, or of any Unicode letters, digits and marks (IDN,
 * RFC 5890), joined by `.` (and by the ideographic full stop `。` between non-ASCII labels, as UTS #46
 * maps it); the last label is 2+ letters, or an `xn--` A-label. The TLD ends at its first non-letter
 * (`a@b.com-thanks` → `a@b.com`) and where Latin meets CJK (`user@qq.com谢谢`). A domain literal
 * (`user@[192.0.2.1]`, `user@[IPv6:2001:db8::1]`) is accepted too.
 *
 * Found by walking out from each `@` rather than by one regular expression, so a long run of
 * address-like characters cannot make the scan quadratic.
 */
import type { IdentifierMatch } from './match';

const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 255;
const MAX_LABEL = 63;
const MIN_TLD = 2;
const IDEOGRAPHIC_FULL_STOP = 0x3002;

const UNICODE_WORD = /^[\p{L}\p{N}\p{M}]$/u;
const UNICODE_LETTER = /^\p{L}$/u;

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** ``!#$%&'*+-/=?^_`{|}~`` (RFC 5322 atext specials) */
const ATEXT_SPECIALS = new Set([...`!#$%&'*+-/=?^_\`{|}~`].map((c) => c.charCodeAt(0)));

function isUnicodeWordChar(text: string, index: number): boolean {
  return UNICODE_WORD.test(text[index]);
}

/** Han, kana, Hangul and CJK symbols: scripts written without spaces between words. */
function isCjk(code: number): boolean {
  return (code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff);
}

function isLocalChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiAlphanumeric(code) || code === 46 || ATEXT_SPECIALS.has(code);
  return isUnicodeWordChar(text, index);
}

/** Start of a quoted local part ending with the `"` at `close`, or -1. */
function quotedLocalStart(text: string, close: number): number {
  for (let j = close - 1; j >= 0 && close - j <= MAX_LOCAL_PART; j--) {
    if (text.charCodeAt(j) !== 34) continue;
    let backslashes = 0;
    while (j - 1 - backslashes >= 0 && text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return j < close - 1 ? j : -1;
  }
  return -1;
}

/** Start of the local part ending before the `@` at `at`, or -1. */
function localPartStart(text: string, at: number): number {
  if (at > 0 && text.charCodeAt(at - 1) === 34) return quotedLocalStart(text, at - 1);
  let start = at;
  const cjk = start > 0 && isCjk(text.charCodeAt(start - 1));
  while (start > 0 && at - start < MAX_LOCAL_PART && isLocalChar(text, start - 1) && isCjk(text.charCodeAt(start - 1)) === cjk) start--;
  while (start < at && text.charCodeAt(start) === 46) start++; // a local part does not start with a dot
  return start < at ? start : -1;
}

function isLabelChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return isAsciiAlphanumeric(code) || code === 45;
  return isUnicodeWordChar(text, index);
}

function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code < 0x80 ? isAsciiLetter(code) : UNICODE_LETTER.test(text[index]);
}

/** End of the top-level domain starting at `from` within a label ending at `labelEnd`, or -1. */
function tldEnd(text: string, from: number, labelEnd: number): number {
  if (text.slice(from, from + 4).toLowerCase() === 'xn--') return labelEnd - from > 4 ? labelEnd : -1;
  const cjk = isCjk(text.charCodeAt(from));
  let end = from;
  while (end < labelEnd && isLetterAt(text, end) && isCjk(text.charCodeAt(end)) === cjk) end++;
  return end - from >= MIN_TLD ? end : -1;
}

function domainLiteralEnd(text: string, from: number): number {
  const close = text.indexOf(']', from);
  if (close === -1 || close - from > 50) return -1;
  const inside = text.slice(from + 1, close);
  return /^(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)$/.test(inside) ? close + 1 : -1;
}

/** End of the domain after the `@` at `from - 1` (exclusive), or -1. */
function domainEnd(text: string, from: number): number {
  if (text.charCodeAt(from) === 91) return domainLiteralEnd(text, from);
  let i = from;
  let labels = 0;
  let lastLabelStart = from;
  let lastLabelEnd = from;
  for (;;) {
    const labelStart = i;
    while (i < text.length && i - labelStart <= MAX_LABEL && isLabelChar(text, i)) i++;
    if (i === labelStart || i - from > MAX_DOMAIN) break;
    labels++;
    lastLabelStart = labelStart;
    lastLabelEnd = i;
    const dot = text.charCodeAt(i);
    const nonAsciiJoin = dot === IDEOGRAPHIC_FULL_STOP && text.charCodeAt(i - 1) >= 0x80 && text.charCodeAt(i + 1) >= 0x80;
    if ((dot === 46 || nonAsciiJoin) && i + 1 < text.length && isLabelChar(text, i + 1)) {
      i++;
      continue;
    }
    break;
  }
  if (labels < 2) return -1;
  return tldEnd(text, lastLabelStart, lastLabelEnd);
}

export function findEmails(text: string, out: IdentifierMatch[]): void {
  let at = text.indexOf('@');
  while (at !== -1) {
    const start = localPartStart(text, at);
    const end = start !== -1 ? domainEnd(text, at + 1) : -1;
    if (end !== -1) out.push({ start, end, category: 'email' });
    at = text.indexOf('@', at + 1);
  }
}
