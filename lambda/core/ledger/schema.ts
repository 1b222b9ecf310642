/**
 * The shape of ledger entries: a declaration made before a transfer batch is delivered, a receipt
 * for each state its delivery reaches, and a notice for a notification that arrives after the
 * delivery's final state (a late or duplicate report, kept but never changing that state). The zod schemas are the single source of truth: the
 * types are inferred from them, `nextEntry` refuses a body that does not match (an Object Lock
 * COMPLIANCE ledger cannot take a bad entry back), and the verifier names the first field that is off.
 *
 * Objects are strict: an entry with a field this code does not know is refused rather than hashed,
 * because an auditor's verifier must not vouch for content it cannot read.
 */
import { z } from 'zod';
import { count, country, instant, region, sha256, text } from './fields';
import { erasureFields, suppressionFields } from './subject-entries';

/** The chain starts at seq 1; the highest seq fits the 12-digit zero-padded object key. */
export const FIRST_SEQ = 1;
export const MAX_SEQ = 999_999_999_999;


export const SeqSchema = z
  .number()
  .int('must be a whole number')
  .min(FIRST_SEQ, `must be at least ${FIRST_SEQ}`)
  .max(MAX_SEQ, `must be at most ${MAX_SEQ}`);

const chainFields = {
  seq: SeqSchema,
  prevHash: sha256,
  hash: sha256,
};

const declarationFields = {
  kind: z.literal('declaration'),
  declaredAt: instant,
  rule: z.strictObject({ id: text, version: text, purpose: text, legalBasis: text }),
  destination: z.strictObject({ region, country, recipient: text }),
  source: z.strictObject({ bucket: text, key: text, versionId: text.optional() }),
  output: z.strictObject({ bucket: text, key: text, sha256, bytes: count, records: count }),
  /** in = out + quarantined + suppressed (records of subjects on the suppression list, withheld). */
  counts: z.strictObject({ in: count, out: count, quarantined: count, suppressed: count.optional() }),
  /** Records per data category (e.g. `cn_resident_id`) that the batch desensitized. */
  categories: z.record(text, count),
  /** Values the detectors missed but the last-line pattern sweep redacted: non-zero means a rule gap. */
  safetyNetRedactions: count,
  /**
   * An object too large for one invocation was desensitized in parts (byte ranges of the raw object,
   * in order, each record in the part whose range holds its first byte) and assembled into the one
   * output above: each part's range, records, bytes and SHA-256. Absent for an object done whole,
   * and in entries written before splitting existed. How the output was computed, not what it is:
   * the same output declared with and without parts is the same transfer (see identity.ts).
   */
  parts: z.array(z.strictObject({ start: count, end: count, records: count, bytes: count, sha256 })).min(2, 'a split lists at least two parts').optional(),
  /**
   * The transfer's identity (source object version and rule version, see identity.ts): the ledger
   * holds at most one declaration per identity, and a retry finds the declaration by it.
   */
  idempotencyKey: text,
};

/** `delivered` and `failed` are final (a delivery reaches one of them once); `retrying` is interim. */
export const RECEIPT_STATUSES = ['delivered', 'failed', 'retrying'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];
export const FINAL_STATUSES: readonly ReceiptStatus[] = ['delivered', 'failed'];

const method = z.enum(['s3-replication', 'cross-partition-push']);

const receiptFields = {
  kind: z.literal('receipt'),
  declarationSeq: SeqSchema,
  declarationHash: sha256,
  method,
  destination: z.strictObject({ region, bucket: text, key: text, etag: text.optional(), versionId: text.optional() }),
  status: z.enum(RECEIPT_STATUSES),
  attempts: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  /** When the delivery completed, or for a failed or retrying one when the attempt gave up. */
  deliveredAt: instant,
  error: text.optional(),
  /**
   * What reported this state: the S3 replication event (name and time) or the push's trigger event.
   * A retry of the same notification finds its receipt by this; another notification after the
   * final state becomes a notice. Absent in entries written before it existed.
   */
  notification: text.optional(),
};

const noticeFields = {
  kind: z.literal('notice'),
  declarationSeq: SeqSchema,
  declarationHash: sha256,
  /** The final receipt of the delivery, which this notification does not change. */
  receiptSeq: SeqSchema,
  receiptHash: sha256,
  method,
  destination: z.strictObject({ region, bucket: text, key: text, versionId: text.optional() }),
  /** The state the notification reported. */
  reported: z.enum(RECEIPT_STATUSES),
  /** `duplicate`: it reports the final state again; `late`: it contradicts it (e.g. "failed" after "delivered"). */
  disposition: z.enum(['duplicate', 'late']),
  notification: text,
  noticedAt: instant,
};

/** An auditor reading a failed or retrying receipt must learn why; a delivered one carries no error. */
function receiptErrorMatchesStatus(receipt: { status: ReceiptStatus; error?: string }, ctx: z.RefinementCtx): void {
  if (receipt.status !== 'delivered' && receipt.error === undefined) {
    ctx.addIssue({ code: 'custom', path: ['error'], message: `a ${receipt.status} receipt must say why (error)` });
  }
  if (receipt.status === 'delivered' && receipt.error !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['error'], message: 'a delivered receipt carries no error' });
  }
}

/** The parts of a split output cover the raw object from byte 0 in order, and add up to the output. */
function partsAddUp(declaration: { output: { bytes: number; records: number }; parts?: readonly SplitPartFields[] | undefined }, ctx: z.RefinementCtx): void {
  const parts = declaration.parts;
  if (parts === undefined) return;
  let expectedStart = 0;
  for (const [i, part] of parts.entries()) {
    if (part.start !== expectedStart || part.end <= part.start) {
      ctx.addIssue({ code: 'custom', path: ['parts', i], message: `must be the range starting at byte ${expectedStart} and ending after it (got ${part.start} to ${part.end})` });
      return;
    }
    expectedStart = part.end;
  }
  const bytes = parts.reduce((sum, part) => sum + part.bytes, 0);
  const records = parts.reduce((sum, part) => sum + part.records, 0);
  if (bytes !== declaration.output.bytes) ctx.addIssue({ code: 'custom', path: ['parts'], message: `the parts hold ${bytes} bytes, the output ${declaration.output.bytes}` });
  if (records !== declaration.output.records) ctx.addIssue({ code: 'custom', path: ['parts'], message: `the parts hold ${records} records, the output ${declaration.output.records}` });
}

interface SplitPartFields {
  readonly start: number;
  readonly end: number;
  readonly records: number;
  readonly bytes: number;
}

export const DeclarationBodySchema = z.strictObject(declarationFields).superRefine(partsAddUp);
export const ReceiptBodySchema = z.strictObject(receiptFields).superRefine(receiptErrorMatchesStatus);
export const NoticeBodySchema = z.strictObject(noticeFields);
export const SuppressionBodySchema = z.strictObject(suppressionFields);
export const ErasureBodySchema = z.strictObject(erasureFields);
export const LedgerBodySchema = z.discriminatedUnion('kind', [DeclarationBodySchema, ReceiptBodySchema, NoticeBodySchema, SuppressionBodySchema, ErasureBodySchema]);

export const DeclarationEntrySchema = z.strictObject({ ...declarationFields, ...chainFields }).superRefine(partsAddUp);
export const ReceiptEntrySchema = z.strictObject({ ...receiptFields, ...chainFields }).superRefine(receiptErrorMatchesStatus);
export const NoticeEntrySchema = z.strictObject({ ...noticeFields, ...chainFields });
export const SuppressionEntrySchema = z.strictObject({ ...suppressionFields, ...chainFields });
export const ErasureEntrySchema = z.strictObject({ ...erasureFields, ...chainFields });
export const LedgerEntrySchema = z.discriminatedUnion('kind', [DeclarationEntrySchema, ReceiptEntrySchema, NoticeEntrySchema, SuppressionEntrySchema, ErasureEntrySchema]);

export type DeclarationBody = z.infer<typeof DeclarationBodySchema>;
export type ReceiptBody = z.infer<typeof ReceiptBodySchema>;
export type NoticeBody = z.infer<typeof NoticeBodySchema>;
export type SuppressionBody = z.infer<typeof SuppressionBodySchema>;
export type ErasureBody = z.infer<typeof ErasureBodySchema>;
export type LedgerBody = DeclarationBody | ReceiptBody | NoticeBody | SuppressionBody | ErasureBody;
export type DeclarationEntry = z.infer<typeof DeclarationEntrySchema>;
export type ReceiptEntry = z.infer<typeof ReceiptEntrySchema>;
export type NoticeEntry = z.infer<typeof NoticeEntrySchema>;
export type SuppressionEntry = z.infer<typeof SuppressionEntrySchema>;
export type ErasureEntry = z.infer<typeof ErasureEntrySchema>;
export type LedgerEntry = DeclarationEntry | ReceiptEntry | NoticeEntry | SuppressionEntry | ErasureEntry;

/** The latest entry of the chain: what the next entry links to. */
export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

/** One line naming the first field that is off, e.g. `counts.out: must not be negative`. */
export function describeFirstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const field = issue.path.map(String).join('.') || '(entry)';
  if (issue.code === 'unrecognized_keys') {
    return `${field === '(entry)' ? '' : `${field}: `}unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${field}: ${issue.message}`;
}
