/**
 * The subject-requests function, over ports:
 * - a new version of the suppression list (S3 "Object Created" through EventBridge): each change
 *   against the previous version is declared in the ledger (a `suppression` entry, BEFORE anything
 *   is sent), then a notice per destination region is written under the outbound prefix with the
 *   entry's seq and hash, where delivery sends it and writes a receipt, like a batch;
 * - `{ action: 'erase', plan }` (an operator's invocation, the plan from `residency subject erase`):
 *   execute it on the home stores and record an `erasure` entry.
 */
import { ErasurePlanSchema, planSha256, type ErasurePlan } from '../core/erasure';
import type { ErasureBody, SuppressionBody } from '../core/ledger/schema';
import { noticesFor, suppressionBody, type Recipient } from '../core/subject-notices';
import { subjectMatcher } from '../core/suppression';
import { suppressionChanges, type SuppressionList } from '../core/suppression-list';
import type { TokenKey } from '../core/tokens';
import type { StoreTotals } from './erase-objects';

export interface SubjectPorts {
  /** The list at a version, and the version before it (undefined for the first). */
  listVersions(versionId: string): Promise<{ current: SuppressionList; previous?: SuppressionList }>;
  declare(body: SuppressionBody | ErasureBody): Promise<{ seq: number; hash: string }>;
  putNotice(notice: { key: string; body: string; metadata: Record<string, string> }): Promise<void>;
  erase(plan: ErasurePlan, key: TokenKey, tokenFields: ReadonlyArray<Readonly<Record<string, string>>>): Promise<StoreTotals[]>;
  tokenKey(): Promise<TokenKey>;
}

export interface SubjectSettings {
  readonly listBucket: string;
  readonly listKey: string;
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  /** Recipients of the rules in force: told when a list entry names none. */
  readonly ruleRecipients: readonly Recipient[];
  /** `fields` of the rules in force, for matching token fields during erasure. */
  readonly ruleFields: ReadonlyArray<Readonly<Record<string, string>>>;
}

interface ObjectCreated {
  readonly 'detail-type': 'Object Created';
  readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly 'version-id'?: string } };
}

export type SubjectOutcome =
  | { readonly result: 'declared'; readonly seq: number; readonly change: 'added' | 'removed'; readonly notices: number }
  | { readonly result: 'erased'; readonly seq: number; readonly stores: readonly StoreTotals[] };

async function onListVersion(event: ObjectCreated, settings: SubjectSettings, ports: SubjectPorts, now: Date): Promise<SubjectOutcome[]> {
  const { bucket, object } = event.detail;
  if (bucket.name !== settings.listBucket || object.key !== settings.listKey) throw new Error(`not the suppression list: s3://${bucket.name}/${object.key}`);
  if (!object['version-id']) throw new Error('the suppression list bucket must be versioned: the event names no version');
  const { current, previous } = await ports.listVersions(object['version-id']);
  if (previous !== undefined && current.version <= previous.version) {
    throw new Error(`suppression list version ${current.version} does not follow ${previous.version}: refusing to declare it`);
  }
  const outcomes: SubjectOutcome[] = [];
  for (const change of suppressionChanges(previous, current)) {
    const recipients = change.entry.recipients ?? settings.ruleRecipients;
    const declaredAt = now.toISOString();
    const notices = noticesFor(change, recipients, { listVersion: current.version, outboundPrefix: settings.outboundPrefix, declaredAt });
    const entry = await ports.declare(suppressionBody(change, recipients, notices, { listVersion: current.version, declaredAt, outboundBucket: settings.outboundBucket }));
    for (const notice of notices) {
      await ports.putNotice({ key: notice.key, body: notice.body, metadata: { 'declaration-seq': String(entry.seq), 'declaration-hash': entry.hash, sha256: notice.sha256 } });
    }
    outcomes.push({ result: 'declared', seq: entry.seq, change: change.change, notices: notices.length });
  }
  return outcomes;
}

async function onErase(request: { plan: unknown }, settings: SubjectSettings, ports: SubjectPorts, now: Date): Promise<SubjectOutcome[]> {
  const parsed = ErasurePlanSchema.safeParse(request.plan);
  if (!parsed.success) throw new Error(`erasure plan refused: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const plan = parsed.data;
  const key = await ports.tokenKey();
  const stores = await ports.erase(plan, key, settings.ruleFields);
  const body: ErasureBody = { kind: 'erasure', erasedAt: now.toISOString(), token: plan.tokens[0], planSha256: planSha256(plan), stores };
  const entry = await ports.declare(body);
  return [{ result: 'erased', seq: entry.seq, stores }];
}

export async function respondToSubjects(event: unknown, settings: SubjectSettings, ports: SubjectPorts, now: Date): Promise<SubjectOutcome[]> {
  if (typeof event === 'object' && event !== null && (event as { action?: string }).action === 'erase') return onErase(event as { plan: unknown }, settings, ports, now);
  if (typeof event === 'object' && event !== null && (event as ObjectCreated)['detail-type'] === 'Object Created') return onListVersion(event as ObjectCreated, settings, ports, now);
  throw new Error(`unsupported event: ${JSON.stringify(event).slice(0, 120)}`);
}

/** The matcher erasure uses: the plan's tokens, the rules' token fields. */
export function erasureMatcher(plan: ErasurePlan, key: TokenKey, ruleFields: ReadonlyArray<Readonly<Record<string, string>>>) {
  return subjectMatcher({ key, tokens: plan.tokens, rules: ruleFields.map((fields) => ({ fields })) });
}
