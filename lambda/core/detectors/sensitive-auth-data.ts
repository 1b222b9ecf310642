/**
 * Sensitive authentication data (PCI DSS Req. 3.3.1: never stored after authorization, not even
 * encrypted) and the JR/T 0171 C3 authentication data around it: card verification codes, PINs and
 * PIN blocks, magnetic-stripe track data, payment passwords and one-time codes.
 *
 * Found by field name, at any depth, judged on the name's last word so that `card.cvv`, `cardCvv`
 * and `pin_block` match while `cvvResult` (a match code) and `pinVerified` (a flag) do not. A few
 * look-alikes are caught on purpose, because a gate that refuses too much is fixed by renaming a
 * field, and one that lets a CVV through is a breach: `pinCode` (a postal code in India) is refused.
 * Track data is also recognised by value, wherever it appears.
 */

const SAD_LAST_WORDS = new Set([
  'cvv', 'cvv2', 'icvv', 'cvc', 'cvc2', 'cvn', 'cvn2', 'cav2', 'pin', 'pinblock',
  'track1', 'track2', 'track3', 'trackdata', 'magstripe', 'password', 'passwd', 'passcode', 'otp',
]); // prettier-ignore

const SAD_LAST_TWO_WORDS = new Set([
  'pinblock', 'pincode', 'pinnumber', 'trackdata', 'track1data', 'track2data', 'track3data',
  'magneticstripe', 'securitycode', 'verificationcode', 'verifycode', 'smscode', 'authcode',
]); // prettier-ignore

/** Chinese field names: 密码 password, 安全码 security code, 验证码 one-time code, 磁道 track. */
const SAD_CJK_SUFFIX = /(?:密码|安全码|验证码|磁道信息|磁道数据)$/;

const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const WORD_SEPARATORS = /[^a-z0-9]+/;

export function isSensitiveAuthFieldName(name: string): boolean {
  if (SAD_CJK_SUFFIX.test(name)) return true;
  const words = name.replace(CAMEL_BOUNDARY, '$1 $2').toLowerCase().split(WORD_SEPARATORS).filter((w) => w !== '');
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SAD_LAST_WORDS.has(last)) return true;
  return words.length >= 2 && SAD_LAST_TWO_WORDS.has(words[words.length - 2] + last);
}

const NAME_CACHE_LIMIT = 10_000;
const nameCache = new Map<string, boolean>();

/** `isSensitiveAuthFieldName`, memoised: field names repeat across millions of records. */
export function isSensitiveAuthFieldNameCached(name: string): boolean {
  let result = nameCache.get(name);
  if (result === undefined) {
    result = isSensitiveAuthFieldName(name);
    if (nameCache.size < NAME_CACHE_LIMIT) nameCache.set(name, result);
  }
  return result;
}

/** Track 2 (`PAN=YYMM` + service code; EMV tag 57 writes `D` for `=`) and track 1 (`B PAN ^ NAME ^ YYMM...`). */
const TRACK_2 = /(?<!\d)\d{13,19}[=Dd]\d{7}/;
const TRACK_1 = /B\d{13,19}\^[^^]{2,26}\^\d{7}/;
const SHORTEST_TRACK = 21;

/** Cheap pre-filter: both track formats have a digit right before a `=`, `D`, `d` or `^` separator. */
function hasDigitBeforeTrackSeparator(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 || c === 94 || c === 68 || c === 100) {
      const previous = text.charCodeAt(i - 1);
      if (previous >= 48 && previous <= 57) return true;
    }
  }
  return false;
}

export function containsTrackData(text: string): boolean {
  return text.length >= SHORTEST_TRACK && hasDigitBeforeTrackSeparator(text) && (TRACK_2.test(text) || TRACK_1.test(text));
}

/** Whether a value under a sensitive-authentication field name actually carries something. */
export function carriesValue(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

interface SensitiveAuthDataFinding {
  /** Path below the value searched: `card.cvv`, `items[2].track2`, or '' for the value itself. */
  readonly path: string;
  readonly byName: boolean;
}

function joinPath(head: string, rest: string): string {
  return rest === '' ? head : rest.charCodeAt(0) === 91 /* [ */ ? head + rest : `${head}.${rest}`;
}

/**
 * The first sensitive authentication data in a parsed record, at any depth: a field with a SAD name
 * that carries a value, or track data in any string. Paths are built only on the way back from a
 * finding, so the common case allocates nothing; the walk stays in this module, so its many small
 * calls are local ones.
 */
export function locateSensitiveAuthData(value: unknown): SensitiveAuthDataFinding | undefined {
  if (typeof value === 'string') return containsTrackData(value) ? { path: '', byName: false } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locateSensitiveAuthData(value[i]);
      if (found !== undefined) return { path: joinPath(`[${i}]`, found.path), byName: found.byName };
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  // for...in, not Object.keys: no array per object, and JSON-parsed objects have no inherited keys.
  for (const key in object) {
    const child = object[key];
    if (isSensitiveAuthFieldNameCached(key) && carriesValue(child)) return { path: key, byName: true };
    if (typeof child === 'object' || typeof child === 'string') {
      const found = locateSensitiveAuthData(child);
      if (found !== undefined) return { path: joinPath(key, found.path), byName: found.byName };
    }
  }
  return undefined;
}
