import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Body } from '../../support/s3-body';

export function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

interface Version {
  readonly versionId: string;
  readonly body: string;
  readonly metadata?: Record<string, string>;
}

/**
 * Versioned S3 buckets in memory behind aws-sdk-client-mock: puts honour `If-None-Match: *` (412
 * when the key exists), lists and gets read back what was put, deletes remove one version.
 */
export function memoryBuckets() {
  const mock = mockClient(S3Client);
  const buckets = new Map<string, Map<string, Version[]>>();
  let counter = 0;
  const bucket = (name: string) => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = new Map()));
    return b;
  };
  const install = () => {
    mock.on(PutObjectCommand).callsFake((input) => {
      const versions = bucket(input.Bucket).get(input.Key) ?? [];
      if (input.IfNoneMatch === '*' && versions.length > 0) throw s3Error('PreconditionFailed', 412);
      const versionId = `v${++counter}`;
      versions.push({ versionId, body: String(input.Body), metadata: input.Metadata });
      bucket(input.Bucket).set(input.Key, versions);
      return { VersionId: versionId, ETag: `"${versionId}"` };
    });
    mock.on(GetObjectCommand).callsFake((input) => {
      const versions = bucket(input.Bucket).get(input.Key) ?? [];
      const version = input.VersionId ? versions.find((v) => v.versionId === input.VersionId) : versions[versions.length - 1];
      if (!version) throw s3Error('NoSuchKey', 404);
      return { Body: s3Body(version.body), VersionId: version.versionId, Metadata: version.metadata };
    });
    mock.on(ListObjectsV2Command).callsFake((input) => ({
      Contents: [...bucket(input.Bucket).keys()].filter((k) => k.startsWith(input.Prefix ?? '') && (bucket(input.Bucket).get(k)?.length ?? 0) > 0).sort().map((Key) => ({ Key })),
      IsTruncated: false,
    }));
    mock.on(ListObjectVersionsCommand).callsFake((input) => ({
      Versions: [...bucket(input.Bucket).entries()]
        .filter(([k]) => k.startsWith(input.Prefix ?? ''))
        .flatMap(([Key, versions]) => versions.map((v, i) => ({ Key, VersionId: v.versionId, IsLatest: i === versions.length - 1 }))),
      IsTruncated: false,
    }));
    mock.on(DeleteObjectsCommand).callsFake((input) => {
      for (const { Key, VersionId } of input.Delete?.Objects ?? []) {
        const versions = bucket(input.Bucket).get(Key as string) ?? [];
        bucket(input.Bucket).set(Key as string, versions.filter((v) => v.versionId !== VersionId));
      }
      return { Deleted: input.Delete?.Objects ?? [], Errors: [] };
    });
  };
  install();
  return {
    mock,
    /** Current text of every key under a prefix. */
    objects(name: string, prefix = ''): Record<string, string> {
      return Object.fromEntries(
        [...bucket(name).entries()]
          .filter(([k, v]) => k.startsWith(prefix) && v.length > 0)
          .map(([k, v]) => [k, v[v.length - 1].body]),
      );
    },
    versions(name: string, key: string): Version[] {
      return bucket(name).get(key) ?? [];
    },
    put(name: string, key: string, body: string, metadata?: Record<string, string>): string {
      const versionId = `v${++counter}`;
      const versions = bucket(name).get(key) ?? [];
      versions.push({ versionId, body, metadata });
      bucket(name).set(key, versions);
      return versionId;
    },
    reset() {
      mock.reset();
      buckets.clear();
      install();
    },
  };
}
