/**
 * S3 as far as the gateway, the delivery function and the ledger rely on it: versioned buckets,
 * `If-None-Match: *` on PutObject and CopyObject (412 when the key has a current version), checksums
 * verified on put and returned with `ChecksumMode`, metadata, copies of a given version, listings,
 * replication status, and the ledger's write-once prefix (Object Lock COMPLIANCE plus the bucket
 * policy that denies a put without `If-None-Match`: no overwrite, no delete), multipart uploads
 * (parts checked against their SHA-256, every part but the last at least 5 MiB, UploadPartCopy of a
 * byte range, a completed object's checksum the hash of part hashes as S3 makes it) and ranged GETs.
 */
import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { s3Body } from '../../support/s3-body';

export interface S3Version {
  readonly versionId: string;
  readonly body: Buffer;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
  /** Base64 SHA-256 of the body, as S3 keeps it for an object written with a SHA-256 checksum. */
  readonly checksumSha256: string;
  readonly etag: string;
  readonly lastModified: Date;
  replicationStatus?: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';
}

interface Bucket {
  readonly objects: Map<string, S3Version[]>;
  /** Keys under this prefix can be created once and never replaced or deleted. */
  readonly writeOncePrefix?: string;
}

export interface Created {
  readonly bucket: string;
  readonly key: string;
  readonly version: S3Version;
}

function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error(`fake S3: unsupported body type ${typeof body}`);
}

const sha256Base64 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

/**
 * An ETag from the object's SHA-256 (an SSE-KMS object's ETag is opaque, not an MD5, and nothing under
 * test reads one as a hash): hashing each body once keeps tests that move tens of MB fast.
 */
const etagOf = (checksum: string): string => {
  const [hash, parts] = checksum.split('-');
  return `"${Buffer.from(hash as string, 'base64').toString('hex').slice(0, 32)}${parts === undefined ? '' : `-${parts}`}"`;
};

type Input = Record<string, unknown>;

/** Bytes of a GetObject body per chunk, as an HTTP response stream delivers them. */
const BODY_CHUNK_BYTES = 64 * 1024;

/** A GetObject body that streams in chunks (a body read whole would hide how far a reader has got). */
function chunkedBody(bytes: Buffer): ReturnType<typeof s3Body> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += BODY_CHUNK_BYTES) chunks.push(bytes.subarray(i, i + BODY_CHUNK_BYTES));
  const whole = s3Body(bytes) as unknown as Record<string, unknown>;
  return Object.assign(Readable.from(chunks), {
    transformToString: whole.transformToString,
    transformToByteArray: whole.transformToByteArray,
    transformToWebStream: whole.transformToWebStream,
  }) as unknown as ReturnType<typeof s3Body>;
}

/** S3's smallest part, the last apart. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
  readonly parts: Map<number, { body: Buffer; etag: string; checksum: string }>;
}

export class FakeS3 {
  private readonly buckets = new Map<string, Bucket>();
  private versionCounter = 0;
  private uploadCounter = 0;
  /** Multipart uploads begun and neither completed nor aborted (what a crash leaves for the lifecycle rule). */
  public readonly uploads = new Map<string, Upload>();
  /** Called after every object creation (the world turns them into S3 events). */
  public onCreated: (created: Created) => void = () => undefined;

  createBucket(name: string, options: { writeOncePrefix?: string } = {}): void {
    this.buckets.set(name, { objects: new Map(), ...(options.writeOncePrefix === undefined ? {} : { writeOncePrefix: options.writeOncePrefix }) });
  }

  /** The current version of a key, if any. */
  current(bucket: string, key: string): S3Version | undefined {
    const versions = this.bucket(bucket).objects.get(key);
    return versions?.[versions.length - 1];
  }

  versions(bucket: string, key: string): readonly S3Version[] {
    return this.bucket(bucket).objects.get(key) ?? [];
  }

  /** Current objects under a prefix, in key order. */
  list(bucket: string, prefix = ''): { key: string; version: S3Version }[] {
    return [...this.bucket(bucket).objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, versions]) => ({ key, version: versions[versions.length - 1] as S3Version }));
  }

  /** Writes an object directly (the world: raw records landing, replication into a landing bucket). */
  write(bucket: string, key: string, body: string | Buffer, metadata: Record<string, string> = {}): S3Version {
    return this.store(bucket, key, bytesOf(body), metadata, undefined);
  }

  execute(command: string, input: Input): unknown {
    switch (command) {
      case 'PutObjectCommand':
        return this.putObject(input);
      case 'GetObjectCommand':
        return this.getObject(input);
      case 'HeadObjectCommand':
        return this.headObject(input);
      case 'CopyObjectCommand':
        return this.copyObject(input);
      case 'ListObjectsV2Command':
        return this.listObjects(input);
      case 'DeleteObjectCommand':
        return this.deleteObject(input);
      case 'CreateMultipartUploadCommand':
        return this.createUpload(input);
      case 'UploadPartCommand':
        return this.uploadPart(input);
      case 'UploadPartCopyCommand':
        return this.uploadPartCopy(input);
      case 'CompleteMultipartUploadCommand':
        return this.completeUpload(input);
      case 'AbortMultipartUploadCommand':
        return this.abortUpload(input);
      default:
        throw new Error(`fake S3: ${command} is not modelled`);
    }
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) throw s3Error('NoSuchBucket', 404, `The specified bucket ${name} does not exist`);
    return bucket;
  }

  private store(bucketName: string, key: string, body: Buffer, metadata: Record<string, string>, contentType: string | undefined, checksum?: string): S3Version {
    const bucket = this.bucket(bucketName);
    this.versionCounter += 1;
    const sha = checksum ?? sha256Base64(body);
    const version: S3Version = {
      versionId: `ver${String(this.versionCounter).padStart(6, '0')}`,
      body,
      metadata: { ...metadata },
      ...(contentType === undefined ? {} : { contentType }),
      checksumSha256: sha,
      etag: etagOf(sha),
      lastModified: new Date(),
    };
    const versions = bucket.objects.get(key) ?? [];
    versions.push(version);
    bucket.objects.set(key, versions);
    this.onCreated({ bucket: bucketName, key, version });
    return version;
  }

  /** The conditions of a write to `key`: write-once prefixes, `If-None-Match: *`. */
  private admitWrite(bucketName: string, key: string, ifNoneMatch: unknown): void {
    const bucket = this.bucket(bucketName);
    const writeOnce = bucket.writeOncePrefix !== undefined && key.startsWith(bucket.writeOncePrefix);
    if (writeOnce && ifNoneMatch !== '*') throw s3Error('AccessDenied', 403, 'the bucket policy denies a put without If-None-Match');
    if (ifNoneMatch === '*' && this.current(bucketName, key) !== undefined) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
    if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new Error(`fake S3: If-None-Match ${String(ifNoneMatch)} is not modelled`);
  }

  private putObject(input: Input): unknown {
    const bucket = String(input.Bucket);
    const key = String(input.Key);
    const body = bytesOf(input.Body);
    this.admitWrite(bucket, key, input.IfNoneMatch);
    const checksum = sha256Base64(body);
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== checksum) {
      throw s3Error('BadDigest', 400, 'The SHA256 you specified did not match the calculated checksum.');
    }
    const version = this.store(bucket, key, body, (input.Metadata as Record<string, string> | undefined) ?? {}, input.ContentType as string | undefined, checksum);
    return { VersionId: version.versionId, ETag: version.etag, ChecksumSHA256: version.checksumSha256, $metadata: { httpStatusCode: 200, attempts: 1 } };
  }

  private find(input: Input, missing: () => S3ServiceException): S3Version {
    const bucket = String(input.Bucket);
    const key = String(input.Key);
    const versions = this.versions(bucket, key);
    const version = input.VersionId === undefined ? versions[versions.length - 1] : versions.find((v) => v.versionId === input.VersionId);
    if (version === undefined) throw missing();
    return version;
  }

  private described(version: S3Version, input: Input): Record<string, unknown> {
    return {
      VersionId: version.versionId,
      ETag: version.etag,
      ContentLength: version.body.length,
      ContentType: version.contentType,
      Metadata: { ...version.metadata },
      LastModified: version.lastModified,
      ...(input.ChecksumMode === 'ENABLED' ? { ChecksumSHA256: version.checksumSha256 } : {}),
      ...(version.replicationStatus === undefined ? {} : { ReplicationStatus: version.replicationStatus }),
      $metadata: { httpStatusCode: 200 },
    };
  }

  private getObject(input: Input): unknown {
    const version = this.find(input, () => new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }));
    if (input.Range === undefined) return { ...this.described(version, input), Body: chunkedBody(version.body) };
    const { start, end } = this.range(String(input.Range), version.body.length);
    return {
      ...this.described(version, input),
      ContentLength: end - start,
      ContentRange: `bytes ${start}-${end - 1}/${version.body.length}`,
      Body: chunkedBody(version.body.subarray(start, end)),
      $metadata: { httpStatusCode: 206 },
    };
  }

  /** `bytes=a-b` (inclusive) or `bytes=a-` as [start, end). */
  private range(header: string, size: number): { start: number; end: number } {
    const match = /^bytes=(\d+)-(\d*)$/.exec(header);
    if (match === null) throw new Error(`fake S3: range ${header} is not modelled`);
    const start = Number(match[1]);
    const end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
    if (start >= size || end <= start) throw s3Error('InvalidRange', 416, 'The requested range is not satisfiable');
    return { start, end };
  }

  private upload(input: Input): Upload {
    const upload = this.uploads.get(String(input.UploadId));
    if (upload === undefined || upload.bucket !== input.Bucket || upload.key !== input.Key) throw s3Error('NoSuchUpload', 404, 'The specified upload does not exist.');
    return upload;
  }

  private createUpload(input: Input): unknown {
    this.bucket(String(input.Bucket));
    if (input.ChecksumAlgorithm !== 'SHA256') throw new Error('fake S3: only SHA-256 multipart uploads are modelled');
    this.uploadCounter += 1;
    const id = `upload${String(this.uploadCounter).padStart(6, '0')}`;
    this.uploads.set(id, {
      bucket: String(input.Bucket),
      key: String(input.Key),
      metadata: { ...((input.Metadata as Record<string, string> | undefined) ?? {}) },
      ...(input.ContentType === undefined ? {} : { contentType: String(input.ContentType) }),
      parts: new Map(),
    });
    return { UploadId: id, Bucket: input.Bucket, Key: input.Key, $metadata: { httpStatusCode: 200 } };
  }

  private addPart(upload: Upload, number: unknown, body: Buffer, checksum = sha256Base64(body)): { ETag: string; ChecksumSHA256: string } {
    const partNumber = Number(number);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw s3Error('InvalidArgument', 400, 'Part number must be an integer between 1 and 10000');
    const part = { body, etag: etagOf(checksum), checksum };
    upload.parts.set(partNumber, part);
    return { ETag: part.etag, ChecksumSHA256: part.checksum };
  }

  private uploadPart(input: Input): unknown {
    const upload = this.upload(input);
    const body = bytesOf(input.Body);
    const checksum = sha256Base64(body);
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== checksum) {
      throw s3Error('BadDigest', 400, 'The SHA256 you specified did not match the calculated checksum.');
    }
    return { ...this.addPart(upload, input.PartNumber, body, checksum), $metadata: { httpStatusCode: 200 } };
  }

  private uploadPartCopy(input: Input): unknown {
    const upload = this.upload(input);
    const from = this.copySource(String(input.CopySource));
    const { start, end } = input.CopySourceRange === undefined ? { start: 0, end: from.body.length } : this.range(String(input.CopySourceRange), from.body.length);
    const part = this.addPart(upload, input.PartNumber, from.body.subarray(start, end));
    return { CopyPartResult: part, $metadata: { httpStatusCode: 200 } };
  }

  private completeUpload(input: Input): unknown {
    const upload = this.upload(input);
    const listed = ((input.MultipartUpload as { Parts?: Array<{ PartNumber?: number; ETag?: string }> } | undefined)?.Parts ?? []);
    if (listed.length === 0) throw s3Error('MalformedXML', 400, 'You must specify at least one part');
    const parts = listed.map((entry, i) => {
      const part = upload.parts.get(Number(entry.PartNumber));
      if (part === undefined || part.etag !== entry.ETag) throw s3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.');
      if (i > 0 && Number(entry.PartNumber) <= Number(listed[i - 1]?.PartNumber)) throw s3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order.');
      if (i < listed.length - 1 && part.body.length < MIN_PART_BYTES) throw s3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.');
      return part;
    });
    this.admitWrite(upload.bucket, upload.key, input.IfNoneMatch);
    const body = Buffer.concat(parts.map((p) => p.body));
    // What S3 keeps for a multipart object: the hash of the part hashes, with the part count.
    const composite = `${createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p.checksum, 'base64')))).digest('base64')}-${parts.length}`;
    this.uploads.delete(String(input.UploadId));
    const version = this.store(upload.bucket, upload.key, body, upload.metadata, upload.contentType, composite);
    return { VersionId: version.versionId, ETag: version.etag, ChecksumSHA256: composite, Bucket: upload.bucket, Key: upload.key, $metadata: { httpStatusCode: 200 } };
  }

  private abortUpload(input: Input): unknown {
    this.upload(input);
    this.uploads.delete(String(input.UploadId));
    return { $metadata: { httpStatusCode: 204 } };
  }

  private copySource(source: string): S3Version {
    const match = /^([^/]+)\/([^?]+)(?:\?versionId=(.+))?$/.exec(source);
    if (match === null) throw s3Error('InvalidArgument', 400, `bad x-amz-copy-source ${source}`);
    const sourceKey = (match[2] as string).split('/').map(decodeURIComponent).join('/');
    const versionId = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    return this.find({ Bucket: match[1], Key: sourceKey, VersionId: versionId }, () => new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }));
  }

  private headObject(input: Input): unknown {
    return this.described(this.find(input, () => new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' })), input);
  }

  private copyObject(input: Input): unknown {
    const from = this.copySource(String(input.CopySource));
    const bucket = String(input.Bucket);
    const key = String(input.Key);
    this.admitWrite(bucket, key, input.IfNoneMatch);
    const replace = input.MetadataDirective === 'REPLACE';
    const metadata = replace ? ((input.Metadata as Record<string, string> | undefined) ?? {}) : from.metadata;
    const contentType = replace ? (input.ContentType as string | undefined) : from.contentType;
    // The same bytes: a whole-object checksum carries over (a multipart source's composite one does not).
    const version = this.store(bucket, key, from.body, metadata, contentType, from.checksumSha256.includes('-') ? undefined : from.checksumSha256);
    return { VersionId: version.versionId, CopyObjectResult: { ETag: version.etag, ChecksumSHA256: version.checksumSha256 }, $metadata: { httpStatusCode: 200 } };
  }

  private listObjects(input: Input): unknown {
    const contents = this.list(String(input.Bucket), (input.Prefix as string | undefined) ?? '').map(({ key, version }) => ({ Key: key, Size: version.body.length, ETag: version.etag }));
    return { Contents: contents, KeyCount: contents.length, IsTruncated: false, $metadata: { httpStatusCode: 200 } };
  }

  private deleteObject(input: Input): unknown {
    const bucket = this.bucket(String(input.Bucket));
    const key = String(input.Key);
    if (bucket.writeOncePrefix !== undefined && key.startsWith(bucket.writeOncePrefix)) {
      throw s3Error('AccessDenied', 403, 'Object Lock: the object is under COMPLIANCE retention');
    }
    throw new Error('fake S3: DeleteObject (delete markers) is not modelled: no code under test deletes');
  }
}
