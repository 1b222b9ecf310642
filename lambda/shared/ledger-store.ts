/**
 * Appends entries to the declaration ledger, each at most once: one hash chain in an Object Lock
 * bucket, written by several Lambda invocations at once (the gateway's declarations, the delivery
 * function's receipts and notices), any of which may crash, time out or lose a response and be
 * retried.
 *
 * Every body has an identity (`claimIdentityOf`: a declaration's is its transfer, a final receipt's
 * its delivery). The store keeps, next to the head item, one **claim** item per identity, created
 * with a conditional put: the first writer's body (with its `declaredAt`) and the entry it plans to
 * append (seq, link and hash, computed from the head it read). Whoever comes later, the same
 * invocation retried or another one, finds the claim and finishes *that* entry instead of building
 * a new one. Order of writes:
 *   1. Read the head (consistent read); build the entry that follows it.
 *   2. Claim the identity: put the claim item only if absent. If it exists, adopt its body and plan.
 *   3. Put the planned entry under its seq-only key with `If-None-Match: *`. A 412 means the seq is
 *      taken: if the occupant is the planned entry (same hash) it is ours, written by an earlier try
 *      whose response was lost; otherwise the plan lost a race and can never be written there.
 *   4. Lost race only: walk the head forward over the entries that exist (repair), build the entry
 *      after the real end, and move the claim's plan to it, on condition the plan is still the one
 *      that lost. A plan moves only once its seq is taken by another entry, so an entry is never
 *      written under two seqs.
 *   5. Advance the head to the entry, on condition it still names the entry's predecessor.
 * A failure at any step (error, lost response, crash) leaves state the next try resumes from: no
 * claim (start over), a claim (finish its plan), the entry (advance the head), the head (done).
 * Writing the object before the head means a crash never burns a seq with no object behind it, a gap
 * the verifier could not tell from a deletion.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  claimIdentityOf,
  hashOf,
  headOf,
  linkProblem,
  nextEntry,
  objectKeyFor,
  parseEntry,
  validateAppendable,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
  type NoticeBody,
  type NoticeEntry,
  type ReceiptBody,
  type ReceiptEntry,
} from '../core/ledger';
import { type Claim, claimFrom, claimKeyFor } from './ledger-claims';
import { LedgerContentionError, LedgerIntegrityError } from './ledger-errors';

export { claimKeyFor } from './ledger-claims';
export { LedgerContentionError, LedgerIntegrityError } from './ledger-errors';

/**
 * The head item's key. The table has partition key `pk` (String) and sort key `sk` (String), the
 * project's ClassifiedTable defaults; the item also holds `seq` (Number), `hash` (String),
 * `objectKey` (String) and `updatedAt` (String, ISO time).
 */
export const LEDGER_HEAD_KEY = { pk: { S: 'ledger' }, sk: { S: 'head' } } as const;

export interface LedgerStoreProps {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  /** The ledger bucket: versioned, Object Lock COMPLIANCE with a default retention, SSE by default. */
  readonly bucket: string;
  /** The table holding the head item and the claims (see LEDGER_HEAD_KEY and claimKeyFor). */
  readonly headTable: string;
  /**
   * How many races for a seq (or in-flight conditional writes) to lose before giving up.
   * @default 16
   */
  readonly maxAttempts?: number;
  /**
   * Upper bound of the first retry's random wait (full jitter); it doubles with each attempt.
   * @default 25
   */
  readonly baseDelayMs?: number;
  /**
   * Upper bound of any retry's random wait.
   * @default 1000
   */
  readonly maxDelayMs?: number;
  /**
   * How to wait between attempts (tests pass one that records the delay).
   * @default - a timer
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The entry the ledger holds for a body's identity. */
export interface Appended<E extends LedgerEntry = LedgerEntry> {
  readonly entry: E;
  /**
   * True when this call claimed the identity. False when it was claimed before (an earlier try of
   * the same work, or another writer): `entry` then carries the body claimed first, which may differ
   * from the one passed (e.g. its `declaredAt`); the caller decides what a difference means.
   */
  readonly claimedNow: boolean;
}

type Settled = { readonly kind: 'ours'; readonly entry: LedgerEntry } | { readonly kind: 'lost' } | { readonly kind: 'contended' };

function isS3Error(err: unknown, name: string, status: number): boolean {
  return err instanceof S3ServiceException && (err.name === name || err.$metadata?.httpStatusCode === status);
}

const sleepWithTimer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LedgerStore {
  private readonly s3: S3Client;
  private readonly dynamodb: DynamoDBClient;
  private readonly bucket: string;
  private readonly headTable: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(props: LedgerStoreProps) {
    const maxAttempts = props.maxAttempts ?? 16;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new Error(`LedgerStore: maxAttempts: got ${maxAttempts}; expected a whole number of at least 1`);
    }
    this.s3 = props.s3;
    this.dynamodb = props.dynamodb;
    this.bucket = props.bucket;
    this.headTable = props.headTable;
    this.maxAttempts = maxAttempts;
    this.baseDelayMs = props.baseDelayMs ?? 25;
    this.maxDelayMs = props.maxDelayMs ?? 1000;
    this.sleep = props.sleep ?? sleepWithTimer;
  }

  /**
   * Appends the body at the end of the chain unless an entry with its identity exists or is claimed,
   * and returns the ledger's entry for that identity. Safe to call again after any failure.
   */
  appendOnce(body: DeclarationBody): Promise<Appended<DeclarationEntry>>;
  appendOnce(body: ReceiptBody): Promise<Appended<ReceiptEntry>>;
  appendOnce(body: NoticeBody): Promise<Appended<NoticeEntry>>;
  appendOnce(body: LedgerBody): Promise<Appended>;
  async appendOnce(body: LedgerBody): Promise<Appended> {
    // Refuse a bad body before any I/O: an Object Lock ledger cannot take an entry back.
    const validated = validateAppendable(body);
    const identity = claimIdentityOf(validated);
    const { claim, claimedNow } = await this.claim(identity, validated);
    return { entry: await this.complete(claim), claimedNow };
  }

  /**
   * The entry claimed under an identity (completing its append if its claimant stopped before), or
   * undefined when nothing is claimed under it.
   */
  async resume(identity: string): Promise<LedgerEntry | undefined> {
    const claim = await this.readClaim(identity);
    return claim === undefined ? undefined : this.complete(claim);
  }

  /** The latest entry as the head item records it, or undefined before the first append. */
  async readHead(): Promise<LedgerHead | undefined> {
    const { Item: item } = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.headTable, Key: LEDGER_HEAD_KEY, ConsistentRead: true }),
    );
    if (item === undefined) return undefined;
    const seq = Number(item.seq?.N);
    const hash = item.hash?.S;
    if (!Number.isSafeInteger(seq) || seq < 1 || hash === undefined || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new LedgerIntegrityError(`the ledger head item in ${this.headTable} is malformed (seq ${item.seq?.N}, hash ${hash})`);
    }
    return { seq, hash };
  }

  /** The entry stored under a seq, checked against its own hash; undefined when there is none. */
  async readEntry(seq: number): Promise<LedgerEntry | undefined> {
    const key = objectKeyFor({ seq });
    let text: string | undefined;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = await object.Body?.transformToString('utf-8');
    } catch (err) {
      if (isS3Error(err, 'NoSuchKey', 404)) return undefined;
      throw err;
    }
    return this.entryFrom(text ?? '', key, seq);
  }

  /** Finishes a claim: writes its plan, or re-plans after the end of the chain when the plan lost its seq. */
  private async complete(initial: Claim): Promise<LedgerEntry> {
    let claim = initial;
    for (let attempt = 1; ; attempt++) {
      const settled = await this.settle(claim.plan);
      if (settled.kind === 'ours') {
        await this.advanceHeadTo(settled.entry);
        return settled.entry;
      }
      if (attempt >= this.maxAttempts) throw new LedgerContentionError(attempt, claim.plan.seq);
      if (settled.kind === 'lost') {
        const head = await this.repairHead();
        claim = await this.replan(claim, nextEntry(head, claim.body));
      }
      await this.sleep(this.retryDelay(attempt));
    }
  }

  private async claim(identity: string, body: LedgerBody): Promise<{ claim: Claim; claimedNow: boolean }> {
    const plan = nextEntry(await this.readHead(), body);
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.headTable,
          Item: {
            ...claimKeyFor(identity),
            identity: { S: identity },
            entry: { S: canonicalJson(plan) },
            seq: { N: String(plan.seq) },
            claimedAt: { S: new Date().toISOString() },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claim: { identity, body, plan }, claimedNow: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = err.Item === undefined ? await this.readClaim(identity) : claimFrom(err.Item, identity, this.headTable);
      if (existing === undefined) throw new LedgerIntegrityError(`the claim of "${identity}" was refused as existing but cannot be read`);
      return { claim: existing, claimedNow: false };
    }
  }

  private async readClaim(identity: string): Promise<Claim | undefined> {
    const { Item: item } = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.headTable, Key: claimKeyFor(identity), ConsistentRead: true }),
    );
    return item === undefined ? undefined : claimFrom(item, identity, this.headTable);
  }

  /** Writes the planned entry if its seq is free; recognizes it when an earlier try already did. */
  private async settle(plan: LedgerEntry): Promise<Settled> {
    const text = canonicalJson(plan);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKeyFor(plan),
          Body: text,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          // Object Lock buckets require an integrity checksum on every put; S3 checks this one.
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(text, 'utf8').digest('base64'),
        }),
      );
      return { kind: 'ours', entry: plan };
    } catch (err) {
      // S3 answers 409 when another conditional write to the key is in flight: try the same plan again.
      if (isS3Error(err, 'ConditionalRequestConflict', 409)) return { kind: 'contended' };
      if (!isS3Error(err, 'PreconditionFailed', 412)) throw err;
    }
    const occupant = await this.readEntry(plan.seq);
    if (occupant === undefined) return { kind: 'contended' }; // 412 then gone cannot happen under Object Lock; look again
    return occupant.hash === plan.hash ? { kind: 'ours', entry: occupant } : { kind: 'lost' };
  }

  /** Moves the claim's plan from the seq it lost to `entry`, unless another writer moved it first. */
  private async replan(claim: Claim, entry: LedgerEntry): Promise<Claim> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.headTable,
          Key: claimKeyFor(claim.identity),
          UpdateExpression: 'SET #entry = :entry, #seq = :seq',
          ConditionExpression: '#seq = :lostSeq',
          ExpressionAttributeNames: { '#entry': 'entry', '#seq': 'seq' },
          ExpressionAttributeValues: { ':entry': { S: canonicalJson(entry) }, ':seq': { N: String(entry.seq) }, ':lostSeq': { N: String(claim.plan.seq) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ...claim, plan: entry };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const moved = err.Item === undefined ? await this.readClaim(claim.identity) : claimFrom(err.Item, claim.identity, this.headTable);
      if (moved === undefined) throw new LedgerIntegrityError(`the claim of "${claim.identity}" disappeared`);
      return moved;
    }
  }

  /** Walks the head over entries that exist beyond it (left by writers that stopped before moving it). */
  private async repairHead(): Promise<LedgerHead | undefined> {
    let head = await this.readHead();
    for (;;) {
      const next = await this.readEntry(head === undefined ? 1 : head.seq + 1);
      if (next === undefined) return head;
      const problem = linkProblem(head, next);
      if (problem !== undefined) {
        throw new LedgerIntegrityError(`${objectKeyFor(next)} exists but does not follow the head (${head === undefined ? 'none' : `seq ${head.seq}`}): ${problem}`);
      }
      head = (await this.advanceHead(head, next)) ? headOf(next) : await this.readHead();
    }
  }

  /** After the entry is written: move the head onto it; if the head moved already (a repair) or lags further, leave it. */
  private async advanceHeadTo(entry: LedgerEntry): Promise<void> {
    const previous = entry.seq === 1 ? undefined : { seq: entry.seq - 1, hash: entry.prevHash };
    await this.advanceHead(previous, entry);
  }

  /** Moves the head from `previous` to `entry`; false when it is not at `previous` any more (or yet). */
  private async advanceHead(previous: LedgerHead | undefined, entry: LedgerEntry): Promise<boolean> {
    const stillAtPrevious: { condition: string; values: Record<string, AttributeValue> } =
      previous === undefined
        ? { condition: 'attribute_not_exists(#seq)', values: {} }
        : { condition: '#seq = :prevSeq AND #hash = :prevHash', values: { ':prevSeq': { N: String(previous.seq) }, ':prevHash': { S: previous.hash } } };
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.headTable,
          Key: LEDGER_HEAD_KEY,
          UpdateExpression: 'SET #seq = :seq, #hash = :hash, #objectKey = :objectKey, #updatedAt = :updatedAt',
          ConditionExpression: stillAtPrevious.condition,
          // HASH is a DynamoDB reserved word, so every attribute goes through a name placeholder.
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash', '#objectKey': 'objectKey', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':seq': { N: String(entry.seq) },
            ':hash': { S: entry.hash },
            ':objectKey': { S: objectKeyFor(entry) },
            ':updatedAt': { S: new Date().toISOString() },
            ...stillAtPrevious.values,
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private entryFrom(text: string, key: string, seq: number): LedgerEntry {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new LedgerIntegrityError(`${key} exists but is not JSON`);
    }
    const parsed = parseEntry(value);
    if (!parsed.ok) throw new LedgerIntegrityError(`${key} exists but is not a ledger entry (${parsed.reason})`);
    if (parsed.entry.seq !== seq) throw new LedgerIntegrityError(`${key} exists but claims seq ${parsed.entry.seq}`);
    if (hashOf(parsed.entry) !== parsed.entry.hash) throw new LedgerIntegrityError(`${key} exists but its hash does not match its content`);
    return parsed.entry;
  }

  /** Full jitter: a random wait up to a cap that doubles per attempt, so colliding writers spread out. */
  private retryDelay(attempt: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
  }
}
