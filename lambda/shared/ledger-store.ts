/**
 * Appends entries to the declaration ledger: one hash chain in an Object Lock bucket, written by
 * several Lambda invocations at once (the gateway's declarations and receipts, the delivery
 * function's receipts).
 *
 * Order of writes, and why. The S3 object is the record; the DynamoDB head item (latest seq and
 * hash) only tells the next writer where the chain ends.
 *   1. Read the head (consistent read) and build entry seq = head.seq + 1, linked to head.hash.
 *   2. Put the entry under its seq-only key with `If-None-Match: *`: of all writers that built a
 *      seq N, exactly one put succeeds, and Object Lock keeps it. A 412 means seq N is taken.
 *   3. Advance the head to the entry, on condition that it still names the entry's predecessor.
 * A crash between 2 and 3 leaves the head one behind an object that exists, never a gap: the next
 * writer's put of that seq fails with 412, it reads the object, checks that it links to the head,
 * advances the head to it (repair) and tries the following seq. The opposite order (head first)
 * would let a crash burn a seq with no object behind it, a gap the verifier could not tell from a
 * deletion.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  linkProblem,
  nextEntry,
  objectKeyFor,
  parseEntry,
  validateBody,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
  type ReceiptBody,
  type ReceiptEntry,
} from '../core/ledger';

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
  /** The table holding the head item (see LEDGER_HEAD_KEY for its key schema). */
  readonly headTable: string;
  /**
   * How many times to try before giving up on a busy chain.
   * @default 8
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

/** Every attempt found its seq taken by another writer: nothing was written for this body. */
export class LedgerContentionError extends Error {
  constructor(
    public readonly attempts: number,
    public readonly lastHeadSeq: number | undefined,
  ) {
    super(
      `ledger append gave up after ${attempts} attempts: other writers kept taking the next seq ` +
        `(last head seen: ${lastHeadSeq === undefined ? 'none' : `seq ${lastHeadSeq}`}); nothing was written for this entry, retry it`,
    );
    this.name = 'LedgerContentionError';
  }
}

/** The ledger is not in a state an append may build on; a person must look (run `residency ledger verify`). */
export class LedgerIntegrityError extends Error {
  constructor(message: string) {
    super(`${message}; appends stop here until the ledger is checked with "residency ledger verify"`);
    this.name = 'LedgerIntegrityError';
  }
}

/**
 * The entry is written (it is in the ledger for good) but the head could not be advanced. The next
 * append repairs the head; the caller must treat `entry` as recorded and not append it again.
 */
export class LedgerHeadLagError extends Error {
  constructor(
    public readonly entry: LedgerEntry,
    cause: unknown,
  ) {
    super(`ledger entry seq ${entry.seq} is written but the head was not advanced: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'LedgerHeadLagError';
  }
}

type PutOutcome = 'written' | 'taken' | 'contended';

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
    const maxAttempts = props.maxAttempts ?? 8;
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

  /** Appends a declaration or receipt at the end of the chain and returns the entry as stored. */
  append(body: DeclarationBody): Promise<DeclarationEntry>;
  append(body: ReceiptBody): Promise<ReceiptEntry>;
  append(body: LedgerBody): Promise<LedgerEntry>;
  async append(body: LedgerBody): Promise<LedgerEntry> {
    // Refuse a bad body before any I/O: an Object Lock ledger cannot take an entry back.
    const validated = validateBody(body);
    let head: LedgerHead | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      head = await this.readHead();
      const entry = nextEntry(head, validated);
      const outcome = await this.putIfAbsent(entry);
      if (outcome === 'written') {
        await this.advanceHeadAfterWrite(head, entry);
        return entry;
      }
      if (outcome === 'taken') {
        const occupant = await this.readEntryAfter(head, entry.seq);
        // Same content and link means same hash: our own put, whose response was lost and retried.
        if (occupant.hash === entry.hash) {
          await this.advanceHeadAfterWrite(head, occupant);
          return occupant;
        }
        await this.advanceHead(head, occupant);
      }
      if (attempt < this.maxAttempts) await this.sleep(this.retryDelay(attempt));
    }
    throw new LedgerContentionError(this.maxAttempts, head?.seq);
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

  private async putIfAbsent(entry: LedgerEntry): Promise<PutOutcome> {
    const text = canonicalJson(entry);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKeyFor(entry),
          Body: text,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          // Object Lock buckets require an integrity checksum on every put; S3 checks this one.
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(text, 'utf8').digest('base64'),
        }),
      );
      return 'written';
    } catch (err) {
      if (isS3Error(err, 'PreconditionFailed', 412)) return 'taken';
      // S3 answers 409 when another conditional write to the key is in flight: retry like a 412.
      if (isS3Error(err, 'ConditionalRequestConflict', 409)) return 'contended';
      throw err;
    }
  }

  /** Reads the object that took seq `seq` and checks it follows `head`, so the head may move to it. */
  private async readEntryAfter(head: LedgerHead | undefined, seq: number): Promise<LedgerEntry> {
    const key = objectKeyFor({ seq });
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const text = await object.Body?.transformToString('utf-8');
    let value: unknown;
    try {
      value = JSON.parse(text ?? '');
    } catch {
      throw new LedgerIntegrityError(`${key} exists but is not JSON`);
    }
    const parsed = parseEntry(value);
    if (!parsed.ok) throw new LedgerIntegrityError(`${key} exists but is not a ledger entry (${parsed.reason})`);
    const occupant = parsed.entry;
    const problem = occupant.seq === seq ? linkProblem(head, occupant) : `it claims seq ${occupant.seq}`;
    if (problem !== undefined) {
      throw new LedgerIntegrityError(`${key} exists but does not follow the head (${head === undefined ? 'none' : `seq ${head.seq}`}): ${problem}`);
    }
    return occupant;
  }

  /** Moves the head from `previous` to `entry`; false when another writer moved it first. */
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

  /**
   * After our own put: a conditional failure means another writer already repaired the head to our
   * entry (nobody else can write our seq), so the append stands. Any other failure leaves the entry
   * written and the head behind, which the caller must know but not undo.
   */
  private async advanceHeadAfterWrite(previous: LedgerHead | undefined, entry: LedgerEntry): Promise<void> {
    try {
      await this.advanceHead(previous, entry);
    } catch (err) {
      throw new LedgerHeadLagError(entry, err);
    }
  }

  /** Full jitter: a random wait up to a cap that doubles per attempt, so colliding writers spread out. */
  private retryDelay(attempt: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
  }
}

/**
 * Appends and returns the entry, treating a lagging head as success: the entry is written (and
 * immutable), only the head pointer trails, and the next append repairs it. Appending again would
 * declare the same batch twice.
 */
export async function appendOnce<B extends LedgerBody>(store: LedgerStore, body: B): Promise<LedgerEntry> {
  try {
    return await store.append(body);
  } catch (err) {
    if (err instanceof LedgerHeadLagError) return err.entry;
    throw err;
  }
}
