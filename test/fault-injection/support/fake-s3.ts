/**
 * S3 as far as the gateway, the delivery function and the ledger rely on it: versioned buckets,
 * `If-None-Match: *` on PutObject and CopyObject (412 when the key has a current version), checksums
 * verified on put and returned with `ChecksumMode`, metadata, copies of a given version, listings,
 * replication status, and the ledger's write-once prefix (Object Lock COMPLIANCE plus the bucket
 * policy that denies a put without `If-None-Match`: no overwrite, no delete).
 */
import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
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

type Input = Record<string, unknown>;

export class FakeS3 {
  private readonly buckets = new Map<string, Bucket>();
  private versionCounter = 0;
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
      default:
        throw new Error(`fake S3: ${command} is not modelled`);
    }
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) throw s3Error('NoSuchBucket', 404, `The specified bucket ${name} does not exist`);
    return bucket;
  }

  private store(bucketName: string, key: string, body: Buffer, metadata: Record<string, string>, contentType: string | undefined): S3Version {
    const bucket = this.bucket(bucketName);
    this.versionCounter += 1;
    const version: S3Version = {
      versionId: `ver${String(this.versionCounter).padStart(6, '0')}`,
      body,
      metadata: { ...metadata },
      ...(contentType === undefined ? {} : { contentType }),
      checksumSha256: sha256Base64(body),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
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
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== sha256Base64(body)) {
      throw s3Error('BadDigest', 400, 'The SHA256 you specified did not match the calculated checksum.');
    }
    const version = this.store(bucket, key, body, (input.Metadata as Record<string, string> | undefined) ?? {}, input.ContentType as string | undefined);
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
    return { ...this.described(version, input), Body: s3Body(version.body.toString('utf8')) };
  }

  private headObject(input: Input): unknown {
    return this.described(this.find(input, () => new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' })), input);
  }

  private copyObject(input: Input): unknown {
    const source = String(input.CopySource);
    const match = /^([^/]+)\/([^?]+)(?:\?versionId=(.+))?$/.exec(source);
    if (match === null) throw s3Error('InvalidArgument', 400, `bad x-amz-copy-source ${source}`);
    const sourceKey = (match[2] as string).split('/').map(decodeURIComponent).join('/');
    const versionId = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    const from = this.find({ Bucket: match[1], Key: sourceKey, VersionId: versionId }, () => new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }));
    const bucket = String(input.Bucket);
    const key = String(input.Key);
    this.admitWrite(bucket, key, input.IfNoneMatch);
    const replace = input.MetadataDirective === 'REPLACE';
    const metadata = replace ? ((input.Metadata as Record<string, string> | undefined) ?? {}) : from.metadata;
    const contentType = replace ? (input.ContentType as string | undefined) : from.contentType;
    const version = this.store(bucket, key, from.body, metadata, contentType);
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
