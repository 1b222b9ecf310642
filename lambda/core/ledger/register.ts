/**
 * The transfer register: each declaration with the receipts and notices that answer it. This is the
 * post-transfer traceability view an auditor reads, and it shows what is still owed: a declaration
 * with no final receipt is a batch declared but not (yet, or ever) delivered.
 */
import { isFinalStatus } from './identity';
import type { DeclarationEntry, LedgerEntry, NoticeEntry, ReceiptEntry, SuppressionEntry } from './schema';

/**
 * The delivery's final state when it has one (the first final receipt: nothing later overrides it);
 * `retrying` when only interim receipts exist; `pending` when there is none.
 */
export type DeliveryStatus = 'delivered' | 'failed' | 'retrying' | 'pending';

export interface TransferRecord {
  readonly declaration: DeclarationEntry;
  /** In chain order. */
  readonly receipts: readonly ReceiptEntry[];
  /** Late or duplicate notifications after the final receipt, in chain order. */
  readonly notices: readonly NoticeEntry[];
  /** The receipt that concluded the delivery, if any. */
  readonly final?: ReceiptEntry;
  readonly status: DeliveryStatus;
}

export interface LedgerSummary {
  readonly declarations: number;
  readonly receipts: number;
  readonly notices: number;
  /** Changes of the suppression list declared, and erasures recorded. */
  readonly suppressions: number;
  readonly erasures: number;
  /** Seqs of suppression changes whose notices are not all delivered (the CDPA hand-on is owed). */
  readonly undeliveredNotices: readonly number[];
  /** Seqs of declarations with no delivered receipt. */
  readonly undelivered: readonly number[];
  readonly transfers: readonly TransferRecord[];
}

function statusOf(receipts: readonly ReceiptEntry[], final: ReceiptEntry | undefined): DeliveryStatus {
  if (final !== undefined) return final.status;
  return receipts.length > 0 ? 'retrying' : 'pending';
}

/** Groups a verified chain's receipts and notices under their declarations. */
export function summarizeLedger(entries: readonly LedgerEntry[]): LedgerSummary {
  const receiptsBySeq = new Map<number, ReceiptEntry[]>();
  const noticesBySeq = new Map<number, NoticeEntry[]>();
  const declarations: DeclarationEntry[] = [];
  const suppressions: SuppressionEntry[] = [];
  let erasures = 0;
  for (const entry of entries) {
    if (entry.kind === 'declaration') {
      declarations.push(entry);
      continue;
    }
    if (entry.kind === 'suppression') {
      suppressions.push(entry);
      continue;
    }
    if (entry.kind === 'erasure') {
      erasures++;
      continue;
    }
    const bySeq: Map<number, (ReceiptEntry | NoticeEntry)[]> = entry.kind === 'receipt' ? receiptsBySeq : noticesBySeq;
    const answered = bySeq.get(entry.declarationSeq) ?? [];
    answered.push(entry);
    bySeq.set(entry.declarationSeq, answered);
  }
  const transfers = declarations.map((declaration): TransferRecord => {
    const receipts = receiptsBySeq.get(declaration.seq) ?? [];
    const final = receipts.find((receipt) => isFinalStatus(receipt.status));
    return {
      declaration,
      receipts,
      notices: noticesBySeq.get(declaration.seq) ?? [],
      ...(final === undefined ? {} : { final }),
      status: statusOf(receipts, final),
    };
  });
  const receipts = [...receiptsBySeq.values()].reduce((sum, list) => sum + list.length, 0);
  const notices = [...noticesBySeq.values()].reduce((sum, list) => sum + list.length, 0);
  const delivered = (seq: number, region: string) => (receiptsBySeq.get(seq) ?? []).some((r) => r.status === 'delivered' && r.destination.region === region);
  return {
    declarations: declarations.length,
    receipts,
    notices,
    suppressions: suppressions.length,
    erasures,
    undeliveredNotices: suppressions.filter((s) => s.notices.some((n) => !delivered(s.seq, n.region))).map((s) => s.seq),
    undelivered: transfers.filter((t) => t.status !== 'delivered').map((t) => t.declaration.seq),
    transfers,
  };
}
