/**
 * Executes an erasure plan on the real buckets (the SDK path): each planned object is read, the
 * subject's records are removed (core), the rest is written back as a new version, or the object is
 * deleted when nothing else was in it; then every other version of the key, and every delete
 * marker, is deleted, so no noncurrent version still holds the records. Versions are listed again
 * here (the plan's inventory may be a day old).
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { rewriteWithout, type ErasurePlan } from '../core/erasure';
import type { SubjectMatcher } from '../core/suppression';

export interface StoreTotals {
  bucket: string;
  objectsRewritten: number;
  objectsDeleted: number;
  versionsDeleted: number;
  recordsRemoved: number;
}

async function versionsOf(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) if (v.Key === key && v.VersionId) ids.push(v.VersionId);
    if (!page.IsTruncated) return ids;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

export async function executeErasure(s3: S3Client, plan: ErasurePlan, matcher: SubjectMatcher): Promise<StoreTotals[]> {
  const totals = new Map<string, StoreTotals>();
  for (const object of plan.objects) {
    const t = totals.get(object.bucket) ?? { bucket: object.bucket, objectsRewritten: 0, objectsDeleted: 0, versionsDeleted: 0, recordsRemoved: 0 };
    totals.set(object.bucket, t);
    const current = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    const rewrite = rewriteWithout((await current.Body?.transformToString('utf-8')) ?? '', matcher);
    let keep: string | undefined;
    if (rewrite.recordsKept > 0) {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: object.bucket, Key: object.key, Body: rewrite.text, Metadata: { ...(current.Metadata ?? {}), 'residency-erasure': 'rewritten' }, ChecksumAlgorithm: 'SHA256' }),
      );
      keep = put.VersionId;
      t.objectsRewritten++;
    } else {
      t.objectsDeleted++;
    }
    t.recordsRemoved += rewrite.recordsRemoved;
    const doomed = (await versionsOf(s3, object.bucket, object.key)).filter((id) => id !== keep);
    for (let i = 0; i < doomed.length; i += 1000) {
      const batch = doomed.slice(i, i + 1000);
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: object.bucket, Delete: { Objects: batch.map((VersionId) => ({ Key: object.key, VersionId })), Quiet: true } }));
      if ((result.Errors ?? []).length > 0) {
        throw new Error(`erasure of s3://${object.bucket}/${object.key}: ${result.Errors!.length} version(s) could not be deleted (${result.Errors![0].Code}); run the plan again`);
      }
      t.versionsDeleted += batch.length;
    }
  }
  return [...totals.values()];
}
