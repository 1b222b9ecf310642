/**
 * IPv4 and IPv6 addresses inside (canonical) text.
 *
 * IPv4: four decimal octets 0–255, zero-padded or not (`010.001.002.003`; padding all or nothing, so
 * `72.055.020.000` stays an amount), with spaces allowed around
 * the dots (`10 . 0 . 0 . 1`), not part of a longer dotted number (`1.2.3.4.5` is a version, not an
 * address), and not a version (`v1.2.3.4`, `version 1.2.3.4`). IPv6: a colon-hex sequence that `node:net` accepts and that has either `::` or all eight
 * groups, with at least three hex digits, so times (`12:30:45`), MAC addresses and C++-style `a::b`
 * are left alone.
 */
import { isIPv6 } from 'node:net';
import type { IdentifierMatch } from './match';

const OCTET = '(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)';
const DOT = '[ \\t]{0,2}\\.[ \\t]{0,2}';
/** A version is written `v1.2.3.4`, `version 1.2.3.4`, `ver. 1.2.3.4` or `build 1.2.3.4`: no address is. */
const VERSION_MARK = '(?<![A-Za-z])(?:[vV]|[vV]er(?:sion)?\\.?[ \\t]?|[bB]uild[ \\t]?)';
const IPV4 = new RegExp(`(?<!\\d|\\d${DOT}|${VERSION_MARK})(?:${OCTET}${DOT}){3}${OCTET}(?!\\d|${DOT}\\d)`, 'g');
const IPV6_CANDIDATE = /(?<![0-9A-Fa-f.]|[0-9A-Fa-f]:)(?:[0-9A-Fa-f]{0,4}:){2,8}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])/g;
const HEX_DIGIT = /[0-9A-Fa-f]/g;

const OCTET_DIGITS = /\d+/g;

/**
 * Zero padding is all or nothing: `010.001.002.003` and `192.168.001.010` are addresses, while
 * `72.055.020.000` is an amount with dots between thousands.
 */
function isConsistentlyPadded(candidate: string): boolean {
  const octets = candidate.match(OCTET_DIGITS) ?? [];
  const padded = octets.some((o) => o.length > 1 && o.startsWith('0'));
  return !padded || octets.every((o) => o.length === 3);
}

export function findIpv4Addresses(text: string, out: IdentifierMatch[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    if (isConsistentlyPadded(m[0])) out.push({ start: m.index, end: m.index + m[0].length, category: 'ip_address' });
  }
}

function isPlausibleIpv6(candidate: string): boolean {
  const groups = candidate.split(':').length;
  if (!candidate.includes('::') && groups !== 8) return false;
  return (candidate.match(HEX_DIGIT)?.length ?? 0) >= 3 && isIPv6(candidate);
}

export function findIpv6Addresses(text: string, out: IdentifierMatch[]): void {
  IPV6_CANDIDATE.lastIndex = 0;
  for (let m = IPV6_CANDIDATE.exec(text); m !== null; m = IPV6_CANDIDATE.exec(text)) {
    if (isPlausibleIpv6(m[0])) out.push({ start: m.index, end: m.index + m[0].length, category: 'ip_address' });
    // `ip:2001:db8::1` or `：::1`: a label's colon may start a failed candidate; try from the next one.
    else IPV6_CANDIDATE.lastIndex = m.index + 1;
  }
}
