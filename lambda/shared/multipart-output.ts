/**
 * An S3 object written as a stream: bytes go out in parts of PART_BYTES (S3 wants at least
 * MIN_PART_BYTES for every part but the last) through CreateMultipartUpload / UploadPart /
 * CompleteMultipartUpload, each part with a SHA-256 S3 verifies, while one SHA-256 runs over the
 * whole object: the hash the declaration records (S3's own checksum of a multipart object is a hash
 * of part hashes, which says nothing about the whole). An object that ends under MIN_PART_BYTES is
 * one PutObject. Memory: the part being filled plus at most `maxInFlight` parts being sent. Any
 * failure aborts the upload (and the bucket's lifecycle rule aborts what a crash leaves behind).
 * `multipartCopy` copies an object of any size (CopyObject stops at 5 GiB) as UploadPartCopy ranges.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';

/** S3's smallest part, the last apart. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** The part size this code sends. */
export const PART_BYTES = 8 * 1024 * 1024;

/** An object as written: where, which version, its whole-object SHA-256 (lowercase hex) and size. */
export interface WrittenObject {
  readonly key: string;
  readonly versionId?: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Where streamed bytes go; `complete` makes the object exist, `abort` makes sure it never does. */
export interface OutputSink {
  write(bytes: Uint8Array | string): Promise<void>;
  complete(): Promise<WrittenObject>;
  abort(): Promise<void>;
}

export interface MultipartTarget {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  /** @default none */
  readonly metadata?: Record<string, string>;
  /** @default PART_BYTES */
  readonly partBytes?: number;
  /** Parts sent at once while the next one fills. @default 2 */
  readonly maxInFlight?: number;
}

interface SentPart {
  readonly PartNumber: number;
  readonly ETag: string;
  readonly ChecksumSHA256?: string;
}

const sha256Base64 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

/** Streams one object into S3 as a multipart upload (a PutObject when it stays small). */
export class MultipartOutput implements OutputSink {
  private readonly whole: Hash = createHash('sha256');
  private readonly partBytes: number;
  private readonly maxInFlight: number;
  private filling: Buffer[] = [];
  private fillingBytes = 0;
  private total = 0;
  private uploadId: Promise<string> | undefined;
  private readonly sent: Promise<SentPart>[] = [];
  private inFlight: Promise<SentPart>[] = [];
  private finished = false;

  constructor(
    private readonly s3: S3Client,
    private readonly target: MultipartTarget,
  ) {
    this.partBytes = Math.max(MIN_PART_BYTES, target.partBytes ?? PART_BYTES);
    this.maxInFlight = Math.max(1, target.maxInFlight ?? 2);
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.total;
  }

  async write(data: Uint8Array | string): Promise<void> {
    if (this.finished) throw new Error(`s3://${this.target.bucket}/${this.target.key}: write after the upload was completed or aborted`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length === 0) return;
    this.whole.update(bytes);
    this.total += bytes.length;
    this.filling.push(bytes);
    this.fillingBytes += bytes.length;
    while (this.fillingBytes >= this.partBytes) await this.sendPart(this.takePart(this.partBytes));
  }

  /** Sends bytes as the next part (an UploadPart); the caller keeps parts but the last at MIN_PART_BYTES or more. */
  private async sendPart(body: Buffer): Promise<void> {
    const uploadId = this.started();
    const PartNumber = this.sent.length + 1;
    const checksum = sha256Base64(body);
    const part = uploadId.then(async (UploadId) => {
      const answer = await this.s3.send(
        new UploadPartCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId, PartNumber, Body: body, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: checksum }),
      );
      if (answer.ETag === undefined) throw new Error(`s3://${this.target.bucket}/${this.target.key}: part ${PartNumber} came back without an ETag`);
      return { PartNumber, ETag: answer.ETag, ChecksumSHA256: answer.ChecksumSHA256 ?? checksum };
    });
    await this.track(part);
  }

  /**
   * Copies a byte range of an existing object in as the next part (UploadPartCopy: the bytes stay in
   * S3). The caller has already hashed them (see `hashOnly`) and keeps the size rule.
   */
  async copyPart(source: { copySource: string; start: number; end: number }): Promise<void> {
    if (this.fillingBytes > 0) throw new Error('copyPart: send the bytes being filled first (flushPart)');
    const uploadId = this.started();
    const PartNumber = this.sent.length + 1;
    const part = uploadId.then(async (UploadId) => {
      const answer = await this.s3.send(
        new UploadPartCopyCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          UploadId,
          PartNumber,
          CopySource: source.copySource,
          CopySourceRange: `bytes=${source.start}-${source.end - 1}`,
        }),
      );
      const etag = answer.CopyPartResult?.ETag;
      if (etag === undefined) throw new Error(`s3://${this.target.bucket}/${this.target.key}: copied part ${PartNumber} came back without an ETag`);
      return { PartNumber, ETag: etag, ...(answer.CopyPartResult?.ChecksumSHA256 ? { ChecksumSHA256: answer.CopyPartResult.ChecksumSHA256 } : {}) };
    });
    this.total += source.end - source.start;
    await this.track(part);
  }

  /** Adds bytes to the whole-object hash only: they reach the object by `copyPart`. */
  hashOnly(bytes: Uint8Array): void {
    this.whole.update(bytes);
  }

  /** Bytes written but not yet sent as a part. */
  get pendingBytes(): number {
    return this.fillingBytes;
  }

  /** Sends what is being filled as a part now (it must be MIN_PART_BYTES or more, unless nothing follows). */
  async flushPart(): Promise<void> {
    if (this.fillingBytes > 0) await this.sendPart(this.takePart(this.fillingBytes));
  }

  private async track(part: Promise<SentPart>): Promise<void> {
    // Settled at once, so a failed part is never an unhandled rejection while others are awaited.
    part.catch(() => undefined);
    this.sent.push(part);
    this.inFlight.push(part);
    while (this.inFlight.length > this.maxInFlight) await this.inFlight.shift();
  }

  private started(): Promise<string> {
    this.uploadId ??= this.s3
      .send(
        new CreateMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          ContentType: this.target.contentType,
          ChecksumAlgorithm: 'SHA256',
          ...(this.target.metadata === undefined ? {} : { Metadata: this.target.metadata }),
        }),
      )
      .then((created) => {
        if (created.UploadId === undefined) throw new Error(`s3://${this.target.bucket}/${this.target.key}: CreateMultipartUpload returned no upload id`);
        return created.UploadId;
      });
    this.uploadId.catch(() => undefined);
    return this.uploadId;
  }

  private takePart(size: number): Buffer {
    const all = this.filling.length === 1 ? this.filling[0] : Buffer.concat(this.filling, this.fillingBytes);
    const part = all.subarray(0, size);
    const rest = all.subarray(size);
    this.filling = rest.length > 0 ? [rest] : [];
    this.fillingBytes = rest.length;
    return part;
  }

  async complete(): Promise<WrittenObject> {
    if (this.finished) throw new Error(`s3://${this.target.bucket}/${this.target.key}: completed twice`);
    try {
      const sha256 = this.whole.digest();
      const written = this.uploadId === undefined ? await this.putWhole(sha256) : await this.completeUpload();
      this.finished = true;
      return { key: this.target.key, ...written, sha256: sha256.toString('hex'), bytes: this.total };
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  /** Small enough for one request: S3 checks the body against the whole-object SHA-256. */
  private async putWhole(sha256: Buffer): Promise<{ versionId?: string }> {
    const body = Buffer.concat(this.filling, this.fillingBytes);
    const put = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        Body: body,
        ContentType: this.target.contentType,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: sha256.toString('base64'),
        ...(this.target.metadata === undefined ? {} : { Metadata: this.target.metadata }),
      }),
    );
    return put.VersionId === undefined ? {} : { versionId: put.VersionId };
  }

  private async completeUpload(): Promise<{ versionId?: string }> {
    await this.flushPart();
    const UploadId = await (this.uploadId as Promise<string>);
    const Parts = await Promise.all(this.sent);
    const done = await this.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId, MultipartUpload: { Parts } }),
    );
    return done.VersionId === undefined ? {} : { versionId: done.VersionId };
  }

  /** Makes sure the object never appears; a failure to abort is left to the lifecycle rule. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.filling = [];
    this.fillingBytes = 0;
    if (this.uploadId === undefined) return;
    try {
      const UploadId = await this.uploadId;
      await Promise.allSettled(this.sent);
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId }));
    } catch {
      // No upload id (the create failed), or the abort failed: the lifecycle rule aborts incomplete uploads.
    }
  }
}

/** S3 CopyObject copies at most this many bytes (5 GiB); a larger object is copied in parts. */
export const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;
/** The part size of a multipart copy (UploadPartCopy takes up to 5 GiB per part). */
export const COPY_PART_BYTES = 1024 ** 3;
/** S3's most parts in one upload. */
export const MAX_PARTS = 10_000;

export interface MultipartCopy {
  readonly copySource: string;
  /** Size of the source object. */
  readonly bytes: number;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  /** @default COPY_PART_BYTES, grown to stay within MAX_PARTS */
  readonly partBytes?: number;
}

/**
 * Copies an object of any size server-side as a multipart upload of UploadPartCopy ranges, created
 * only if the key is free (`If-None-Match: *` on CompleteMultipartUpload; S3 answers 412 otherwise).
 * Any failure aborts the upload and is raised (the 412 too, for the caller to look at what is there).
 */
export async function multipartCopy(s3: S3Client, copy: MultipartCopy): Promise<void> {
  const partBytes = Math.max(MIN_PART_BYTES, copy.partBytes ?? COPY_PART_BYTES, Math.ceil(copy.bytes / MAX_PARTS));
  const created = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: copy.bucket, Key: copy.key, ContentType: copy.contentType, Metadata: copy.metadata, ChecksumAlgorithm: 'SHA256' }),
  );
  const UploadId = created.UploadId;
  if (UploadId === undefined) throw new Error(`s3://${copy.bucket}/${copy.key}: CreateMultipartUpload returned no upload id`);
  try {
    const Parts: SentPart[] = [];
    for (let start = 0, PartNumber = 1; start < copy.bytes; start += partBytes, PartNumber++) {
      const end = Math.min(copy.bytes, start + partBytes);
      const answer = await s3.send(
        new UploadPartCopyCommand({ Bucket: copy.bucket, Key: copy.key, UploadId, PartNumber, CopySource: copy.copySource, CopySourceRange: `bytes=${start}-${end - 1}` }),
      );
      const ETag = answer.CopyPartResult?.ETag;
      if (ETag === undefined) throw new Error(`s3://${copy.bucket}/${copy.key}: copied part ${PartNumber} came back without an ETag`);
      Parts.push({ PartNumber, ETag, ...(answer.CopyPartResult?.ChecksumSHA256 ? { ChecksumSHA256: answer.CopyPartResult.ChecksumSHA256 } : {}) });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: copy.bucket, Key: copy.key, UploadId, MultipartUpload: { Parts }, IfNoneMatch: '*' }));
  } catch (err) {
    // Aborting after a lost Complete answer is harmless: the object exists, the upload id is gone.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: copy.bucket, Key: copy.key, UploadId })).catch(() => undefined);
    throw err;
  }
}
