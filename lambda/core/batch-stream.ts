/**
 * The streaming pipeline the CLI and the gateway share: any stream of bytes (a file read stream, an
 * S3 GetObject body, a byte range of one) → batches of whole records → a batch function, with a
 * bounded number of batches in flight → the outcomes in input order. Memory stays bounded whatever
 * the input's size: at most `inFlight` batches of about `batchBytes` each, plus one record.
 *
 * Nothing here decodes. Batches end at a record end (JSON Lines: a newline, which never occurs inside
 * a multi-byte UTF-8 character; CSV: a record end the core's scanner decides), so a character split
 * across two chunks of the stream is whole within its batch, and the core decodes each line strictly:
 * an invalid byte quarantines its line, it is never replaced by U+FFFD.
 */
import { MAX_RECORD_BYTES, type RecordFormat } from './batch';
import { csvDecidedEnd, DEFAULT_CSV_DELIMITER, type CsvDelimiter } from './csv';

/** Target size of one batch (a batch holds whole records, so it may be longer by one record). */
export const BATCH_BYTES = 1 << 20;
const LF = 10;

/** Cuts every physical line to at most `limit + 1` bytes, across chunks. */
export class LongLineCutter {
  /** Bytes of the current line seen so far (in earlier chunks). */
  private lineBytes = 0;

  constructor(private readonly limit = MAX_RECORD_BYTES) {}

  cut(chunk: Buffer): Buffer {
    const keep = this.limit + 1;
    let parts: Buffer[] | undefined;
    let copiedUpTo = 0;
    let lineBytes = this.lineBytes;
    for (let pos = 0; pos < chunk.length; ) {
      const newline = chunk.indexOf(LF, pos);
      const end = newline === -1 ? chunk.length : newline;
      if (lineBytes + (end - pos) > keep) {
        // This line goes past the limit within [pos, end): pass on only its first `keep` bytes.
        parts ??= [];
        const passUntil = pos + Math.max(0, keep - lineBytes);
        parts.push(chunk.subarray(copiedUpTo, passUntil));
        copiedUpTo = end;
      }
      lineBytes += end - pos;
      if (newline === -1) break;
      lineBytes = 0;
      pos = newline + 1;
    }
    this.lineBytes = lineBytes;
    if (parts === undefined) return chunk;
    parts.push(chunk.subarray(copiedUpTo));
    return Buffer.concat(parts);
  }
}

/** Whether `bytes` start with a UTF-8 byte order mark. */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Where the bytes can be cut so that every record before the cut is complete (0: nowhere yet). */
function recordsEnd(bytes: Buffer, format: RecordFormat, delimiter: CsvDelimiter): number {
  return format === 'csv' ? csvDecidedEnd(bytes, MAX_RECORD_BYTES, delimiter) : bytes.lastIndexOf(LF) + 1;
}

export interface RecordBatchOptions {
  /** @default BATCH_BYTES */
  readonly batchBytes?: number;
  /**
   * The stream begins the input, so a UTF-8 byte order mark there is skipped. A byte range of an
   * object that starts past its first byte passes false.
   * @default true
   */
  readonly startOfInput?: boolean;
  /** Told the size of every chunk read (for progress). @default none */
  readonly onChunk?: (bytes: number) => void;
  /** The CSV delimiter, which decides where a quoted record ends. @default DEFAULT_CSV_DELIMITER (a comma) */
  readonly delimiter?: CsvDelimiter;
}

/**
 * Record-aligned batches of a byte stream; each batch is a fresh copy its consumer may keep or
 * transfer to a worker. A physical line longer than MAX_RECORD_BYTES is cut to MAX_RECORD_BYTES + 1
 * bytes (the rest skipped up to its newline), so the core sees that it is too long and quarantines it
 * under its own line number, and one huge line never holds the memory.
 */
export async function* recordBatches(chunks: AsyncIterable<Uint8Array>, format: RecordFormat, options: RecordBatchOptions = {}): AsyncGenerator<Uint8Array> {
  const batchBytes = options.batchBytes ?? BATCH_BYTES;
  const delimiter = options.delimiter ?? DEFAULT_CSV_DELIMITER;
  const cutter = new LongLineCutter();
  let pending: Buffer = Buffer.alloc(0);
  let bomDecided = options.startOfInput === false;
  let collected: Buffer[] = [];
  let collectedBytes = 0;
  const take = (bytes: Buffer): Uint8Array | undefined => {
    const whole = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
    const end = recordsEnd(whole, format, delimiter);
    if (end === 0) {
      pending = whole;
      return undefined;
    }
    pending = Buffer.from(whole.subarray(end));
    return new Uint8Array(whole.subarray(0, end));
  };
  for await (const read of chunks) {
    let chunk = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    options.onChunk?.(chunk.length);
    if (!bomDecided) {
      // The mark may arrive split over the first chunks: decide once three bytes are in.
      const head = Buffer.concat([...collected, chunk]);
      if (head.length < 3) {
        collected = [head];
        continue;
      }
      collected = [];
      bomDecided = true;
      chunk = startsWithBom(head) ? head.subarray(3) : head;
    }
    collected.push(cutter.cut(chunk));
    collectedBytes += collected[collected.length - 1].length;
    if (collectedBytes < batchBytes) continue;
    const batch = take(collected.length === 1 ? collected[0] : Buffer.concat(collected));
    collected = [];
    collectedBytes = 0;
    if (batch !== undefined) yield batch;
  }
  if (!bomDecided && collected.length > 0) {
    const head = Buffer.concat(collected);
    collected = [cutter.cut(startsWithBom(head) ? head.subarray(3) : head)];
  }
  if (collected.length > 0) {
    const batch = take(Buffer.concat(collected));
    if (batch !== undefined) yield batch;
  }
  if (pending.length > 0) yield new Uint8Array(pending);
}

/** A byte range [start, end) of an object; the records of a part are those that start inside it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The records of one byte range of a JSON Lines object, from a stream that begins at
 * `max(0, range.start - 1)` (a ranged GET) and may run to the object's end. A part starts after the
 * first newline at or past `start - 1` (so a record beginning exactly at `start` is this part's), and
 * ends with the first newline at or past `end - 1`: every record belongs to exactly one part, the one
 * whose range holds its first byte, whichever way the object is cut. Stops reading once past the end.
 */
export async function* recordsOfRange(chunks: AsyncIterable<Uint8Array>, range: ByteRange): AsyncGenerator<Uint8Array> {
  let position = Math.max(0, range.start - 1);
  let skipping = range.start > 0;
  for await (const read of chunks) {
    let chunk = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    if (skipping) {
      const newline = chunk.indexOf(LF);
      if (newline === -1) {
        position += chunk.length;
        continue;
      }
      skipping = false;
      position += newline + 1;
      chunk = chunk.subarray(newline + 1);
      // The skipped record ran to or past the end: this part holds no record of its own.
      if (position >= range.end) return;
    }
    // The last record starts before `end`; it ends at the first newline at or past `end - 1`.
    const from = Math.max(0, range.end - 1 - position);
    if (from < chunk.length) {
      const newline = chunk.indexOf(LF, from);
      if (newline !== -1) {
        yield chunk.subarray(0, newline + 1);
        return;
      }
    }
    position += chunk.length;
    yield chunk;
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface OrderedRunOptions<T> {
  readonly batches: AsyncIterable<Uint8Array>;
  /** The work on one batch: in this thread, or in a worker (the CLI). */
  readonly run: (bytes: Uint8Array) => Promise<T>;
  /** Batches started but not yet handed to `onOutcome`, at most. */
  readonly inFlight: number;
  /** Called once per batch, in input order; awaited before the next outcome (backpressure on the reader). */
  readonly onOutcome: (outcome: T) => Promise<void> | void;
}

/** Runs every batch, at most `inFlight` at once, and hands the outcomes on in input order. */
export async function runOrdered<T>(options: OrderedRunOptions<T>): Promise<void> {
  const { batches, run, onOutcome } = options;
  const limit = Math.max(1, options.inFlight);
  const started: Promise<Settled<T>>[] = [];
  const settleOldest = async (): Promise<void> => {
    const settled = await (started.shift() as Promise<Settled<T>>);
    if (!settled.ok) throw settled.error;
    await onOutcome(settled.value);
  };
  try {
    for await (const bytes of batches) {
      // A handler is attached at once, so a failing batch is never an unhandled rejection while older ones settle.
      started.push(run(bytes).then((value): Settled<T> => ({ ok: true, value }), (error: unknown): Settled<T> => ({ ok: false, error })));
      while (started.length >= limit) await settleOldest();
    }
    while (started.length > 0) await settleOldest();
  } finally {
    // Started batches still settle (their handlers are attached); nothing more is read.
    started.length = 0;
  }
}
