/**
 * Ledger entries about people's rights, chained with the declarations and receipts:
 * - `suppression`: one change of the suppression list (a token added or removed, with its reason),
 *   the recipients that received the subject's data (found from the ledger's declarations), and the
 *   notice sent to each destination region; each notice's delivery gets a receipt, like a batch;
 * - `erasure`: the subject's records removed from the home stores (every version), by a plan whose
 *   hash is recorded.
 * Like every ledger entry they hold tokens and counts only, never an identifier.
 */
import { z } from 'zod';
import { SUPPRESSION_REASONS, TOKEN_PATTERN } from '../suppression-list';
import { count, country, instant, region, sha256, text } from './fields';

const token = z.string().regex(TOKEN_PATTERN, 'must be a subject token (tok_<category>_<43 characters>)');

export const suppressionFields = {
  kind: z.literal('suppression'),
  declaredAt: instant,
  change: z.enum(['added', 'removed']),
  token,
  reason: z.enum(SUPPRESSION_REASONS),
  /** The day the entry took effect on the list. */
  since: z.iso.date('must be a date written YYYY-MM-DD'),
  /** The list version that made the change. */
  listVersion: count,
  /** Who received the subject's data, from the ledger's declarations. */
  recipients: z.array(z.strictObject({ region, country, recipient: text })),
  /** The notice written for each destination region (delivered and receipted like a batch). */
  notices: z.array(z.strictObject({ region, bucket: text, key: text, sha256 })),
};

export const erasureFields = {
  kind: z.literal('erasure'),
  erasedAt: instant,
  token,
  /** SHA-256 of the executed plan (the plan file lists every object version it touched). */
  planSha256: sha256,
  stores: z.array(z.strictObject({ bucket: text, objectsRewritten: count, objectsDeleted: count, versionsDeleted: count, recordsRemoved: count })).min(1),
};
