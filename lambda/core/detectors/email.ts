/**
 * E-mail addresses inside text. Found by walking out from each `@` rather than by one regular
 * expression, so a long run of address-like characters cannot make the scan quadratic.
 */
import type { IdentifierMatch } from './match';

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

const MAX_LOCAL_PART = 64;

function isLocalPartChar(code: number): boolean {
  // letters, digits and . _ % + -
  return isAsciiAlphanumeric(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isLabelChar(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 45;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * End of the domain after `@` at `from` (exclusive), or -1: labels joined by dots, ending in a TLD
 * of 2+ letters. The TLD stops at its first non-letter, so `a@b.com-thanks` still yields `a@b.com`.
 */
function domainEnd(text: string, from: number): number {
  let i = from;
  let labels = 0;
  let lastLabelStart = from;
  for (;;) {
    const labelStart = i;
    while (i < text.length && isLabelChar(text.charCodeAt(i))) i++;
    if (i === labelStart) break;
    labels++;
    lastLabelStart = labelStart;
    if (text.charCodeAt(i) === 46 && i + 1 < text.length && isLabelChar(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    break;
  }
  let tldEnd = lastLabelStart;
  while (tldEnd < i && isAsciiLetter(text.charCodeAt(tldEnd))) tldEnd++;
  return labels >= 2 && tldEnd - lastLabelStart >= 2 ? tldEnd : -1;
}

export function findEmails(text: string, out: IdentifierMatch[]): void {
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL_PART && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === 46) start++; // a local part does not start with a dot
    const end = start < at ? domainEnd(text, at + 1) : -1;
    if (end !== -1) out.push({ start, end, category: 'email' });
    at = text.indexOf('@', at + 1);
  }
}

