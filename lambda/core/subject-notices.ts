/**
 * Passing an opt-out on (Virginia CDPA; CCPA "Do Not Sell or Share"): who received a subject's data,
 * from the ledger's declarations, and the notice each destination region gets when the suppression
 * list changes. A notice carries the token (the recipient holds the same tokens in the data it got),
 * the change and the reason: nothing else about the person.
 */
import { canonicalJson, sha256Hex } from './ledger/canonical';
import type { DeclarationEntry, SuppressionBody } from './ledger/schema';
import type { SuppressionChange } from './suppression-list';

export interface Recipient {
  readonly region: string;
  readonly country: string;
  readonly recipient: string;
}

/** Where the notices wait for delivery, beside the batches of each region. */
export const NOTICE_FOLDER = 'subject-notices/';

/**
 * The recipients that received the subject's data: those of the declarations whose source object
 * held one of the subject's records (`sourcesWithSubject`, as `bucket/key`, from `residency subject
 * find`). Without that set, every recipient the ledger declared a transfer to (conservative: a notice
 * about a token a recipient never saw harms no one; a missed one leaves an opt-out unhonoured).
 */
export function recipientsOf(declarations: readonly DeclarationEntry[], sourcesWithSubject?: ReadonlySet<string>): Recipient[] {
  const found = new Map<string, Recipient>();
  for (const d of declarations) {
    if (sourcesWithSubject !== undefined && !sourcesWithSubject.has(`${d.source.bucket}/${d.source.key}`)) continue;
    const { region, country, recipient } = d.destination;
    found.set(`${region}|${recipient}`, { region, country, recipient });
  }
  return [...found.values()].sort((a, b) => a.region.localeCompare(b.region) || a.recipient.localeCompare(b.recipient));
}

export interface Notice {
  readonly region: string;
  readonly key: string;
  readonly body: string;
  readonly sha256: string;
}

/** One notice per destination region, naming the recipients there. */
export function noticesFor(
  change: SuppressionChange,
  recipients: readonly Recipient[],
  options: { readonly listVersion: number; readonly outboundPrefix: string; readonly declaredAt: string },
): Notice[] {
  const regions = [...new Set(recipients.map((r) => r.region))].sort();
  const tokenRef = sha256Hex(change.entry.token).slice(0, 12);
  return regions.map((region) => {
    const body = canonicalJson({
      kind: 'suppression-notice',
      change: change.change,
      token: change.entry.token,
      reason: change.entry.reason,
      since: change.entry.since,
      listVersion: options.listVersion,
      recipients: recipients.filter((r) => r.region === region).map((r) => r.recipient),
      noticeAt: options.declaredAt,
      instruction:
        change.change === 'added'
          ? 'Stop selling, sharing or processing for this purpose the records carrying this token, and pass this notice on to anyone you gave them to.'
          : 'The subject opted back in: the earlier notice for this token no longer applies.',
    });
    return { region, key: `${options.outboundPrefix}${region}/${NOTICE_FOLDER}v${options.listVersion}-${tokenRef}-${change.change}.json`, body, sha256: sha256Hex(body) };
  });
}

/** The ledger entry declaring one change of the list, with its recipients and notices. */
export function suppressionBody(
  change: SuppressionChange,
  recipients: readonly Recipient[],
  notices: readonly Notice[],
  options: { readonly listVersion: number; readonly declaredAt: string; readonly outboundBucket: string },
): SuppressionBody {
  return {
    kind: 'suppression',
    declaredAt: options.declaredAt,
    change: change.change,
    token: change.entry.token,
    reason: change.entry.reason,
    since: change.entry.since,
    listVersion: options.listVersion,
    recipients: recipients.map((r) => ({ ...r })),
    notices: notices.map((n) => ({ region: n.region, bucket: options.outboundBucket, key: n.key, sha256: n.sha256 })),
  };
}
