/**
 * Identities: what makes two appends "the same entry", so that the ledger can hold each at most
 * once however often a writer retries. Defined here once; the store enforces them (a conditional
 * claim per identity) and the verifier checks them (no two entries under one identity).
 *
 * - A **declaration** is identified by the transfer: the raw object's version and the rule's
 *   version (`<bucket>/<key>@<versionId>#<rule id>@<rule version>`). The live event and the
 *   backfill of one object version therefore share it; two versions of one key do not.
 * - A **delivery** is the declared output going to its destination by one method
 *   (`<declaration seq>/<method>/<region>`). It reaches one final state (`delivered` or `failed`)
 *   once; `retrying` receipts before it are interim, one per notification.
 * - A **notice** is one notification that arrived after the final state, once per notification.
 */
import { canonicalJson } from './canonical';
import { FINAL_STATUSES, type DeclarationBody, type LedgerBody, type ReceiptStatus } from './schema';

/** S3's version id of an object written while the bucket was not versioned. */
export const NULL_VERSION_ID = 'null';

export interface SourceVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export interface RuleVersion {
  readonly id: string;
  readonly version: string | number;
}

/** The transfer identity a declaration carries as `idempotencyKey`. */
export function declarationIdentity(source: SourceVersion, rule: RuleVersion): string {
  return `${source.bucket}/${source.key}@${source.versionId ?? NULL_VERSION_ID}#${rule.id}@${rule.version}`;
}

/** The delivery a receipt or notice is about. */
export function deliveryIdentity(entry: {
  readonly declarationSeq: number;
  readonly method: string;
  readonly destination: { readonly region: string };
}): string {
  return `${entry.declarationSeq}/${entry.method}/${entry.destination.region}`;
}

/** The claim identity of a delivery's final receipt, whatever its status: one per delivery. */
export function finalReceiptIdentity(delivery: Parameters<typeof deliveryIdentity>[0]): string {
  return `final-receipt ${deliveryIdentity(delivery)}`;
}

export function isFinalStatus(status: ReceiptStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * The identity the store appends a body under: at most one entry of the ledger per claim identity.
 * A final receipt is claimed per delivery whatever its status, so "delivered" and "failed" cannot
 * both be final; an interim one per delivery and notification.
 */
export function claimIdentityOf(body: LedgerBody): string {
  switch (body.kind) {
    case 'declaration':
      return `declaration ${declarationIdentity(body.source, body.rule)}`;
    case 'receipt':
      return isFinalStatus(body.status)
        ? finalReceiptIdentity(body)
        : `interim-receipt ${deliveryIdentity(body)} ${body.notification ?? ''}`;
    case 'notice':
      return `notice ${deliveryIdentity(body)} ${body.notification}`;
    case 'suppression':
      // One change of one subject per list version: a retry of the same change finds its entry.
      return `suppression v${body.listVersion} ${body.change} ${body.token}`;
    case 'erasure':
      // The executed plan (its hash) is the erasure: recording it twice is one erasure.
      return `erasure ${body.planSha256}`;
  }
}

/** Fields of a declaration that describe what is transferred (everything but when it was declared). */
type DeclaredContent = Omit<DeclarationBody, 'kind' | 'declaredAt'>;

/**
 * The fields in which a recorded declaration (a body or an entry) and a new attempt at the same
 * transfer differ, ignoring when it was declared (a retry keeps the first time), how it was computed (`parts`) and the chain fields. Empty means the retry may continue from the record; a
 * difference (the output's bytes, the counts) means it would release something else than was declared.
 */
export function declarationDifferences(recorded: DeclaredContent, attempted: DeclaredContent): string[] {
  const fields = new Set([...Object.keys(recorded), ...Object.keys(attempted)]);
  // `parts` says how the output was computed (split into byte ranges, or whole): the live path and a
  // split of the same version compute the same bytes, and either may declare first.
  for (const ignored of ['kind', 'declaredAt', 'seq', 'prevHash', 'hash', 'parts']) fields.delete(ignored);
  const differing: string[] = [];
  for (const field of [...fields].sort()) {
    const a = (recorded as Record<string, unknown>)[field];
    const b = (attempted as Record<string, unknown>)[field];
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) differing.push(field);
  }
  return differing;
}
