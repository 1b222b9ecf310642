import { exemptionOf, isPurpose } from '../core/assessment/purposes';
import type { DesensitizePlan } from '../core/desensitize';
import { declarationDifferences, declarationIdentity, type DeclarationBody, type DeclarationEntry } from '../core/ledger';
import { desensitizeJsonl, scanJsonl } from '../core/records';
import { Inventory } from '../core/scan';
import { suppressBytesForPlans } from '../core/suppression';
import { releaseMetadata, type DeclarationRef } from '../shared/released-output';
import { ruleIsActive } from './environment';

/** A raw object version. The version is resolved before anything is keyed on it (see handler.ts). */
export interface SourceVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

/** What a pre-transfer declaration says about one batch; the ledger adds the time, seq and hashes. */
export type TransferDeclaration = Omit<DeclarationBody, 'kind' | 'declaredAt'>;

/** An output written where delivery does not act on it, as the store saw it written. */
export interface StagedOutput {
  readonly key: string;
  readonly versionId?: string;
  /** Lowercase hex SHA-256 of the bytes written. */
  readonly sha256: string;
  readonly bytes: number;
}

/** The I/O the transfer needs; the handler supplies SDK-backed implementations (s3-ports.ts), tests supply fakes. */
export interface TransferPorts {
  /** Reads exactly this version of a raw object, undecoded: the core decodes strictly (a line that is not UTF-8 is quarantined). */
  readBytes(source: SourceVersion): Promise<Uint8Array>;
  /** Writes the quarantine record of a rule's refused lines in the raw bucket (home region; a retry rewrites the same record). */
  putQuarantine(target: { bucket: string; key: string; body: string; rule: string }): Promise<void>;
  /** Writes an output under the staging prefix, where nothing delivers it; a retry may write it again. */
  stageOutput(target: { key: string; body: string }): Promise<StagedOutput>;
  /**
   * Records the declaration, or returns the one the ledger already holds for the same transfer (an
   * earlier try of this one, or the live and the backfill path meeting); never a second.
   */
  declare(body: TransferDeclaration): Promise<{ entry: DeclarationEntry; resumed: boolean }>;
  /**
   * Makes the staged output deliverable under its outbound key, once (write-once); succeeds without
   * writing when an earlier try released this declaration's output, fails on any other object there.
   */
  releaseOutput(release: { staged: StagedOutput; key: string; metadata: Record<string, string>; declaration: DeclarationRef & { sha256: string } }): Promise<void>;
  /** Records distinct subjects (by token) and returns the distinct total for the exporter, year and kind. */
  countSubjects(input: { exporter: string; year: number; kind: 'personal' | 'sensitive'; tokens: readonly string[] }): Promise<number>;
  /** Tokens of subjects whose records must not leave (the suppression list); read for every object. */
  suppressionTokens?(): Promise<readonly string[]>;
}

export interface TransferSettings {
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  readonly stagingPrefix: string;
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
      /** True when the declaration was found from an earlier try (or the other path) rather than made now. */
      readonly resumed?: boolean;
      readonly distinctSubjects?: number;
    };

/** A retry would release something other than what the ledger declared for this transfer. */
export class DeclarationConflictError extends Error {
  constructor(identity: string, seq: number, fields: readonly string[]) {
    super(
      `transfer ${identity} is already declared (seq ${seq}) with other ${fields.join(', ')}: refusing to release an output that differs ` +
        'from its declaration (was the source rewritten in an unversioned bucket, or did the rule change without a new version?)',
    );
    this.name = 'DeclarationConflictError';
  }
}

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
 * A raw key relative to the raw prefix, with the object's version as a folder before the file name:
 * `source=pos/date=2026-06-01/batch-1.jsonl` version `3HL4` → `source=pos/date=2026-06-01/version=3HL4/batch-1.jsonl`.
 * Two versions of one key never share an output, and the key stays recoverable (drop that folder).
 */
export function versionedPath(relativeKey: string, versionId: string): string {
  const slash = relativeKey.lastIndexOf('/');
  const version = `version=${encodeURIComponent(versionId)}/`;
  return `${relativeKey.slice(0, slash + 1)}${version}${relativeKey.slice(slash + 1)}`;
}

/**
 * Transfers one raw object version under every active rule. Per rule, in this order, so that a
 * crash at any point resumes to the same end state (docs/ledger.md walks through each point):
 *   1. desensitize (pure, deterministic: a retry computes the same output);
 *   2. record quarantined lines by reference (never a copy: the raw object stays the only copy, and
 *      a card security code must never be copied anywhere);
 *   3. stage the output where delivery does not act on it, learning its SHA-256 and size;
 *   4. count distinct subjects for non-exempt purposes (before anything leaves: a count never trails);
 *   5. declare, or find the declaration of the same transfer and check it declares these bytes;
 *   6. release the staged output under its outbound key (write-once), which delivery acts on.
 */
export async function transferObject(
  source: SourceVersion,
  plans: readonly DesensitizePlan[],
  settings: TransferSettings,
  ports: TransferPorts,
  now: Date,
): Promise<RuleOutcome[]> {
  if (!source.key.startsWith(settings.rawPrefix)) {
    throw new Error(`object ${source.key} is not under the raw prefix ${settings.rawPrefix}; refusing to transfer it`);
  }
  const active = plans.filter((plan) => ruleIsActive(plan.rule, now));
  const outcomes: RuleOutcome[] = plans
    .filter((plan) => !active.includes(plan))
    .map((plan) => ({ rule: `${plan.rule.id}@${plan.rule.version}`, status: 'rule_inactive' as const }));
  if (active.length === 0) return outcomes;

  // Subjects on the suppression list are withheld before any rule sees the batch (fail closed: a
  // list that cannot be read fails the transfer).
  const { bytes, suppressed } = suppressBytesForPlans(await ports.readBytes(source), active, await ports.suppressionTokens?.());
  const inventory = new Inventory();
  scanJsonl(bytes, inventory);
  const categories: Record<string, number> = {};
  for (const field of inventory.report().fields) {
    for (const [category, count] of Object.entries(field.categories)) categories[category] = (categories[category] ?? 0) + count;
  }
  const path = versionedPath(source.key.slice(settings.rawPrefix.length), source.versionId);

  for (const plan of active) {
    const { rule } = plan;
    const ruleName = `${rule.id}@${rule.version}`;
    const batch = desensitizeJsonl(bytes, plan);
    const quarantined = batch.quarantine.length;
    if (quarantined > 0) {
      await ports.putQuarantine({
        bucket: source.bucket,
        key: `${settings.quarantinePrefix}${rule.id}/v${rule.version}/${path}.json`,
        body: JSON.stringify({ source, rule: ruleName, entries: batch.quarantine }),
        rule: ruleName,
      });
    }
    const base = { rule: ruleName, read: batch.read + suppressed, written: batch.written, quarantined, suppressed, safetyNetRedactions: batch.counts.safetyNetRedactions };
    if (batch.written === 0) {
      outcomes.push({ ...base, status: 'nothing_to_send' });
      continue;
    }
    const destinationPath = `${rule.destination.region}/${rule.id}/v${rule.version}/${path}`;
    const outputKey = `${settings.outboundPrefix}${destinationPath}`;
    const staged = await ports.stageOutput({ key: `${settings.stagingPrefix}${destinationPath}`, body: batch.output });

    let distinctSubjects: number | undefined;
    const subject = subjectPath(plan);
    // Exempt purposes (e.g. contract necessity) do not count towards the CAC thresholds; an unknown
    // purpose counts (fail closed).
    const counted = !isPurpose(rule.purpose) || exemptionOf(rule.purpose) === null;
    if (subject && counted) {
      distinctSubjects = await ports.countSubjects({
        exporter: settings.exporter,
        year: now.getUTCFullYear(),
        // Payment records carry financial accounts: sensitive personal information (PIPL Art. 28).
        kind: 'sensitive',
        tokens: subjectTokens(batch.output, subject),
      });
    }

    const body: TransferDeclaration = {
      rule: { id: rule.id, version: String(rule.version), purpose: rule.purpose, legalBasis: rule.legalBasis },
      destination: rule.destination,
      source,
      output: { bucket: settings.outboundBucket, key: outputKey, sha256: staged.sha256, bytes: staged.bytes, records: batch.written },
      counts: { in: batch.read + suppressed, out: batch.written, quarantined, ...(suppressed > 0 ? { suppressed } : {}) },
      categories,
      safetyNetRedactions: batch.counts.safetyNetRedactions,
      idempotencyKey: declarationIdentity(source, rule),
    };
    const { entry: declaration, resumed } = await ports.declare(body);
    const differing = declarationDifferences(declaration, body);
    if (differing.length > 0) throw new DeclarationConflictError(body.idempotencyKey, declaration.seq, differing);

    await ports.releaseOutput({
      staged,
      key: outputKey,
      metadata: releaseMetadata(ruleName, declaration, staged.sha256),
      declaration: { seq: declaration.seq, hash: declaration.hash, sha256: staged.sha256 },
    });
    // No undefined fields: outcomes are stored as idempotency records, and DynamoDB cannot hold undefined.
    outcomes.push({
      ...base,
      status: 'transferred',
      outputKey,
      declarationSeq: declaration.seq,
      resumed,
      ...(distinctSubjects === undefined ? {} : { distinctSubjects }),
    });
  }
  return outcomes;
}
