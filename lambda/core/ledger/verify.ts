/**
 * The verifier: walks a copy of the whole ledger from seq 1 and reports the first place the chain
 * breaks. It finds a tampered entry (its hash no longer matches its content), a broken link, a
 * missing, duplicated or reordered entry, a receipt or notice that points at no declaration (or
 * receipt) or at the wrong one, a malformed entry (naming the field), and, given the files, an entry
 * renamed or re-serialized. What the entries say (one declaration per transfer, truthful receipts,
 * outputs present) is checked by `auditLedger` on a chain that verifies.
 *
 * A hash chain alone cannot show that entries were cut off its end; an `anchor` (a seq and hash
 * known from elsewhere, e.g. the DynamoDB head or the previous audit's report) closes that gap.
 */
import { basename } from 'node:path';
import { canonicalJson } from './canonical';
import { fileNameFor, headOf, linkProblem, parseEntry } from './chain';
import { FIRST_SEQ, type LedgerEntry, type LedgerHead, type NoticeEntry, type ReceiptEntry } from './schema';

/** Where an entry was read from: the file name and, when known, its exact text. */
export interface EntrySource {
  readonly file: string;
  readonly text?: string;
}

export interface VerifyOptions {
  /** One per entry, same order: adds the file-name and canonical-form checks, and names files in breaks. */
  readonly sources?: readonly EntrySource[];
  /** A head known from elsewhere that the chain must contain, to detect entries cut off its end. */
  readonly anchor?: LedgerHead;
}

/** Where the chain stops being trustworthy: everything before `seq` verified. */
export interface ChainBreak {
  readonly seq: number;
  readonly reason: string;
  readonly file?: string;
}

export type ChainVerdict =
  | { readonly ok: true; readonly count: number; readonly head: LedgerHead | undefined; readonly entries: readonly LedgerEntry[] }
  | { readonly ok: false; readonly firstBreak: ChainBreak };

function seqOfRaw(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('seq' in value)) return undefined;
  return typeof value.seq === 'number' ? value.seq : undefined;
}

function seqProblem(
  expected: number,
  actual: number,
  previous: LedgerHead | undefined,
  later: { readonly entries: readonly unknown[]; readonly from: number },
): string | undefined {
  if (actual === expected) return undefined;
  // Every seq below `expected` has been seen already, so a lower one is a second entry claiming it.
  if (actual < expected) return `duplicate: a second entry claims seq ${actual}`;
  if (later.entries.some((value, index) => index >= later.from && seqOfRaw(value) === expected)) {
    return `out of order: seq ${actual} comes before seq ${expected}`;
  }
  const missing = actual - 1 > expected ? `seq ${expected} to ${actual - 1} are` : `seq ${expected} is`;
  return `gap: ${missing} missing (seq ${actual} follows ${previous === undefined ? 'the start of the chain' : `seq ${previous.seq}`})`;
}

/** A receipt or notice must answer an earlier declaration, by seq and hash, in the declared region. */
function declarationRefProblem(entry: ReceiptEntry | NoticeEntry, bySeq: ReadonlyMap<number, LedgerEntry>): string | undefined {
  const target = bySeq.get(entry.declarationSeq);
  if (target === undefined) {
    return `dangling ${entry.kind}: declarationSeq ${entry.declarationSeq} is not an earlier entry of the chain`;
  }
  if (target.kind !== 'declaration' && !(target.kind === 'suppression' && entry.kind === 'receipt')) {
    return `${entry.kind} points at seq ${target.seq}, which is a ${target.kind}, not a declaration${entry.kind === 'receipt' ? ' or a suppression notice' : ''}`;
  }
  if (target.hash !== entry.declarationHash) {
    return `${entry.kind} names declaration hash ${entry.declarationHash}, but seq ${target.seq} has hash ${target.hash}`;
  }
  if (target.kind === 'suppression') {
    return target.notices.some((n) => n.region === entry.destination.region && n.key === entry.destination.key)
      ? undefined
      : `receipt delivered ${entry.destination.key} to ${entry.destination.region}, which suppression seq ${target.seq} sent no notice as`;
  }
  if (target.destination.region !== entry.destination.region) {
    return `${entry.kind} delivered to ${entry.destination.region}, but declaration seq ${target.seq} declared ${target.destination.region}`;
  }
  return undefined;
}

/** A notice must also name the earlier receipt (the final state) of the same declaration. */
function noticeProblem(notice: NoticeEntry, bySeq: ReadonlyMap<number, LedgerEntry>): string | undefined {
  const receipt = bySeq.get(notice.receiptSeq);
  if (receipt === undefined) return `dangling notice: receiptSeq ${notice.receiptSeq} is not an earlier entry of the chain`;
  if (receipt.kind !== 'receipt') return `notice points at seq ${receipt.seq}, which is a ${receipt.kind}, not a receipt`;
  if (receipt.hash !== notice.receiptHash) {
    return `notice names receipt hash ${notice.receiptHash}, but seq ${receipt.seq} has hash ${receipt.hash}`;
  }
  if (receipt.declarationSeq !== notice.declarationSeq) {
    return `notice is about declaration seq ${notice.declarationSeq}, but receipt seq ${receipt.seq} answers seq ${receipt.declarationSeq}`;
  }
  return undefined;
}

function referenceProblem(entry: LedgerEntry, bySeq: ReadonlyMap<number, LedgerEntry>): string | undefined {
  if (entry.kind === 'declaration' || entry.kind === 'suppression' || entry.kind === 'erasure') return undefined;
  return declarationRefProblem(entry, bySeq) ?? (entry.kind === 'notice' ? noticeProblem(entry, bySeq) : undefined);
}

function sourceProblem(entry: LedgerEntry, raw: unknown, source: EntrySource): string | undefined {
  const name = basename(source.file);
  if (name !== fileNameFor(entry)) {
    return `file name ${name} does not match seq ${entry.seq} (expected ${fileNameFor(entry)}): the entry was moved or renamed`;
  }
  // The ledger writes canonical JSON; any other spelling of the same values means the file was rewritten.
  if (source.text !== undefined && source.text !== canonicalJson(raw)) {
    return 'not in canonical form: the file differs from what the ledger wrote (edited or re-serialized)';
  }
  return undefined;
}

/** Verifies a whole ledger, in the order given (seq order), from seq 1. */
export function verifyChain(entries: readonly unknown[], options: VerifyOptions = {}): ChainVerdict {
  const verified: LedgerEntry[] = [];
  const bySeq = new Map<number, LedgerEntry>();
  let previous: LedgerHead | undefined;
  for (const [index, raw] of entries.entries()) {
    const expectedSeq = previous === undefined ? FIRST_SEQ : previous.seq + 1;
    const source = options.sources?.[index];
    const broken = (reason: string): ChainVerdict => ({
      ok: false,
      firstBreak: { seq: expectedSeq, reason, ...(source === undefined ? {} : { file: source.file }) },
    });
    const parsed = parseEntry(raw);
    if (!parsed.ok) return broken(parsed.reason);
    const entry = parsed.entry;
    const problem =
      seqProblem(expectedSeq, entry.seq, previous, { entries, from: index + 1 }) ??
      (source === undefined ? undefined : sourceProblem(entry, raw, source)) ??
      linkProblem(previous, entry) ??
      referenceProblem(entry, bySeq);
    if (problem !== undefined) return broken(problem);
    verified.push(entry);
    bySeq.set(entry.seq, entry);
    previous = headOf(entry);
  }
  const anchor = options.anchor;
  if (anchor !== undefined) {
    const atAnchor = bySeq.get(anchor.seq);
    if (atAnchor === undefined) {
      const end = previous === undefined ? 'the ledger is empty' : `the chain ends at seq ${previous.seq}`;
      return { ok: false, firstBreak: { seq: anchor.seq, reason: `truncated: the anchor says seq ${anchor.seq} exists, but ${end}` } };
    }
    if (atAnchor.hash !== anchor.hash) {
      const file = options.sources?.[anchor.seq - FIRST_SEQ]?.file;
      return {
        ok: false,
        firstBreak: {
          seq: anchor.seq,
          reason: `anchor mismatch: seq ${anchor.seq} has hash ${atAnchor.hash}, the anchor says ${anchor.hash}`,
          ...(file === undefined ? {} : { file }),
        },
      };
    }
  }
  return { ok: true, count: verified.length, head: previous, entries: verified };
}
