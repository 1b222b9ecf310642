/**
 * The transfer register: each declaration with the receipts that answer it. This is the
 * post-transfer traceability view an auditor reads, and it shows what is still owed: a declaration
 * with no delivered receipt is a batch declared but not (yet, or ever) delivered.
 */
import type { DeclarationEntry, LedgerEntry, ReceiptEntry, SuppressionEntry } from './schema';

/** Delivered if any receipt says so; failed if every receipt so far failed; pending if there is none. */
export type DeliveryStatus = 'delivered' | 'failed' | 'pending';

export interface TransferRecord {
  readonly declaration: DeclarationEntry;
  /** In chain order. */
  readonly receipts: readonly ReceiptEntry[];
  readonly status: DeliveryStatus;
}

export interface LedgerSummary {
  readonly declarations: number;
  readonly receipts: number;
  /** Changes of the suppression list declared, and erasures recorded. */
  readonly suppressions: number;
  readonly erasures: number;
  /** Seqs of suppression changes whose notices are not all delivered (the CDPA hand-on is owed). */
  readonly undeliveredNotices: readonly number[];
  /** Seqs of declarations with no delivered receipt. */
  readonly undelivered: readonly number[];
  readonly transfers: readonly TransferRecord[];
}

function statusOf(receipts: readonly ReceiptEntry[]): DeliveryStatus {
  if (receipts.some((receipt) => receipt.status === 'delivered')) return 'delivered';
  return receipts.length > 0 ? 'failed' : 'pending';
}

/** Groups a verified chain's receipts under their declarations. */
export function summarizeLedger(entries: readonly LedgerEntry[]): LedgerSummary {
  const receiptsBySeq = new Map<number, ReceiptEntry[]>();
  const declarations: DeclarationEntry[] = [];
  const suppressions: SuppressionEntry[] = [];
  let erasures = 0;
  let receipts = 0;
  for (const entry of entries) {
    if (entry.kind === 'declaration') {
      declarations.push(entry);
    } else if (entry.kind === 'suppression') {
      suppressions.push(entry);
    } else if (entry.kind === 'erasure') {
      erasures++;
    } else {
      receipts++;
      const answered = receiptsBySeq.get(entry.declarationSeq) ?? [];
      answered.push(entry);
      receiptsBySeq.set(entry.declarationSeq, answered);
    }
  }
  const transfers = declarations.map((declaration) => {
    const receipts = receiptsBySeq.get(declaration.seq) ?? [];
    return { declaration, receipts, status: statusOf(receipts) };
  });
  const delivered = (seq: number, region: string) => (receiptsBySeq.get(seq) ?? []).some((r) => r.status === 'delivered' && r.destination.region === region);
  return {
    declarations: declarations.length,
    receipts,
    suppressions: suppressions.length,
    erasures,
    undeliveredNotices: suppressions.filter((s) => s.notices.some((n) => !delivered(s.seq, n.region))).map((s) => s.seq),
    undelivered: transfers.filter((t) => t.status !== 'delivered').map((t) => t.declaration.seq),
    transfers,
  };
}
