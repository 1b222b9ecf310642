/**
 * Receipts that tell the truth. A delivery (one declared output to its destination) reaches one
 * final state, `delivered` or `failed`, claimed once in the ledger whatever reports it first; the
 * same notification retried (a Lambda retry, a redelivered SQS message) finds that receipt and adds
 * nothing; any other notification after it (a replication "failed" after "completed", a second
 * report of the same state) is recorded as a notice that names the final receipt and never changes
 * it. `retrying` receipts record failed attempts before the final state, once per notification.
 */
import {
  finalReceiptIdentity,
  isFinalStatus,
  type DeclarationEntry,
  type NoticeEntry,
  type ReceiptBody,
  type ReceiptEntry,
  type ReceiptStatus,
} from '../core/ledger';
import type { LedgerStore } from '../shared/ledger-store';
import { declarationOf } from '../shared/released-output';
import type { BoundDestination } from './destinations';

/** What receipting needs of the ledger: append once per identity, find what an identity holds. */
export type ReceiptLedger = Pick<LedgerStore, 'appendOnce' | 'resume'>;

/** What one notification (or the push itself) says about a delivery. */
export interface DeliveryReport {
  readonly declaration: DeclarationEntry;
  readonly destination: BoundDestination;
  /** Key of the delivered object (the same at the destination as under the outbound prefix). */
  readonly key: string;
  readonly status: ReceiptStatus;
  readonly etag?: string;
  readonly versionId?: string;
  readonly attempts: number;
  readonly error?: string;
  /** Stable across retries of the same notification: the replication event's name and time, or the push trigger's event id. */
  readonly notification: string;
}

export type Recorded =
  | { readonly kind: 'state'; readonly entry: ReceiptEntry }
  | { readonly kind: 'notice'; readonly entry: NoticeEntry; readonly final: ReceiptEntry };

/** The output an object's metadata names is not a declaration of this key in the ledger. */
export class UndeclaredOutputError extends Error {
  constructor(key: string, reason: string) {
    super(`outbound object ${key} is not a declared output (${reason}): refusing to deliver or receipt undeclared data`);
    this.name = 'UndeclaredOutputError';
  }
}

/**
 * The declaration an outbound object names, read from the ledger and checked to declare exactly this
 * key (and, when known, these bytes): delivery acts on declared outputs only.
 */
export async function declarationFor(
  ledger: LedgerStore,
  object: { key: string; metadata: Record<string, string> | undefined; sha256?: string },
): Promise<DeclarationEntry> {
  const ref = declarationOf(object.metadata);
  const entry = await ledger.readEntry(ref.seq);
  if (entry === undefined) throw new UndeclaredOutputError(object.key, `the ledger has no seq ${ref.seq}`);
  if (entry.kind !== 'declaration' || entry.hash !== ref.hash) {
    throw new UndeclaredOutputError(object.key, `seq ${ref.seq} is not the declaration it names`);
  }
  if (entry.output.key !== object.key) throw new UndeclaredOutputError(object.key, `declaration seq ${ref.seq} declares another output`);
  if (object.sha256 !== undefined && object.sha256 !== entry.output.sha256) {
    throw new UndeclaredOutputError(object.key, `its content is not what declaration seq ${ref.seq} declared`);
  }
  return entry;
}

function receiptOf(report: DeliveryReport, now: Date): ReceiptBody {
  return {
    kind: 'receipt',
    declarationSeq: report.declaration.seq,
    declarationHash: report.declaration.hash,
    method: report.destination.method,
    destination: {
      region: report.destination.region,
      bucket: report.destination.bucket,
      key: report.key,
      ...(report.etag === undefined ? {} : { etag: report.etag }),
      ...(report.versionId === undefined ? {} : { versionId: report.versionId }),
    },
    status: report.status,
    attempts: report.attempts,
    deliveredAt: now.toISOString(),
    ...(report.error === undefined ? {} : { error: report.error.slice(0, 500) }),
    notification: report.notification,
  };
}

async function notice(ledger: ReceiptLedger, final: ReceiptEntry, report: DeliveryReport, now: Date): Promise<Recorded> {
  const { entry } = await ledger.appendOnce({
    kind: 'notice',
    declarationSeq: final.declarationSeq,
    declarationHash: final.declarationHash,
    receiptSeq: final.seq,
    receiptHash: final.hash,
    method: final.method,
    destination: {
      region: final.destination.region,
      bucket: final.destination.bucket,
      key: final.destination.key,
      ...(report.versionId === undefined ? {} : { versionId: report.versionId }),
    },
    reported: report.status,
    disposition: report.status === final.status ? 'duplicate' : 'late',
    notification: report.notification,
    noticedAt: now.toISOString(),
  });
  return { kind: 'notice', entry, final };
}

/** Records what a notification says about a delivery; safe to call again for the same notification. */
export async function recordDelivery(ledger: ReceiptLedger, report: DeliveryReport, now: Date = new Date()): Promise<Recorded> {
  const receipt = receiptOf(report, now);
  if (isFinalStatus(report.status)) {
    const { entry } = await ledger.appendOnce(receipt);
    // The final state is this notification's (now, or on an earlier try of it), or another's.
    return entry.notification === report.notification ? { kind: 'state', entry } : notice(ledger, entry, report, now);
  }
  const final = await ledger.resume(finalReceiptIdentity(receipt));
  if (final !== undefined) {
    if (final.kind !== 'receipt') throw new Error(`the final state of delivery ${finalReceiptIdentity(receipt)} is not a receipt (seq ${final.seq})`);
    return notice(ledger, final, report, now);
  }
  const { entry } = await ledger.appendOnce(receipt);
  return { kind: 'state', entry };
}

/** The final receipt of a delivery, if it has one. */
export async function finalReceiptOf(
  ledger: ReceiptLedger,
  delivery: { declaration: DeclarationEntry; destination: BoundDestination },
): Promise<ReceiptEntry | undefined> {
  const final = await ledger.resume(
    finalReceiptIdentity({ declarationSeq: delivery.declaration.seq, method: delivery.destination.method, destination: delivery.destination }),
  );
  return final?.kind === 'receipt' ? final : undefined;
}
