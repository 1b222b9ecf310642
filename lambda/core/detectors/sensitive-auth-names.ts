/**
 * Field names that hold sensitive authentication data (PCI DSS Req. 3.3.1) or the JR/T 0171 C3
 * authentication data around it: card verification codes, PINs and PIN blocks, track data, passwords,
 * one-time codes.
 *
 * Names are read in their canonical form (NFKC: `ＣＶＶ` is `CVV`; zero-width characters dropped) and
 * cut into words at case changes, acronyms, digits-to-letters and any separator, so `cvvValue`,
 * `cvv_number`, `CVV2-code`, `PINBlock`, `pin_encrypted`, `track2Data` are all read the same way.
 * Run-together lower-case names are split against the known stems (`cvvvalue`, `cardcvv`, `pinvalue`).
 *
 * The decision, failing closed:
 * - a name with a SAD word in it (`cvv`, `cvc2`, `cvn2`, `cav2`, `csc`, `pin`, `pin block`, `track 1/2`,
 *   `magstripe`, `password`, `otp`, `security code`, `card code`, ...) is refused, whatever follows
 *   (`cvvValue`, `cvvCode`, `cvv_number`, `pinValue`, `pin_encrypted`) or precedes (`cardCvv`);
 * - unless the word right after it says the field is *about* the code, not the code: a result, match,
 *   status, flag, count or time (`cvvResult`, `cvv2Match`, `cvvResponseCode`, `pinVerified`,
 *   `pinEntryMode`, `pinTries`, `passwordChangedAt`, `otpSentAt`). These are what gateways return
 *   after authorisation (a CVV2 result code such as `M` or `N`), and refusing them would refuse every
 *   authorisation record. Such a field is still refused when its value has the shape of a card code
 *   (3 or 4 digits): `"cvvResult": "517"` is a CVV under a misleading name;
 * - `cid` (the American Express card identification number) is also a common name for customer,
 *   client or correlation ids: it is refused when qualified (`cardCid`, `cid_value`, `amexCid`) and,
 *   bare, when its value has the shape of a card code;
 * - Chinese names containing 密码 (password/PIN), 口令, 安全码, 校验码, 验证码, 校验值, 验证值, 动态码,
 *   短信码, 个人识别码 (PIN), 卡背码, 磁道 or 磁条 (track, stripe) are refused (`安全码值`, `二磁道数据`),
 *   unless what follows names a result, status, time or count (`密码修改时间`, `验证码发送状态`).
 * Known false positives, accepted: `mapPin`, `pinCode` (a postal code in India). Rename them.
 */
import { canonicalText } from '../text/canonical';

/** Words that name SAD on their own. */
const SAD_WORDS = new Set([
  'cvv', 'cvv2', 'cvv3', 'icvv', 'dcvv', 'cvc', 'cvc2', 'cvc3', 'cvn', 'cvn2', 'cav2', 'cvd', 'cvp2', 'cve', 'csc', 'pvv',
  'pin', 'pinblock', 'pincode', 'pinnumber', 'pinvalue', 'pindata', 'pinenc', 'pinencrypted', 'encryptedpin', 'encpin',
  'cardpin', 'userpin', 'atmpin', 'paypin', 'txnpin', 'pinno', 'pinnum', 'pinblk', 'pinhash', 'pinoffset',
  'track1', 'track2', 'track3', 'trackdata', 'track1data', 'track2data', 'track3data', 'magstripe', 'magstripedata', 'fulltrack',
  'password', 'passwd', 'pwd', 'passcode', 'passphrase', 'otp', 'totp', 'hotp', 'smsotp',
  'securitycode', 'cardsecuritycode', 'verificationcode', 'verifycode', 'smscode', 'authcode', 'cardcode',
  'cardverificationvalue', 'cardverificationcode', 'cardverificationnumber', 'cardcvv', 'cardcvc', 'cardcvn',
]); // prettier-ignore

/** Two consecutive words that name SAD together. */
const SAD_PAIRS = new Set([
  'pin block', 'pin code', 'pin number', 'security code', 'verification code', 'verification value', 'verify code',
  'sms code', 'auth code', 'card code', 'track data', 'track 1', 'track 2', 'track 3', 'mag stripe', 'magnetic stripe',
  'full track', 'pass code', 'pass word', 'one time', 'card verification',
]); // prettier-ignore

/** Stems read inside run-together words: `cvvvalue`, `cardcvv2`, `mycvc`. */
const SAD_STEMS = ['cvv2', 'cvc2', 'cvn2', 'cav2', 'icvv', 'dcvv', 'cvv', 'cvc', 'cvn', 'password', 'passwd'];

/** Words after a SAD word that make the field a statement about the code, not the code. */
const ABOUT_WORDS = new Set([
  'result', 'results', 'res', 'response', 'resp', 'rsp', 'match', 'matched', 'matches', 'status', 'state', 'outcome',
  'verified', 'verification', 'verify', 'valid', 'validated', 'validation', 'check', 'checked', 'checks', 'ok',
  'present', 'presence', 'provided', 'indicator', 'ind', 'flag', 'required', 'req', 'supported', 'capable', 'capability',
  'entry', 'mode', 'type', 'method', 'length', 'len', 'size', 'tries', 'attempts', 'retries', 'retry', 'count', 'counter',
  'failures', 'failed', 'errors', 'error', 'changed', 'change', 'updated', 'update', 'reset', 'set', 'expiry', 'expires',
  'expired', 'expiration', 'policy', 'rule', 'rules', 'strength', 'hint', 'locked', 'lock', 'sent', 'channel', 'enabled',
  'disabled', 'at', 'time', 'date', 'timestamp', 'ts', 'pad',
]); // prettier-ignore

/** Value words: a run-together `pin` + one of these is the PIN (`pinvalue`); anything else is not a PIN (`pinyin`). */
const PIN_GLUED_VALUE = /^pin(?:value|val|block|blk|code|number|num|no|data|enc|encrypted|hash|digits|plain|raw|clear|cipher)$/;

const CJK_SAD = /密码|口令|安全码|校验码|验证码|校验值|验证值|动态码|短信码|个人识别码|卡背码|磁道|磁条/g;
const CJK_ABOUT = /^(?:结果|状态|时间|日期|次数|标志|标识|长度|类型|方式|错误|提示|策略|规则|强度|有效期|发送|修改|更新|重置|是否)/;

const CAMEL = /([a-z0-9])([A-Z])/g;
const ACRONYM = /([A-Z]+)([A-Z][a-z])/g;
const DIGIT_TO_LETTER = /(\d)([A-Za-z])/g;
const NON_WORD = /[^a-z0-9]+/;

/** The words of a field name, lower-cased, canonical: `cardCVV2Value` → `card cvv2 value`. */
export function nameWords(name: string): string[] {
  return canonicalText(name)
    .replace(ACRONYM, '$1 $2')
    .replace(CAMEL, '$1 $2')
    .replace(DIGIT_TO_LETTER, '$1 $2')
    .toLowerCase()
    .split(NON_WORD)
    .filter((word) => word !== '');
}

/** Whether what follows a SAD word (`rest` of a run-together word, or the next word) makes the field about it. */
function isAbout(rest: string): boolean {
  if (rest === '') return false;
  if (ABOUT_WORDS.has(rest)) return true;
  for (const word of ABOUT_WORDS) if (word.length >= 4 && rest.startsWith(word)) return true;
  return false;
}

/** The SAD decision for words[i], or undefined when words[i] is no SAD word. */
function judgeWord(words: readonly string[], i: number): boolean | undefined {
  const word = words[i];
  const next = words[i + 1] ?? '';
  if (SAD_WORDS.has(word) || PIN_GLUED_VALUE.test(word)) return !isAbout(next);
  if (next !== '' && SAD_PAIRS.has(`${word} ${next}`)) return !isAbout(words[i + 2] ?? '');
  for (const stem of SAD_STEMS) {
    const at = word.indexOf(stem);
    if (at === -1) continue;
    const rest = word.slice(at + stem.length);
    return !isAbout(rest === '' ? next : rest);
  }
  if (word === 'cid' && (i > 0 || next !== '')) return !isAbout(next);
  return undefined;
}

/** The verdict on the Chinese words of a name: refused, about the code, or no SAD word at all. */
function judgeCjk(canonical: string): boolean | undefined {
  let verdict: boolean | undefined;
  CJK_SAD.lastIndex = 0;
  for (let m = CJK_SAD.exec(canonical); m !== null; m = CJK_SAD.exec(canonical)) {
    if (!CJK_ABOUT.test(canonical.slice(m.index + m[0].length))) return true;
    verdict = false;
  }
  return verdict;
}

/**
 * How a field name is judged: `sad` refuses any value; `card_code_if_shaped` refuses a value shaped
 * like a card code (a name about the code, such as `cvvResult`, or a bare `cid`); `none` refuses nothing.
 */
export type SensitiveAuthNameClass = 'sad' | 'card_code_if_shaped' | 'none';

export function classifySensitiveAuthName(name: string): SensitiveAuthNameClass {
  const cjk = judgeCjk(canonicalText(name));
  if (cjk === true) return 'sad';
  const words = nameWords(name);
  if (words.length === 1 && words[0] === 'cid') return 'card_code_if_shaped';
  for (let i = 0; i < words.length; i++) {
    const judged = judgeWord(words, i);
    if (judged !== undefined) return judged ? 'sad' : 'card_code_if_shaped';
  }
  return cjk === false ? 'card_code_if_shaped' : 'none';
}

export function isSensitiveAuthFieldName(name: string): boolean {
  return classifySensitiveAuthName(name) === 'sad';
}

const CARD_CODE = /^\s*\d{3,4}\s*$/;
const SMALLEST_CARD_CODE_NUMBER = 100;
const LARGEST_CARD_CODE_NUMBER = 9999;

/** A value shaped like a card verification code: 3 or 4 digits (CVV2/CVC2/CVN2 3, Amex CID 4). */
export function isCardCodeShaped(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= SMALLEST_CARD_CODE_NUMBER && value <= LARGEST_CARD_CODE_NUMBER;
  return typeof value === 'string' && CARD_CODE.test(canonicalText(value));
}
