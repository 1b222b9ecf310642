/**
 * Objects too large for one gateway invocation, in two steps the split state machine runs (design
 * and crash table: docs/ledger.md, "Objects too large for one invocation"):
 *
 * - `transferPart`, once per byte range (the Distributed Map's items): a ranged GET of exactly the
 *   handed-over version, the records whose first byte is in the range (`recordsOfRange`), through the
 *   same pipeline as a whole object (`streamRules`), into one staged part output per rule, the part's
 *   quarantine entries (numbered from the part's first line) in the raw bucket, and last its
 *   **summary**: counts, categories (the inventory), lines, and each output's SHA-256 and size. The
 *   summary is written only after every output of the part is complete: its presence means the part
 *   is done. Subjects are counted as the part goes (before anything is declared).
 * - `assembleSplit`, once every part ran: every summary must be there and name this plan, version
 *   and rules (else no declaration); per rule the part outputs become ONE staged output (UploadPartCopy
 *   where S3's part-size rule allows it, the bytes re-streamed where not), each part read back and
 *   checked against its summary's SHA-256 on the way (the whole-output SHA-256 needs every byte);
 *   the quarantine record is written as one document with the object's line numbers; then declare
 *   once, the parts listed, and release, as for an object done whole.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { recordBatches, recordsOfRange } from '../core/batch-stream';
import type { DesensitizePlan } from '../core/desensitize';
import type { DeclarationBody } from '../core/ledger';
import { Inventory, type InventorySnapshot } from '../core/scan';
import { planProblem } from '../core/split-plan';
import { addCounts, emptyCounts, type TransformCounts } from '../core/transforms';
import { MIN_PART_BYTES, PART_BYTES, type OutputSink, type WrittenObject } from '../shared/multipart-output';
import type { SplitAssembleJob, SplitPartJob } from '../shared/split-events';
import { ruleIsActive } from './environment';
import { copySourceOf } from './s3-ports';
import {
  categoriesOf,
  declareAndRelease,
  destinationPathOf,
  plainText,
  RuleStream,
  streamRules,
  type RuleOutcome,
  type SourceVersion,
  type TransferPorts,
  type TransferSettings,
  versionedPath,
} from './transfer-object';

/** An output assembled from parts: bytes written go through the part buffer, ranges of stored objects are copied. */
export interface AssemblySink extends OutputSink {
  /** Bytes written but not yet sent as a part. */
  readonly pendingBytes: number;
  /** Adds bytes to the whole-object hash only: they reach the object by `copyPart`. */
  hashOnly(bytes: Uint8Array): void;
  copyPart(source: { copySource: string; start: number; end: number }): Promise<void>;
}

/** What the split steps need beyond a whole object's ports (s3-ports.ts supplies them over S3). */
export interface SplitPorts extends TransferPorts {
  /** Reads exactly this version of a stored object (a part output, a part's quarantine entries). */
  readStored(object: { bucket: string; key: string; versionId?: string }): Promise<AsyncIterable<Uint8Array>>;
  /** Writes a part summary under the staging prefix (a retry rewrites it). */
  writeSummary(key: string, body: string): Promise<void>;
  /** Reads a part summary; undefined when there is none. */
  readSummary(key: string): Promise<string | undefined>;
  /** Streams the assembled output under the staging prefix. */
  openAssembly(key: string): AssemblySink;
}

/** A part summary is missing: a part has not run (or not finished). Nothing is declared. */
export class MissingPartError extends Error {
  constructor(index: number, parts: number) {
    super(`part ${index + 1} of ${parts} has no summary: it has not finished; nothing is declared until every part has (redrive the execution)`);
    this.name = 'MissingPartError';
  }
}

/** What a part or the assembly found does not belong to this split (another version, plan, rule set, or changed bytes). */
export class SplitMismatchError extends Error {
  constructor(detail: string) {
    super(`split refused: ${detail}; nothing is declared`);
    this.name = 'SplitMismatchError';
  }
}

const sourceSchema = z.strictObject({ bucket: z.string(), key: z.string(), versionId: z.string() });
const written = z.strictObject({ key: z.string(), versionId: z.string().optional(), sha256: z.string(), bytes: z.number() });
const countsSchema = z.strictObject({
  redactions: z.number(),
  safetyNetRedactions: z.number(),
  tokenized: z.number(),
  masked: z.number(),
  truncated: z.number(),
  transformFallbacks: z.number(),
  shapeRedactions: z.number(),
});
const PartSummarySchema = z.strictObject({
  source: sourceSchema,
  digest: z.string(),
  objectBytes: z.number(),
  index: z.number(),
  range: z.strictObject({ start: z.number(), end: z.number() }),
  rules: z.string(),
  /** Lines the part counted (quarantine entries of the next part are numbered after them). */
  lines: z.number(),
  /** SHA-256 of the suppression list's tokens the part applied: every part must apply the same list. */
  suppression: z.string(),
  inventory: z.custom<InventorySnapshot>((value) => typeof value === 'object' && value !== null && Array.isArray((value as { fields?: unknown }).fields)),
  results: z.array(
    z.strictObject({
      rule: z.string(),
      read: z.number(),
      written: z.number(),
      quarantined: z.number(),
      suppressed: z.number(),
      counts: countsSchema,
      distinctSubjects: z.number().optional(),
      output: written.optional(),
      quarantine: written.optional(),
    }),
  ),
});
type PartSummary = z.infer<typeof PartSummarySchema>;
type PartResult = PartSummary['results'][number];

const ruleNameOf = (plan: DesensitizePlan): string => `${plan.rule.id}@${plan.rule.version}`;
const partName = (index: number): string => `part-${String(index + 1).padStart(5, '0')}`;
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Where a split's pieces go: all under the version's path and the plan (another cut never mixes in). */
function splitPaths(source: SourceVersion, digest: string, settings: TransferSettings) {
  const path = versionedPath(source.key.slice(settings.rawPrefix.length), source.versionId);
  const plan = digest.slice(0, 16);
  return {
    path,
    summary: (index: number) => `${settings.stagingPrefix}parts/${path}/${plan}/${partName(index)}.json`,
    output: (p: DesensitizePlan, index: number) => `${settings.stagingPrefix}parts/${path}/${plan}/${p.rule.id}/v${p.rule.version}/${partName(index)}.jsonl`,
    quarantine: (p: DesensitizePlan, index: number) => `${settings.quarantinePrefix}${p.rule.id}/v${p.rule.version}/${path}.parts/${plan}/${partName(index)}.jsonl`,
    finalQuarantine: (p: DesensitizePlan) => `${settings.quarantinePrefix}${p.rule.id}/v${p.rule.version}/${path}.json`,
    staged: (p: DesensitizePlan) => `${settings.stagingPrefix}${destinationPathOf(p, path)}`,
  };
}

function suppressionDigest(tokens: readonly string[] | undefined): string {
  return createHash('sha256').update([...(tokens ?? [])].sort().join('\n')).digest('hex');
}

function activePlans(plans: readonly DesensitizePlan[], at: string): DesensitizePlan[] {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new SplitMismatchError(`the hand-over instant "${at}" is not a time`);
  return plans.filter((plan) => ruleIsActive(plan.rule, instant));
}

/**
 * Desensitizes one part (byte range) under every rule active at the hand-over, and writes its
 * summary last. A retry rewrites the same bytes.
 */
export async function transferPart(job: SplitPartJob, plans: readonly DesensitizePlan[], settings: TransferSettings, ports: SplitPorts): Promise<{ part: number; lines: number }> {
  const { source, range } = job;
  if (!source.key.startsWith(settings.rawPrefix)) throw new SplitMismatchError(`the object is not under the raw prefix ${settings.rawPrefix}`);
  if (!(range.start >= 0 && range.end > range.start && range.end <= job.objectBytes)) throw new SplitMismatchError(`part ${job.index + 1} is not a range of the object`);
  const paths = splitPaths(source, job.digest, settings);
  const active = activePlans(plans, job.at);
  const year = new Date(job.at).getUTCFullYear();
  const suppressionTokens = await ports.suppressionTokens?.();
  const rules = active.map(
    (plan) =>
      new RuleStream(plan, {
        stagedKey: paths.output(plan, job.index),
        quarantine: { bucket: source.bucket, key: paths.quarantine(plan, job.index), rule: ruleNameOf(plan), header: {} },
        entriesOnly: true,
        ports,
        countSubjects: (tokens) => ports.countSubjects({ exporter: settings.exporter, year, kind: 'sensitive', tokens }),
      }),
  );
  // From the byte before the range: a record starting exactly at `start` is this part's.
  const object = await ports.readObject(source, Math.max(0, range.start - 1));
  if (object.size !== job.objectBytes) throw new SplitMismatchError(`the object version holds ${object.size} bytes, the plan was made for ${job.objectBytes}`);
  const first = range.start === 0;
  const inventory = new Inventory();
  let lines: number;
  try {
    const records = recordsOfRange(first ? plainText(object.chunks) : object.chunks, range);
    const batchOptions = { startOfInput: first, ...(settings.batchBytes === undefined ? {} : { batchBytes: settings.batchBytes }) };
    ({ lines } = await streamRules(recordBatches(records, 'jsonl', batchOptions), rules, {
      ...(suppressionTokens ? { suppressionTokens } : {}),
      ...(settings.threads === undefined ? {} : { threads: settings.threads }),
      ...(settings.workerEntry === undefined ? {} : { workerEntry: settings.workerEntry }),
      inventory,
    }));
    for (const rule of rules) await rule.finish();
  } catch (err) {
    await Promise.all(rules.map((rule) => rule.abort()));
    throw err;
  }
  const summary: PartSummary = {
    source,
    digest: job.digest,
    objectBytes: job.objectBytes,
    index: job.index,
    range,
    rules: job.rules,
    lines,
    suppression: suppressionDigest(suppressionTokens),
    inventory: inventory.snapshot(),
    results: rules.map((rule, i) => {
      const staged = rule.stagedOutput;
      return {
        rule: ruleNameOf(active[i] as DesensitizePlan),
        read: rule.read,
        written: rule.written,
        quarantined: rule.quarantined,
        suppressed: rule.suppressed,
        counts: { ...rule.counts },
        ...(rule.distinctSubjects === undefined ? {} : { distinctSubjects: rule.distinctSubjects }),
        ...(staged === undefined ? {} : { output: { ...staged } }),
        ...(rule.quarantineRecord === undefined ? {} : { quarantine: { ...rule.quarantineRecord } }),
      };
    }),
  };
  await ports.writeSummary(paths.summary(job.index), JSON.stringify(summary));
  return { part: job.index + 1, lines };
}

/** Reads and checks every part summary of the plan: all there, all of this version, plan and rules. */
async function readSummaries(job: SplitAssembleJob, paths: ReturnType<typeof splitPaths>, ports: SplitPorts): Promise<PartSummary[]> {
  const summaries: PartSummary[] = [];
  const parts = job.plan.ranges.length;
  for (const [index, range] of job.plan.ranges.entries()) {
    const text = await ports.readSummary(paths.summary(index));
    if (text === undefined) throw new MissingPartError(index, parts);
    const parsed = PartSummarySchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new SplitMismatchError(`the summary of part ${index + 1} is not a part summary`);
    const summary = parsed.data;
    const { source } = summary;
    if (source.bucket !== job.source.bucket || source.key !== job.source.key || source.versionId !== job.source.versionId) {
      throw new SplitMismatchError(`part ${index + 1} was made from another object version (${source.versionId}, expected ${job.source.versionId})`);
    }
    if (summary.digest !== job.plan.digest || summary.objectBytes !== job.plan.objectBytes || summary.index !== index || summary.range.start !== range.start || summary.range.end !== range.end) {
      throw new SplitMismatchError(`part ${index + 1} was made for another cut of the object`);
    }
    if (summary.rules !== job.rules) throw new SplitMismatchError(`part ${index + 1} ran under rules ${summary.rules}, the split under ${job.rules}`);
    if (summary.suppression !== summaries[0]?.suppression && summaries.length > 0) {
      throw new SplitMismatchError(`part ${index + 1} applied another suppression list than part 1 (the list changed during the split: run the split again)`);
    }
    summaries.push(summary);
  }
  return summaries;
}

/** Streams a stored object, checking it is the bytes its summary names. */
async function* checkedBytes(chunks: AsyncIterable<Uint8Array>, expected: WrittenObject, what: string): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
    yield chunk;
  }
  if (bytes !== expected.bytes || hash.digest('hex') !== expected.sha256) throw new SplitMismatchError(`${what} is not the output its summary names (changed after the part ran)`);
}

/**
 * Appends one part output to the assembly. S3 wants every part but the last at MIN_PART_BYTES or
 * more: bytes waiting in the part buffer are topped up to a full part with the head of this output
 * (re-streamed), and the rest is copied server-side (UploadPartCopy) when it is at least
 * MIN_PART_BYTES, else re-streamed too. Every byte is read, for the whole-output SHA-256.
 */
async function appendPart(sink: AssemblySink, output: WrittenObject, chunks: AsyncIterable<Uint8Array>, copySource: string): Promise<void> {
  const head = sink.pendingBytes > 0 ? Math.min(output.bytes, PART_BYTES - sink.pendingBytes) : 0;
  const copy = output.bytes - head >= MIN_PART_BYTES;
  let position = 0;
  for await (const chunk of chunks) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const headBytes = Math.max(0, Math.min(buffer.length, head - position));
    if (headBytes > 0) await sink.write(buffer.subarray(0, headBytes));
    const rest = buffer.subarray(headBytes);
    if (rest.length > 0) {
      if (copy) sink.hashOnly(rest);
      else await sink.write(rest);
    }
    position += buffer.length;
  }
  if (copy) {
    // Ranges of at most one copy part (5 GiB is S3's most), the last one at least MIN_PART_BYTES.
    const pieces = Math.ceil((output.bytes - head) / COPY_PIECE_BYTES);
    const size = Math.ceil((output.bytes - head) / pieces);
    for (let start = head; start < output.bytes; start += size) await sink.copyPart({ copySource, start, end: Math.min(output.bytes, start + size) });
  }
}

/** Largest range copied as one part of the assembly. */
const COPY_PIECE_BYTES = 1024 ** 3;

/** Re-streams a part's quarantine entries, renumbered from the object's first line. */
async function appendQuarantine(sink: OutputSink, chunks: AsyncIterable<Uint8Array>, lineOffset: number, firstEntry: boolean): Promise<boolean> {
  let first = firstEntry;
  for await (const batch of recordBatches(chunks, 'jsonl', { startOfInput: false })) {
    let text = '';
    for (const line of Buffer.from(batch).toString('utf8').split('\n')) {
      if (line === '') continue;
      const entry = JSON.parse(line) as { line: number };
      text += `${first ? '' : ','}${JSON.stringify({ ...entry, line: lineOffset + entry.line })}`;
      first = false;
    }
    await sink.write(text);
  }
  return first;
}

/**
 * Assembles every part into one output per rule, declares it once with the parts listed, and
 * releases it. A missing summary, or one of another version, cut or rule set, refuses before
 * anything is declared.
 */
export async function assembleSplit(job: SplitAssembleJob, plans: readonly DesensitizePlan[], settings: TransferSettings, ports: SplitPorts): Promise<RuleOutcome[]> {
  const problem = planProblem(job.plan);
  if (problem !== undefined) throw new SplitMismatchError(problem);
  // Rebuilt in the order a whole object's run writes it (the state machine's JSON need not keep key order).
  const source: SourceVersion = { bucket: job.source.bucket, key: job.source.key, versionId: job.source.versionId };
  const paths = splitPaths(source, job.plan.digest, settings);
  const active = activePlans(plans, job.at);
  const summaries = await readSummaries(job, paths, ports);
  const inventory = new Inventory();
  for (const summary of summaries) inventory.absorb(summary.inventory);
  const categories = categoriesOf(inventory);

  const outcomes: RuleOutcome[] = [];
  for (const plan of active) {
    const name = ruleNameOf(plan);
    const results: PartResult[] = summaries.map((summary, i) => {
      const result = summary.results.find((r) => r.rule === name);
      if (result === undefined) throw new SplitMismatchError(`part ${i + 1} has no result for rule ${name}`);
      return result;
    });
    const total = { read: 0, written: 0, quarantined: 0, suppressed: 0, counts: emptyCounts() as TransformCounts };
    let distinctSubjects: number | undefined;
    for (const r of results) {
      total.read += r.read;
      total.written += r.written;
      total.quarantined += r.quarantined;
      total.suppressed += r.suppressed;
      addCounts(total.counts, r.counts);
      if (r.distinctSubjects !== undefined) distinctSubjects = Math.max(distinctSubjects ?? 0, r.distinctSubjects);
    }

    // The quarantine record, one document with the object's line numbers, as a whole object writes it.
    if (total.quarantined > 0) {
      const sink = ports.openQuarantine({ bucket: source.bucket, key: paths.finalQuarantine(plan), rule: name });
      try {
        await sink.write(`${JSON.stringify({ source, rule: name }).slice(0, -1)},"entries":[`);
        let first = true;
        let lineOffset = 0;
        for (const [i, r] of results.entries()) {
          if (r.quarantine !== undefined) {
            const bytes = checkedBytes(await ports.readStored({ bucket: source.bucket, ...r.quarantine }), r.quarantine, `the quarantine entries of part ${i + 1}`);
            first = await appendQuarantine(sink, bytes, lineOffset, first);
          }
          lineOffset += (summaries[i] as PartSummary).lines;
        }
        await sink.write(']}');
        await sink.complete();
      } catch (err) {
        await sink.abort();
        throw err;
      }
    }

    let staged: WrittenObject | undefined;
    if (total.written > 0) {
      const sink = ports.openAssembly(paths.staged(plan));
      try {
        for (const [i, r] of results.entries()) {
          if (r.output === undefined) continue;
          const bytes = checkedBytes(await ports.readStored({ bucket: settings.outboundBucket, ...r.output }), r.output, `the output of part ${i + 1}`);
          await appendPart(sink, r.output, bytes, copySourceOf(settings.outboundBucket, r.output.key, r.output.versionId));
        }
        staged = await sink.complete();
      } catch (err) {
        await sink.abort();
        throw err;
      }
    }

    const parts: NonNullable<DeclarationBody['parts']> = results.map((r, i) => ({
      start: (summaries[i] as PartSummary).range.start,
      end: (summaries[i] as PartSummary).range.end,
      records: r.written,
      bytes: r.output?.bytes ?? 0,
      sha256: r.output?.sha256 ?? EMPTY_SHA256,
    }));
    outcomes.push(
      await declareAndRelease({
        source,
        result: {
          plan,
          read: total.read,
          written: total.written,
          quarantined: total.quarantined,
          suppressed: total.suppressed,
          safetyNetRedactions: total.counts.safetyNetRedactions,
          ...(distinctSubjects === undefined ? {} : { distinctSubjects }),
        },
        staged,
        categories,
        path: paths.path,
        settings,
        ports,
        parts,
      }),
    );
  }
  return outcomes;
}
