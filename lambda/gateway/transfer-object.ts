import { createHmac } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { exemptionOf, isPurpose } from '../core/assessment/purposes';
import type { DesensitizePlan } from '../core/desensitize';
import { recordBatches, runOrdered } from '../core/batch-stream';
import { planSplit } from '../core/split-plan';
import { declarationDifferences, declarationIdentity, type DeclarationBody, type DeclarationEntry } from '../core/ledger';
import { Inventory, type InventorySnapshot } from '../core/scan';
import { addCounts, emptyCounts } from '../core/transforms';
import { batchPool, type BatchPool } from '../shared/batch-pool';
import type { OutputSink, WrittenObject } from '../shared/multipart-output';
import { releaseMetadata, type DeclarationRef } from '../shared/released-output';
import { ruleIsActive } from './environment';
import { ReadCounter, RESERVE_MS, type SplitJob, type SplitSettings, TimeBudgetExceeded, timeBudget } from './hand-over';

export { RESERVE_MS, type SplitJob, type SplitSettings, TimeBudgetExceeded } from './hand-over';
import { ruleBatchRunner, ruleBatchTask, type RuleBatch, type RuleBatchOutcome } from './rule-batch';

/** A raw object version. The version is resolved before anything is keyed on it (see handler.ts). */
export interface SourceVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

/** What a pre-transfer declaration says about one batch; the ledger adds the time, seq and hashes. */
export type TransferDeclaration = Omit<DeclarationBody, 'kind' | 'declaredAt'>;

/** An output written where delivery does not act on it, as the store saw it written (hex SHA-256 of the whole object). */
export type StagedOutput = WrittenObject;

/** A raw object's bytes as a stream, and how large the whole object is. */
export interface SourceStream {
  /** Size of the whole object in bytes (not of the range read). */
  readonly size: number;
  readonly chunks: AsyncIterable<Uint8Array>;
}

/** The I/O the transfer needs; the handler supplies SDK-backed implementations (s3-ports.ts), tests supply fakes. */
export interface TransferPorts {
  /**
   * Reads exactly this version of a raw object as a stream, undecoded (the core decodes each line
   * strictly: a line that is not UTF-8 is quarantined), from byte `from` to the end when given.
   */
  readObject(source: SourceVersion, from?: number): Promise<SourceStream>;
  /** Streams the quarantine record of a rule's refused lines into the raw bucket (home region; a retry rewrites it). */
  openQuarantine(target: { bucket: string; key: string; rule: string }): OutputSink;
  /** Streams an output under the staging prefix, where nothing delivers it; a retry may write it again. */
  openStaged(key: string): OutputSink;
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
  /** Writes the by-reference record of an object that cannot be processed (home region; a retry rewrites it). */
  refuseObject(target: { bucket: string; key: string; body: string }): Promise<void>;
  /**
   * Hands an object too large for one invocation to the split state machine, once per object version
   * and rule versions (a second hand-over finds the first execution). Absent: nothing is split.
   */
  startSplit?(job: SplitJob): Promise<{ readonly execution: string; readonly alreadyStarted: boolean }>;
}

export interface TransferSettings extends ThreadSettings {
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  readonly stagingPrefix: string;
  readonly rawPrefix: string;
  readonly quarantinePrefix: string;
  readonly exporter: string;
  /**
   * Largest raw object transferred; a larger one is quarantined by reference (config `maxRawObjectBytes`).
   * @default no ceiling
   */
  readonly maxObjectBytes?: number;
  /**
   * Objects too large for one invocation go to the split state machine (with `startSplit`): a larger
   * object than `objectBytes` at once (config `splitObjectBytes`), and one the time budget shows
   * would not finish, once it has stopped cleanly.
   * @default nothing is split
   */
  readonly split?: SplitSettings;
}

/** Why a whole object was not processed. */
export type ObjectRefusalReason = 'unsupported_format' | 'too_large';

/** Key endings of the format the gateway reads: JSON Lines. */
export const JSON_LINES_EXTENSIONS: readonly string[] = ['.jsonl', '.ndjson'];

/** An object the gateway cannot process: data, not a bug, so it is quarantined by reference, not retried into the dead-letter queue. */
export class UnprocessableObjectError extends Error {
  constructor(
    readonly reason: ObjectRefusalReason,
    readonly detail: string,
  ) {
    super(`object refused (${reason}): ${detail}`);
    this.name = 'UnprocessableObjectError';
  }
}

export type RuleOutcome =
  | { readonly rule: string; readonly status: 'rule_inactive' }
  | { readonly rule: string; readonly status: 'split'; readonly parts: number; readonly execution: string; readonly reason: 'size' | 'time_budget' }
  | { readonly rule: string; readonly status: 'object_quarantined'; readonly reason: ObjectRefusalReason; readonly reference: string }
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

/** Where a rule's output for a raw path goes, below the staging and the outbound prefix. */
export function destinationPathOf(plan: DesensitizePlan, path: string): string {
  return `${plan.rule.destination.region}/${plan.rule.id}/v${plan.rule.version}/${path}`;
}

/** Distinct subject tokens held before they are recorded (bounds memory on objects of millions of subjects). */
const TOKENS_PER_COUNT = 10_000;

/**
 * The work of one rule over a stream of batches: sinks opened when the first byte for them comes.
 * The quarantine record is one JSON document (`{source, rule, entries: [...]}`), or for a part of a
 * split object its entries alone, one per line, numbered from the part's first line (the assembly
 * renumbers them from the object's first line and writes the one document).
 */
export class RuleStream {
  read = 0;
  written = 0;
  quarantined = 0;
  /** Records withheld by the suppression list (counted in `read`). */
  suppressed = 0;
  readonly counts = emptyCounts();
  private output: OutputSink | undefined;
  private quarantine: OutputSink | undefined;
  /** The quarantine record as written, once `finish` completed it. */
  quarantineRecord: StagedOutput | undefined;
  /** The staged output as written, once `finish` completed it (undefined when nothing was written). */
  stagedOutput: StagedOutput | undefined;
  private readonly tokens = new Set<string>();
  /** Where the written records hold the subject's token; undefined when subjects are not counted. */
  readonly subject: string[] | undefined;
  distinctSubjects: number | undefined;

  constructor(
    readonly plan: DesensitizePlan,
    private readonly io: {
      readonly stagedKey: string;
      readonly quarantine: { bucket: string; key: string; rule: string; header: Record<string, unknown> };
      /** Entries one per line, without the document around them (a part of a split object). @default false */
      readonly entriesOnly?: boolean;
      readonly ports: TransferPorts;
      readonly countSubjects?: (tokens: readonly string[]) => Promise<number>;
    },
  ) {
    // Exempt purposes (e.g. contract necessity) do not count towards the CAC thresholds; an unknown
    // purpose counts (fail closed).
    const counted = !isPurpose(plan.rule.purpose) || exemptionOf(plan.rule.purpose) === null;
    this.subject = counted && io.countSubjects !== undefined ? subjectPath(plan) : undefined;
  }

  get ruleName(): string {
    return `${this.plan.rule.id}@${this.plan.rule.version}`;
  }

  async add(batch: RuleBatch, linesBefore: number, suppressed: number): Promise<void> {
    this.read += batch.read + suppressed;
    this.suppressed += suppressed;
    this.written += batch.written;
    addCounts(this.counts, batch.counts);
    if (batch.quarantine.length > 0) {
      const entriesOnly = this.io.entriesOnly === true;
      if (this.quarantine === undefined) {
        this.quarantine = this.io.ports.openQuarantine(this.io.quarantine);
        if (!entriesOnly) await this.quarantine.write(`${JSON.stringify(this.io.quarantine.header).slice(0, -1)},"entries":[`);
      }
      let lines = '';
      for (const entry of batch.quarantine) {
        const numbered = JSON.stringify({ ...entry, line: linesBefore + entry.line });
        lines += entriesOnly ? `${numbered}\n` : `${this.quarantined === 0 ? '' : ','}${numbered}`;
        this.quarantined++;
      }
      await this.quarantine.write(lines);
    }
    if (batch.written > 0) {
      this.output ??= this.io.ports.openStaged(this.io.stagedKey);
      await this.output.write(batch.output);
      if (batch.subjects !== undefined) {
        // Collected by the desensitizer from each record it wrote: the output is not read back.
        for (const token of batch.subjects) this.tokens.add(token);
        if (this.tokens.size >= TOKENS_PER_COUNT) await this.flushTokens();
      }
    }
  }

  private async flushTokens(): Promise<void> {
    if (this.io.countSubjects === undefined) return;
    const tokens = [...this.tokens];
    this.tokens.clear();
    this.distinctSubjects = await this.io.countSubjects(tokens);
  }

  /**
   * Completes the quarantine record, then the staged output, then records the last subjects: all
   * before anything is declared (a count never trails a transfer). Undefined when nothing was written.
   */
  async finish(): Promise<StagedOutput | undefined> {
    if (this.quarantine !== undefined) {
      if (this.io.entriesOnly !== true) await this.quarantine.write(']}');
      this.quarantineRecord = await this.quarantine.complete();
    }
    if (this.output === undefined) return undefined;
    const staged = await this.output.complete();
    this.stagedOutput = staged;
    if (this.subject !== undefined) await this.flushTokens();
    return staged;
  }

  /** Makes sure nothing half-written is left as an object (after a failure, or when the work is split). */
  async abort(): Promise<void> {
    await Promise.allSettled([this.output?.abort(), this.quarantine?.abort()]);
  }
}

/** Per-category record counts of an inventory, as the declaration records them, by category name. */
export function categoriesOf(inventory: Inventory): Record<string, number> {
  const categories: Record<string, number> = {};
  for (const field of inventory.report().fields) {
    for (const [category, count] of Object.entries(field.categories)) categories[category] = (categories[category] ?? 0) + count;
  }
  // In category order: the same declaration whatever order the threads' inventories were merged in.
  return Object.fromEntries(Object.entries(categories).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Batches in flight per thread: one worked on while the one before it is written. */
const IN_FLIGHT_PER_THREAD = 2;

/** The worker threads' entry, bundled next to the handler (`gateway-worker.js`), or its source when run from TypeScript. */
export const GATEWAY_WORKER_ENTRY = join(__dirname, `gateway-worker${extname(__filename)}`);

/**
 * Heap limits of a gateway worker. Its live data is small (the compiled rules, its part of the
 * inventory, the batch at hand), so a small young generation and a 128 MB old one make V8 collect
 * early instead of growing: on the bench's 1 GB object the process peaks ~90 MB lower for ~5% more
 * CPU. A worker that would need more fails the transfer (fail closed), it does not swap.
 */
export const GATEWAY_WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } as const;

/** How the batches of one object are cut and worked on. */
export interface ThreadSettings {
  /**
   * Threads that desensitize batches: 1 runs them in the handler's thread; more start that many
   * worker threads for the object (its first batch runs in this thread while they start, so an
   * object of one batch never starts them).
   * @default os.availableParallelism()
   */
  readonly threads?: number;
  /**
   * The worker threads' entry file.
   * @default GATEWAY_WORKER_ENTRY
   */
  readonly workerEntry?: string;
  /**
   * Target size of one batch of records, in bytes.
   * @default BATCH_BYTES (1 MiB)
   */
  readonly batchBytes?: number;
}

/**
 * Streams record batches through every rule: the suppression filter once per batch before any rule
 * sees it, then one pass that reads each remaining line once for the inventory (what the declaration
 * says was in the object) and every rule's desensitizer, into that rule's sinks. Suppressed records
 * are not in the inventory: they are withheld before anything reads them, and counted as suppressed.
 * Shares the pipeline (lambda/core/batch-stream.ts) and the worker pool (lambda/shared/batch-pool.ts)
 * with the CLI: batches go to the threads in turn and come back in input order, each worker's
 * inventory merged into `inventory` at the end, so the output is the same whatever the thread count.
 * A worker that fails or dies fails the stream (fail closed); the workers are stopped either way.
 * `checkpoint` is called between batches (the time budget); it throws to stop.
 * Returns the lines counted (the numbering of quarantine entries: a part's count offsets the next part's).
 */
export async function streamRules(
  batches: AsyncIterable<Uint8Array>,
  rules: readonly RuleStream[],
  options: ThreadSettings & { readonly suppressionTokens?: readonly string[]; readonly inventory: Inventory; readonly checkpoint?: () => void },
): Promise<{ readonly lines: number }> {
  const plans = rules.map((r) => (r.subject === undefined ? { plan: r.plan } : { plan: r.plan, subjectPath: r.subject }));
  const threads = options.threads ?? availableParallelism();
  if (!Number.isSafeInteger(threads) || threads < 1) throw new Error(`the gateway needs at least 1 thread, got ${threads}`);
  const here = ruleBatchRunner(plans, options.suppressionTokens, options.inventory);
  let pool: BatchPool<RuleBatchOutcome, InventorySnapshot> | undefined;
  const startPool = (): BatchPool<RuleBatchOutcome, InventorySnapshot> =>
    batchPool({
      entry: options.workerEntry ?? GATEWAY_WORKER_ENTRY,
      workerData: ruleBatchTask(plans, options.suppressionTokens),
      workers: threads,
      resourceLimits: GATEWAY_WORKER_LIMITS,
    });
  let linesBefore = 0;
  let started = 0;
  try {
    await runOrdered({
      batches,
      inFlight: IN_FLIGHT_PER_THREAD * threads,
      run: async (raw) => {
        if (threads === 1 || started++ === 0) return here.run(raw);
        pool ??= startPool();
        return pool.run(raw);
      },
      onOutcome: async ({ suppressed, lines, results }) => {
        for (const [i, rule] of rules.entries()) await rule.add(results[i] as RuleBatch, linesBefore, suppressed);
        linesBefore += lines;
        options.checkpoint?.();
      },
    });
    if (pool !== undefined) for (const snapshot of await pool.summaries()) options.inventory.absorb(snapshot);
  } finally {
    await pool?.close();
  }
  return { lines: linesBefore };
}

/** Stops reading a body that will not be used (a stream left open holds its connection). */
export function drain(chunks: AsyncIterable<Uint8Array>): void {
  const stream = chunks as { destroy?: () => void };
  if (typeof stream.destroy === 'function') stream.destroy();
}

/**
 * What can be said of an object without reading its records: the format by the key's ending, the
 * size against the ceiling. Undefined when it may be processed.
 */
export function refusalOf(source: SourceVersion, size: number, settings: TransferSettings): UnprocessableObjectError | undefined {
  const name = source.key.slice(source.key.lastIndexOf('/') + 1).toLowerCase();
  if (!JSON_LINES_EXTENSIONS.some((extension) => name.endsWith(extension))) {
    return new UnprocessableObjectError('unsupported_format', `the gateway reads JSON Lines (keys ending ${JSON_LINES_EXTENSIONS.join(' or ')}); this object's key ends otherwise`);
  }
  if (settings.maxObjectBytes !== undefined && size > settings.maxObjectBytes) {
    return new UnprocessableObjectError('too_large', `${size} bytes, over the configured ceiling of ${settings.maxObjectBytes} bytes (maxRawObjectBytes)`);
  }
  return undefined;
}

/** Refuses a stream that is compressed (gzip), whatever its key says: the core would quarantine every line of it as not UTF-8. */
export async function* plainText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of chunks) {
    if (first && chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
      throw new UnprocessableObjectError('unsupported_format', 'the object is gzip-compressed; the gateway reads uncompressed JSON Lines');
    }
    if (chunk.length > 0) first = false;
    yield chunk;
  }
}

/**
 * The object's key as the refusal names it: an HMAC under the deployment's token key, since a raw key
 * may hold an identifier (a file named after a customer). The operator finds the object by computing
 * the same HMAC of a candidate key, or by its version id.
 */
export function keyReference(plan: DesensitizePlan, key: string): string {
  return createHmac('sha256', plan.tokenKey.key).update(`object-key:${key}`).digest('hex');
}

/**
 * Quarantines a whole object by reference: bucket, HMAC of the key, version, size and reason; never
 * its contents or its key. One outcome per active rule, for the handler to raise the alarm with.
 */
async function refuseObject(
  source: SourceVersion,
  size: number,
  refusal: UnprocessableObjectError,
  active: readonly DesensitizePlan[],
  settings: TransferSettings,
  ports: TransferPorts,
): Promise<RuleOutcome[]> {
  const reference = keyReference(active[0] as DesensitizePlan, source.key);
  const body = {
    source: { bucket: source.bucket, keyHmacSha256: reference, versionId: source.versionId, size },
    reason: refusal.reason,
    detail: refusal.detail,
    rules: active.map((plan) => `${plan.rule.id}@${plan.rule.version}`),
  };
  await ports.refuseObject({ bucket: source.bucket, key: `${settings.quarantinePrefix}objects/${reference}/${encodeURIComponent(source.versionId)}.json`, body: JSON.stringify(body) });
  return active.map((plan) => ({ rule: `${plan.rule.id}@${plan.rule.version}`, status: 'object_quarantined' as const, reason: refusal.reason, reference }));
}

/** A rule's finished work, as the declaration states it. */
export interface RuleResult {
  readonly plan: DesensitizePlan;
  readonly read: number;
  readonly written: number;
  readonly quarantined: number;
  readonly suppressed: number;
  readonly safetyNetRedactions: number;
  readonly distinctSubjects?: number;
}

/**
 * Declares a staged output (or finds the declaration of the same transfer and checks it declares
 * these bytes), then releases it under its outbound key. Shared by the object done whole and the
 * assembled split object; `parts` lists the split's parts.
 */
export async function declareAndRelease(input: {
  readonly source: SourceVersion;
  readonly result: RuleResult;
  readonly staged: StagedOutput | undefined;
  readonly categories: Record<string, number>;
  readonly path: string;
  readonly settings: TransferSettings;
  readonly ports: TransferPorts;
  readonly parts?: DeclarationBody['parts'];
}): Promise<RuleOutcome> {
  const { source, result, staged, settings, ports } = input;
  const { plan, suppressed } = result;
  const { rule } = plan;
  const ruleName = `${rule.id}@${rule.version}`;
  const base = { rule: ruleName, read: result.read, written: result.written, quarantined: result.quarantined, suppressed, safetyNetRedactions: result.safetyNetRedactions };
  if (staged === undefined) return { ...base, status: 'nothing_to_send' };
  const outputKey = `${settings.outboundPrefix}${destinationPathOf(plan, input.path)}`;
  const body: TransferDeclaration = {
    rule: { id: rule.id, version: String(rule.version), purpose: rule.purpose, legalBasis: rule.legalBasis },
    destination: rule.destination,
    source,
    output: { bucket: settings.outboundBucket, key: outputKey, sha256: staged.sha256, bytes: staged.bytes, records: result.written },
    counts: { in: result.read, out: result.written, quarantined: result.quarantined, ...(suppressed > 0 ? { suppressed } : {}) },
    categories: input.categories,
    safetyNetRedactions: result.safetyNetRedactions,
    ...(input.parts === undefined ? {} : { parts: input.parts }),
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
  return {
    ...base,
    status: 'transferred',
    outputKey,
    declarationSeq: declaration.seq,
    resumed,
    ...(result.distinctSubjects === undefined ? {} : { distinctSubjects: result.distinctSubjects }),
  };
}

/**
 * Transfers one raw object version under every active rule. Per rule, in this order, so that a
 * crash at any point resumes to the same end state (docs/ledger.md walks through each point):
 *   1. desensitize the object as a stream of record batches (pure, deterministic: a retry computes
 *      the same output), writing as it goes:
 *      - quarantined lines by reference (line and reason, never a copy: the raw object stays the
 *        only copy, and a card security code must never be copied anywhere), streamed to the raw bucket;
 *      - the output, streamed as a multipart upload under the staging prefix, where delivery does
 *        not act on it, its whole-object SHA-256 computed as it goes;
 *      - distinct subjects for non-exempt purposes, counted in bounded sets as they come;
 *   2. complete the quarantine record and the staged output (an upload that does not complete leaves
 *      no object), and record the last subjects (before anything leaves: a count never trails);
 *   3. declare, or find the declaration of the same transfer and check it declares these bytes;
 *   4. release the staged output under its outbound key (write-once), which delivery acts on.
 * An object too large for one invocation (over the split size, or found by the time budget, which
 * stops the run before anything is complete and aborts what was open) is handed to the split state
 * machine instead (split-object.ts): nothing is declared here for it.
 */
export async function transferObject(
  source: SourceVersion,
  plans: readonly DesensitizePlan[],
  settings: TransferSettings,
  ports: TransferPorts,
  now: Date,
  options: { readonly remainingMs?: () => number } = {},
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
  const suppressionTokens = await ports.suppressionTokens?.();
  const path = versionedPath(source.key.slice(settings.rawPrefix.length), source.versionId);
  const rules = active.map((plan) => {
    const { rule } = plan;
    const ruleName = `${rule.id}@${rule.version}`;
    return new RuleStream(plan, {
      stagedKey: `${settings.stagingPrefix}${destinationPathOf(plan, path)}`,
      quarantine: { bucket: source.bucket, key: `${settings.quarantinePrefix}${rule.id}/v${rule.version}/${path}.json`, rule: ruleName, header: { source, rule: ruleName } },
      ports,
      countSubjects: (tokens) => ports.countSubjects({ exporter: settings.exporter, year: now.getUTCFullYear(), kind: 'sensitive', tokens }),
    });
  });
  const inventory = new Inventory();
  const object = await ports.readObject(source);
  const refused = refusalOf(source, object.size, settings);
  if (refused !== undefined) {
    drain(object.chunks);
    return [...outcomes, ...(await refuseObject(source, object.size, refused, active, settings, ports))];
  }
  const split = settings.split !== undefined && ports.startSplit !== undefined ? { ...settings.split, start: ports.startSplit.bind(ports) } : undefined;
  const handOver = async (to: NonNullable<typeof split>, partBytes: number, reason: 'size' | 'time_budget'): Promise<RuleOutcome[]> => {
    const plan = planSplit(object.size, partBytes);
    const { execution } = await to.start({ source, plan, rules: to.rules, at: now.toISOString() });
    return [...outcomes, ...active.map((p) => ({ rule: `${p.rule.id}@${p.rule.version}`, status: 'split' as const, parts: plan.ranges.length, execution, reason }))];
  };
  const chunks = plainText(object.chunks);
  if (split !== undefined && object.size > split.objectBytes) {
    // Too large at once: only the first bytes are read (a gzip object is refused here, not in a part).
    try {
      await chunks.next();
    } catch (err) {
      if (err instanceof UnprocessableObjectError) return [...outcomes, ...(await refuseObject(source, object.size, err, active, settings, ports))];
      throw err;
    } finally {
      drain(object.chunks);
    }
    return handOver(split, split.objectBytes, 'size');
  }
  const counter = new ReadCounter();
  const checkpoint =
    split !== undefined && options.remainingMs !== undefined ? timeBudget(object.size, counter, options.remainingMs, split.reserveMs ?? RESERVE_MS) : undefined;
  const staged: (StagedOutput | undefined)[] = [];
  try {
    await streamRules(counter.count(recordBatches(chunks, 'jsonl', settings.batchBytes === undefined ? {} : { batchBytes: settings.batchBytes })), rules, {
      ...(suppressionTokens ? { suppressionTokens } : {}),
      ...(settings.threads === undefined ? {} : { threads: settings.threads }),
      ...(settings.workerEntry === undefined ? {} : { workerEntry: settings.workerEntry }),
      inventory,
      ...(checkpoint ? { checkpoint } : {}),
    });
    for (const rule of rules) staged.push(await rule.finish());
  } catch (err) {
    await Promise.all(rules.map((rule) => rule.abort()));
    if (err instanceof UnprocessableObjectError) return [...outcomes, ...(await refuseObject(source, object.size, err, active, settings, ports))];
    if (err instanceof TimeBudgetExceeded && split !== undefined) {
      drain(object.chunks);
      // Parts of at most half the object: this invocation could not do the whole.
      return handOver(split, Math.min(split.objectBytes, Math.ceil(object.size / 2)), 'time_budget');
    }
    throw err;
  }
  const categories = categoriesOf(inventory);

  for (const [i, stream] of rules.entries()) {
    outcomes.push(
      await declareAndRelease({
        source,
        result: {
          plan: stream.plan,
          read: stream.read,
          written: stream.written,
          quarantined: stream.quarantined,
          suppressed: stream.suppressed,
          safetyNetRedactions: stream.counts.safetyNetRedactions,
          ...(stream.distinctSubjects === undefined ? {} : { distinctSubjects: stream.distinctSubjects }),
        },
        staged: staged[i],
        categories,
        path,
        settings,
        ports,
      }),
    );
  }
  return outcomes;
}
