/**
 * The transfer register: each declaration with the receipts and notices that answer it. This is the
 * post-transfer traceability view an auditor reads, and it shows what is still owed: a declaration
 * with no final receipt is a batch declared but not (yet, or ever) delivered.
 */
import { isFinalStatus } from './identity';
import type { DeclarationEntry, LedgerEntry, NoticeEntry, ReceiptEntry } from './schema';

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
  for (const entry of entries) {
    if (entry.kind === 'declaration') {
      declarations.push(entry);
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
  return {
    declarations: declarations.length,
    receipts,
    notices: entries.length - declarations.length - receipts,
    undelivered: transfers.filter((t) => t.status !== 'delivered').map((t) => t.declaration.seq),
    transfers,
  };
}
