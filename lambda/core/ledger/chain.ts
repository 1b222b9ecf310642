/**
 * The hash chain: how an entry is numbered, hashed and linked to the one before it, where it is
 * stored, and the check an auditor runs over a copy of the whole ledger.
 *
 * An entry's `hash` is the SHA-256 of the canonical JSON of the entry without its `hash` field, so
 * it covers `seq` and `prevHash` too: an entry cannot be renumbered or re-linked without changing
 * its hash, and changing any entry breaks the link of the one after it.
 */
import { canonicalJson, sha256Hex } from './canonical';
import {
  describeFirstIssue,
  FIRST_SEQ,
  LedgerBodySchema,
  LedgerEntrySchema,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
  type NoticeBody,
  type NoticeEntry,
  type ReceiptBody,
  type ReceiptEntry,
} from './schema';

/** What the first entry links to: there is no entry before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Folder of the ledger bucket the entries live in. */
export const LEDGER_PREFIX = 'ledger/';

const SEQ_DIGITS = 12;

/** Raised when a body cannot become an entry; the message names the field. */
export class LedgerEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerEntryError';
  }
}

/** The hash an entry must carry: SHA-256 over its canonical JSON without the `hash` field. */
export function hashOf(entry: Omit<LedgerEntry, 'hash'> & { hash?: string }): string {
  const { hash: _recorded, ...covered } = entry;
  return sha256Hex(canonicalJson(covered));
}

/**
 * The entry that follows `head` (or starts the chain when there is none): validates the body,
 * numbers it, links it and hashes it. Pure; appending it is the store's job.
 */
export function nextEntry(head: LedgerHead | undefined, body: DeclarationBody): DeclarationEntry;
export function nextEntry(head: LedgerHead | undefined, body: ReceiptBody): ReceiptEntry;
export function nextEntry(head: LedgerHead | undefined, body: NoticeBody): NoticeEntry;
export function nextEntry(head: LedgerHead | undefined, body: LedgerBody): LedgerEntry;
export function nextEntry(head: LedgerHead | undefined, body: LedgerBody): LedgerEntry {
  const linked = { ...validateBody(body), seq: head === undefined ? FIRST_SEQ : head.seq + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...linked, hash: hashOf(linked) };
}

/** The body, checked against its schema; throws a LedgerEntryError naming the first bad field. */
export function validateBody(body: LedgerBody): LedgerBody {
  const parsed = LedgerBodySchema.safeParse(body);
  if (!parsed.success) throw new LedgerEntryError(`ledger entry refused: ${describeFirstIssue(parsed.error)}`);
  return parsed.data;
}

/**
 * The body, checked as an append takes it: its schema (`validateBody`), and a retrying receipt must
 * name what reported it (interim states are claimed per notification: without one, a retry could not
 * find its receipt). Every ledger that appends (the S3 store, the sample ledger) checks with this.
 */
export function validateAppendable(body: LedgerBody): LedgerBody {
  const validated = validateBody(body);
  if (validated.kind === 'receipt' && validated.status === 'retrying' && validated.notification === undefined) {
    throw new LedgerEntryError('ledger entry refused: notification: a retrying receipt must name what reported it, so a retry can find it');
  }
  return validated;
}

/** The head an entry makes when it is the latest: what the next entry links to. */
export function headOf(entry: LedgerEntry): LedgerHead {
  return { seq: entry.seq, hash: entry.hash };
}

/**
 * The entry's file name. Zero-padded so that lexical order is seq order, and made of the seq alone
 * (no kind): the conditional put that serializes writers only refuses a second object under the
 * same key, so two entries with one seq must map to one key whatever their kind.
 */
export function fileNameFor(entry: { readonly seq: number }): string {
  return `${String(entry.seq).padStart(SEQ_DIGITS, '0')}.json`;
}

/** The entry's object key in the ledger bucket, e.g. `ledger/000000000042.json`. */
export function objectKeyFor(entry: { readonly seq: number }): string {
  return `${LEDGER_PREFIX}${fileNameFor(entry)}`;
}

/** Validates an unknown value as a ledger entry, naming the first bad field when it is not one. */
export function parseEntry(value: unknown): { ok: true; entry: LedgerEntry } | { ok: false; reason: string } {
  const parsed = LedgerEntrySchema.safeParse(value);
  return parsed.success ? { ok: true, entry: parsed.data } : { ok: false, reason: `malformed entry: ${describeFirstIssue(parsed.error)}` };
}

/** Why `entry` does not follow `previous` in the chain (its hash or its link), or undefined when it does. */
export function linkProblem(previous: LedgerHead | undefined, entry: LedgerEntry): string | undefined {
  const computed = hashOf(entry);
  if (computed !== entry.hash) {
    return `hash mismatch: the entry was altered after it was written (recorded ${entry.hash}, content hashes to ${computed})`;
  }
  const expected = previous?.hash ?? GENESIS_HASH;
  if (entry.prevHash !== expected) {
    const what = previous === undefined ? 'the genesis hash' : `the hash of seq ${previous.seq}`;
    return `broken link: prevHash ${entry.prevHash} is not ${what} (${expected})`;
  }
  return undefined;
}
