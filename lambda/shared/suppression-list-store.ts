/**
 * Reads the suppression list from S3 (`subjects/suppression-list.json` in the home C1 store). A list
 * that does not exist yet is empty (nobody has opted out); any other failure, or a list that does
 * not validate, throws: the gate must not transfer without knowing who is suppressed.
 */
import { GetObjectCommand, NoSuchKey, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { parseSuppressionListText, type SuppressionList } from '../core/suppression-list';

export const SUPPRESSION_LIST_KEY = 'subjects/suppression-list.json';

export interface SuppressionListRef {
  readonly bucket: string;
  readonly key: string;
}

function isMissing(err: unknown): boolean {
  return err instanceof NoSuchKey || (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404));
}

/** The list at `ref` (a given version, when named), or an empty list when none exists yet. */
export async function readSuppressionList(s3: S3Client, ref: SuppressionListRef & { versionId?: string }): Promise<SuppressionList & { versionId?: string }> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
    const text = (await object.Body?.transformToString('utf-8')) ?? '';
    return { ...parseSuppressionListText(text, `s3://${ref.bucket}/${ref.key}`), ...(object.VersionId ? { versionId: object.VersionId } : {}) };
  } catch (err) {
    if (isMissing(err) && ref.versionId === undefined) return { version: 0, entries: [] };
    throw err;
  }
}
