import { createHash } from 'node:crypto';
import { exemptionOf, isPurpose } from '../core/assessment/purposes';
import type { DesensitizePlan } from '../core/desensitize';
import { desensitizeJsonl, scanJsonl } from '../core/records';
import { Inventory } from '../core/scan';
import { suppressForPlans } from '../core/suppression';
import { ruleIsActive } from './environment';

/** An S3 object version. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** What a pre-transfer declaration says about one batch (the ledger adds seq, hashes and time). */
export interface DeclarationBody {
  readonly rule: { readonly id: string; readonly version: number; readonly purpose: string; readonly legalBasis: string };
  readonly destination: { readonly region: string; readonly country: string; readonly recipient: string };
  readonly source: ObjectRef;
  readonly output: { readonly bucket: string; readonly key: string; readonly sha256: string; readonly bytes: number; readonly records: number };
  /** in = out + quarantined + suppressed. */
  readonly counts: { readonly in: number; readonly out: number; readonly quarantined: number; readonly suppressed?: number };
  readonly categories: Readonly<Record<string, number>>;
  readonly safetyNetRedactions: number;
  readonly idempotencyKey: string;
}

/** The I/O the transfer needs; the handler supplies SDK-backed implementations, tests supply fakes. */
export interface TransferPorts {
  readText(ref: ObjectRef): Promise<{ text: string; versionId?: string }>;
  put(target: { bucket: string; key: string; body: string; metadata: Record<string, string> }): Promise<void>;
  declare(body: DeclarationBody): Promise<{ seq: number; hash: string }>;
  /** Records distinct subjects (by token) and returns the distinct total for the exporter, year and kind. */
  countSubjects(input: { exporter: string; year: number; kind: 'personal' | 'sensitive'; tokens: readonly string[] }): Promise<number>;
  /** Tokens of subjects whose records must not leave (the suppression list); read for every object. */
  suppressionTokens?(): Promise<readonly string[]>;
}

export interface TransferSettings {
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  readonly rawPrefix: string;
  readonly quarantinePrefix: string;
  readonly exporter: string;
}

export type RuleOutcome =
  | { readonly rule: string; readonly status: 'rule_inactive' }
  | {
      readonly rule: string;
      readonly status: 'transferred' | 'nothing_to_send';
      readonly read: number;
      readonly written: number;
      readonly quarantined: number;
      /** Records withheld because a subject in them is on the suppression list. */
      readonly suppressed: number;
      readonly safetyNetRedactions: number;
      readonly outputKey?: string;
      readonly declarationSeq?: number;
      readonly distinctSubjects?: number;
    };

const SHA256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The first field a rule tokenizes identifies the data subject (e.g. the payer's ID number). */
function subjectPath(plan: DesensitizePlan): string[] | undefined {
  const entry = Object.entries(plan.rule.fields).find(([, transform]) => transform === 'token');
  return entry?.[0].split('.');
}

function subjectTokens(output: string, path: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const line of output.split('\n')) {
    if (line === '') continue;
    let value: unknown = JSON.parse(line);
    for (const name of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
    if (typeof value === 'string') tokens.add(value);
  }
  return [...tokens];
}

/**
 * Transfers one raw object under every active rule: desensitize (core), declare (ledger) BEFORE the
 * output reaches the outbound prefix that delivery watches, write the output, record quarantined
 * lines by reference (never a copy of the record: the raw object stays the only copy, and a card
 * security code must never be copied anywhere), and count distinct subjects for non-exempt purposes.
 */
export async function transferObject(
  ref: ObjectRef,
  plans: readonly DesensitizePlan[],
  settings: TransferSettings,
  ports: TransferPorts,
  now: Date,
): Promise<RuleOutcome[]> {
  if (!ref.key.startsWith(settings.rawPrefix)) {
    throw new Error(`object ${ref.key} is not under the raw prefix ${settings.rawPrefix}; refusing to transfer it`);
  }
  const active = plans.filter((plan) => ruleIsActive(plan.rule, now));
  const outcomes: RuleOutcome[] = plans
    .filter((plan) => !active.includes(plan))
    .map((plan) => ({ rule: `${plan.rule.id}@${plan.rule.version}`, status: 'rule_inactive' as const }));
  if (active.length === 0) return outcomes;

  const read = await ports.readText(ref);
  const versionId = read.versionId;
  // Subjects on the suppression list are withheld before any rule sees the batch (fail closed: a
  // list that cannot be read fails the transfer).
  const { text, suppressed } = suppressForPlans(read.text, active, await ports.suppressionTokens?.());
  const source: ObjectRef = { bucket: ref.bucket, key: ref.key, versionId: versionId ?? ref.versionId };
  const inventory = new Inventory();
  scanJsonl(text, inventory);
  const categories: Record<string, number> = {};
  for (const field of inventory.report().fields) {
    for (const [category, count] of Object.entries(field.categories)) categories[category] = (categories[category] ?? 0) + count;
  }
  const relativeKey = ref.key.slice(settings.rawPrefix.length);

  for (const plan of active) {
    const { rule } = plan;
    const ruleName = `${rule.id}@${rule.version}`;
    const batch = desensitizeJsonl(text, plan);
    const quarantined = batch.quarantine.length;
    if (quarantined > 0) {
      await ports.put({
        bucket: ref.bucket,
        key: `${settings.quarantinePrefix}${rule.id}/v${rule.version}/${relativeKey}.json`,
        body: JSON.stringify({ source, rule: ruleName, entries: batch.quarantine }),
        metadata: { rule: ruleName },
      });
    }
    const base = { rule: ruleName, read: batch.read + suppressed, written: batch.written, quarantined, suppressed, safetyNetRedactions: batch.counts.safetyNetRedactions };
    if (batch.written === 0) {
      outcomes.push({ ...base, status: 'nothing_to_send' });
      continue;
    }
    const outputKey = `${settings.outboundPrefix}${rule.destination.region}/${rule.id}/v${rule.version}/${relativeKey}`;
    const sha256 = SHA256(batch.output);
    const declaration = await ports.declare({
      rule: { id: rule.id, version: rule.version, purpose: rule.purpose, legalBasis: rule.legalBasis },
      destination: rule.destination,
      source,
      output: { bucket: settings.outboundBucket, key: outputKey, sha256, bytes: Buffer.byteLength(batch.output), records: batch.written },
      counts: { in: batch.read + suppressed, out: batch.written, quarantined, ...(suppressed > 0 ? { suppressed } : {}) },
      categories,
      safetyNetRedactions: batch.counts.safetyNetRedactions,
      idempotencyKey: `${source.bucket}/${source.key}@${source.versionId ?? 'null'}#${ruleName}`,
    });
    await ports.put({
      bucket: settings.outboundBucket,
      key: outputKey,
      body: batch.output,
      metadata: { rule: ruleName, 'declaration-seq': String(declaration.seq), 'declaration-hash': declaration.hash, sha256 },
    });
    let distinctSubjects: number | undefined;
    const path = subjectPath(plan);
    // Exempt purposes (e.g. contract necessity) do not count towards the CAC thresholds; an unknown
    // purpose counts (fail closed).
    const counted = !isPurpose(rule.purpose) || exemptionOf(rule.purpose) === null;
    if (path && counted) {
      distinctSubjects = await ports.countSubjects({
        exporter: settings.exporter,
        year: now.getUTCFullYear(),
        // Payment records carry financial accounts: sensitive personal information (PIPL Art. 28).
        kind: 'sensitive',
        tokens: subjectTokens(batch.output, path),
      });
    }
    // No undefined fields: outcomes are stored as idempotency records, and DynamoDB cannot hold undefined.
    outcomes.push({
      ...base,
      status: 'transferred',
      outputKey,
      declarationSeq: declaration.seq,
      ...(distinctSubjects === undefined ? {} : { distinctSubjects }),
    });
  }
  return outcomes;
}
