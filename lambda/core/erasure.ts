/**
 * Erasure of a subject's records from the home stores: the pure part. An object holding the
 * subject's records is rewritten without them (other people's records stay); an object holding only
 * theirs is deleted; and because the stores are versioned, every earlier version of a touched object
 * is deleted too (a noncurrent version is still a copy). The plan lists each object and version, so
 * what will go is reviewed before anything goes, and its SHA-256 is recorded in the ledger.
 */
import { z } from 'zod';
import { canonicalJson, sha256Hex } from './ledger/canonical';
import { suppressJsonl, type SubjectMatcher } from './suppression';
import { TOKEN_PATTERN } from './suppression-list';

export interface Rewrite {
  /** The object's text without the subject's records; empty when nothing else was in it. */
  readonly text: string;
  readonly recordsRemoved: number;
  /** Records (non-blank lines) that remain. */
  readonly recordsKept: number;
}

/** JSON Lines text without the records of the matcher's subjects (blank lines dropped). */
export function rewriteWithout(text: string, matcher: SubjectMatcher): Rewrite {
  const { text: kept, suppressed } = suppressJsonl(text, matcher);
  const lines = kept.split('\n').filter((line) => line.trim() !== '');
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, recordsRemoved: suppressed, recordsKept: lines.length };
}

const text = z.string().min(1);
export const ErasurePlanSchema = z.strictObject({
  kind: z.literal('erasure-plan'),
  createdAt: z.iso.datetime(),
  tokens: z.array(z.string().regex(TOKEN_PATTERN, 'must be a subject token')).min(1),
  objects: z.array(
    z.strictObject({
      bucket: text,
      key: text,
      action: z.enum(['rewrite', 'delete']),
      recordsRemoved: z.number().int().positive(),
      /** Every version the plan knows of (from an S3 Inventory); the executor lists them again. */
      versions: z.array(z.strictObject({ versionId: text, isLatest: z.boolean(), isDeleteMarker: z.boolean() })),
    }),
  ),
});
export type ErasurePlan = z.infer<typeof ErasurePlanSchema>;

export function planSha256(plan: ErasurePlan): string {
  return sha256Hex(canonicalJson(plan));
}
