/**
 * `residency sample ledger --rule RULE.json --dir DIR --outputs DIR [--batches N] [--records N] [--seed S]`
 *
 * Writes a sample declaration ledger and the outbound objects it declares, as `aws s3 sync` would
 * copy them, for `residency ledger verify --dir DIR --outputs DIR` to check. Nothing in it is written
 * by hand: each batch of synthetic payment records (`residency sample`'s generator, a CVV planted now
 * and then) goes through the gateway's own transfer (lambda/gateway/transfer-object.ts: desensitize
 * under the rule, stage, declare, release) and the delivery's own receipting (lambda/delivery/receipts.ts),
 * over an in-memory ledger that numbers, links and hashes entries with the ledger code
 * (lambda/core/ledger). Batches take turns: delivered at the first attempt; delivered after a failed
 * attempt (a `retrying` receipt first); and the last one still pending (declared, no receipt yet).
 * The same seed gives the same files, byte for byte; the token key is derived from the seed (a sample key).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { seededRandom } from '../../bench/synthetic-records';
import { compileTransferRule, tokenKeyFromBytes, type TransferRule } from '../../lambda/core';
import { partitionOf } from '../../lambda/core/regions';
import {
  canonicalJson,
  claimIdentityOf,
  fileNameFor,
  headOf,
  nextEntry,
  validateAppendable,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type NoticeBody,
  type NoticeEntry,
  type ReceiptBody,
  type ReceiptEntry,
} from '../../lambda/core/ledger';
import type { BoundDestination } from '../../lambda/delivery/destinations';
import { recordDelivery, type ReceiptLedger } from '../../lambda/delivery/receipts';
import { ruleIsActive } from '../../lambda/gateway/environment';
import { transferObject, type TransferPorts, type TransferSettings } from '../../lambda/gateway/transfer-object';
import type { Appended } from '../../lambda/shared/ledger-store';
import type { OutputSink, WrittenObject } from '../../lambda/shared/multipart-output';
import { CliError, type CliIo } from './io';
import { parseFlags, requireFlag, USAGE_ERROR } from './options';
import { sampleRecord, wholeNumber } from './sample';
import { homeRegionFlag, readRule, refuseUnlessEmpty } from './sample-inputs';

const USAGE = `usage: residency sample ledger --rule RULE.json --dir DIR --outputs DIR [options]

  --rule FILE       the transfer rule the batches go out under (e.g. rules/cn-home/sg-settlement.json)
  --dir DIR         where the ledger entries go (000000000001.json, ...); must be empty or new
  --outputs DIR     where the declared outbound objects go (a copy of the outbound/ prefix); empty or new
  --batches N       transfers to declare, 1 to ${(1000).toLocaleString('en-US')} (default: 3)
  --records N       synthetic records per batch, 1 to ${(100_000).toLocaleString('en-US')} (default: 200)
  --seed S          a whole number; the same seed gives the same files (default: 1)
  --home-region R   where the raw data lives: decides replication or a cross-partition push (default: cn-north-1)

Then: residency ledger verify --dir DIR --outputs DIR
`;

/** The first day the sample declares on, when the rule is valid then (else its first valid day). */
const SAMPLE_DAY = '2026-03-31';
const MINUTE = 60_000;

const SETTINGS: TransferSettings = {
  outboundBucket: 'paydata-outbound',
  outboundPrefix: 'outbound/',
  stagingPrefix: 'staging/',
  rawPrefix: 'raw/',
  quarantinePrefix: 'quarantine/',
  exporter: 'paydata',
};
const RAW_BUCKET = 'paydata-raw-c2';

/** A ledger in memory that appends once per identity, as the store does (lambda/shared/ledger-store.ts), without the contention. */
class MemoryLedger implements ReceiptLedger {
  readonly entries: LedgerEntry[] = [];
  private readonly claims = new Map<string, LedgerEntry>();

  appendOnce(body: DeclarationBody): Promise<Appended<DeclarationEntry>>;
  appendOnce(body: ReceiptBody): Promise<Appended<ReceiptEntry>>;
  appendOnce(body: NoticeBody): Promise<Appended<NoticeEntry>>;
  appendOnce(body: LedgerBody): Promise<Appended>;
  async appendOnce(body: LedgerBody): Promise<Appended> {
    const validated = validateAppendable(body);
    const identity = claimIdentityOf(validated);
    const claimed = this.claims.get(identity);
    if (claimed !== undefined) return { entry: claimed, claimedNow: false };
    const last = this.entries.at(-1);
    const entry = nextEntry(last === undefined ? undefined : headOf(last), validated);
    this.entries.push(entry);
    this.claims.set(identity, entry);
    return { entry, claimedNow: true };
  }

  async resume(identity: string): Promise<LedgerEntry | undefined> {
    return this.claims.get(identity);
  }
}

/** A sink that keeps the bytes and hands them over when completed, with the SHA-256 the store computes. */
function memorySink(key: string, onComplete: (body: Buffer) => void): OutputSink {
  const chunks: Buffer[] = [];
  return {
    write: async (data) => void chunks.push(Buffer.from(data)),
    complete: async (): Promise<WrittenObject> => {
      const body = Buffer.concat(chunks);
      onComplete(body);
      return { key, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
    },
    abort: async () => void chunks.splice(0),
  };
}

/** Seeded letters and digits, e.g. for S3 version ids. */
function seededId(random: () => number, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

function seededHex(random: () => number, length: number): string {
  let hex = '';
  for (let i = 0; i < length; i++) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export interface SampleLedger {
  readonly entries: readonly LedgerEntry[];
  /** Declared outputs by their key under the outbound prefix. */
  readonly outputs: ReadonlyMap<string, Buffer>;
}

/** Builds the sample ledger in memory: the gateway's transfer and the delivery's receipts over `batches` synthetic batches. */
export async function buildSampleLedger(options: { rule: TransferRule; batches: number; records: number; seed: number; homeRegion: string; start: Date }): Promise<SampleLedger> {
  const { rule, batches, records, seed, homeRegion, start } = options;
  const random = seededRandom(seed);
  const tokenKey = tokenKeyFromBytes(createHash('sha256').update(`residency sample ledger token key, seed ${seed}`).digest());
  const plan = compileTransferRule(rule, tokenKey);
  const ledger = new MemoryLedger();
  const staged = new Map<string, Buffer>();
  const outputs = new Map<string, Buffer>();
  const destination: BoundDestination = {
    region: rule.destination.region,
    bucket: `paydata-landing-${rule.destination.region}`,
    method: partitionOf(homeRegion) === partitionOf(rule.destination.region) ? 's3-replication' : 'cross-partition-push',
  };
  let clock = start;
  const ports: TransferPorts = {
    readObject: async () => {
      throw new Error('readObject is replaced per batch');
    },
    openQuarantine: (target) => memorySink(target.key, () => undefined),
    openStaged: (key) => memorySink(key, (body) => staged.set(key, body)),
    declare: async (body) => {
      const { entry, claimedNow } = await ledger.appendOnce({ kind: 'declaration', declaredAt: clock.toISOString(), ...body });
      return { entry, resumed: !claimedNow };
    },
    releaseOutput: async ({ staged: output, key }) => {
      const body = staged.get(output.key);
      if (body === undefined) throw new Error(`nothing staged under ${output.key}`);
      outputs.set(key, body);
    },
    countSubjects: async ({ tokens }) => tokens.length,
    refuseObject: async ({ key }) => {
      throw new Error(`the sample batch ${key} was refused as a whole object`);
    },
  };

  let index = 0;
  for (let batch = 1; batch <= batches; batch++) {
    let raw = '';
    for (let i = 0; i < records; i++) raw += `${JSON.stringify(sampleRecord(random, index++))}\n`;
    const day = clock.toISOString().slice(0, 10);
    const source = { bucket: RAW_BUCKET, key: `${SETTINGS.rawPrefix}source=alipay/date=${day}/batch-${batch}.jsonl`, versionId: seededId(random, 32) };
    const bytes = Buffer.from(raw);
    const [outcome] = await transferObject(source, [plan], SETTINGS, { ...ports, readObject: async () => ({ size: bytes.length, chunks: oneChunk(bytes) }) }, clock);
    if (outcome?.status !== 'transferred' || outcome.declarationSeq === undefined || outcome.outputKey === undefined) {
      throw new Error(`sample batch ${batch} was not transferred (${outcome?.status ?? 'no outcome'})`);
    }
    const declaration = ledger.entries.find((e): e is DeclarationEntry => e.kind === 'declaration' && e.seq === outcome.declarationSeq) as DeclarationEntry;
    // The last batch of several stays pending: declared and released, not yet delivered.
    if (batches > 1 && batch === batches) break;
    const report = { declaration, destination, key: outcome.outputKey, etag: `"${seededHex(random, 32)}"` };
    const event = destination.method === 'cross-partition-push' ? `push ${[8, 4, 4, 4, 12].map((n) => seededHex(random, n)).join('-')}` : undefined;
    let at = new Date(clock.getTime() + 9_000);
    if (batch % 2 === 0) {
      // A failed attempt first: recorded as `retrying`, then delivered at the second.
      const failed = event === undefined ? `s3:Replication:OperationFailedReplication@${at.toISOString()}` : `${event} attempt 1`;
      await recordDelivery(ledger, { ...report, status: 'retrying', attempts: 1, error: 'connect ETIMEDOUT: the landing bucket did not answer in 10 s', notification: failed }, at);
      at = new Date(at.getTime() + 2 * MINUTE);
    }
    const notification = event ?? `s3:Replication:OperationCompletedReplication@${at.toISOString()}#${seededHex(random, 16)}`;
    await recordDelivery(ledger, { ...report, status: 'delivered', attempts: batch % 2 === 0 ? 2 : 1, versionId: seededId(random, 32), notification }, at);
    clock = new Date(clock.getTime() + 10 * MINUTE);
  }
  return { entries: ledger.entries, outputs };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, {
    rule: { type: 'string' },
    dir: { type: 'string' },
    outputs: { type: 'string' },
    batches: { type: 'string' },
    records: { type: 'string' },
    seed: { type: 'string' },
    'home-region': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const rulePath = requireFlag(flags.rule, 'rule');
  const dir = requireFlag(flags.dir, 'dir');
  const outputsDir = requireFlag(flags.outputs, 'outputs');
  const batches = wholeNumber(flags.batches, 'batches', 1, 1000, 3);
  const records = wholeNumber(flags.records, 'records', 1, 100_000, 200);
  const seed = wholeNumber(flags.seed, 'seed', 0, 2 ** 32 - 1, 1);
  const homeRegion = homeRegionFlag(flags['home-region']);

  const sampleDay = new Date(`${SAMPLE_DAY}T08:00:00.000Z`);
  const rule = await readRule(rulePath, sampleDay);
  const start = ruleIsActive(rule, sampleDay) ? sampleDay : new Date(`${rule.validFrom}T08:00:00.000Z`);
  if (!ruleIsActive(rule, start)) throw new CliError(`--rule ${rulePath}: the rule is valid on no day (validFrom ${rule.validFrom}, validUntil ${rule.validUntil})`, 1);
  if (homeRegion === rule.destination.region) {
    throw new CliError(`--home-region ${homeRegion} is the rule's destination: a transfer leaves its home region`, USAGE_ERROR);
  }
  await refuseUnlessEmpty(dir, 'dir');
  await refuseUnlessEmpty(outputsDir, 'outputs');

  const sample = await buildSampleLedger({ rule, batches, records, seed, homeRegion, start });
  await mkdir(dir, { recursive: true });
  for (const entry of sample.entries) await writeFile(join(dir, fileNameFor(entry)), canonicalJson(entry));
  for (const [key, body] of sample.outputs) {
    const path = join(outputsDir, ...key.slice(SETTINGS.outboundPrefix.length).split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }
  const count = (kind: string) => sample.entries.filter((e) => e.kind === kind).length;
  io.stderr(
    `residency sample ledger: ${batches} transfer(s) under ${rule.id} v${rule.version} (seed ${seed}): ${sample.entries.length} entries ` +
      `(${count('declaration')} declarations, ${count('receipt')} receipts) in ${dir}, ${sample.outputs.size} declared output(s) in ${outputsDir}\n` +
      `check them: residency ledger verify --dir ${dir} --outputs ${outputsDir}\n`,
  );
  return 0;
}
