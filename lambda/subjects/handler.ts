/**
 * Subject-requests function: declares each change of the suppression list in the ledger and sends
 * the notices (the CDPA hand-on), and executes erasure plans on the home stores. Thin shell: clients
 * at module scope; the work is in respond.ts and erase-objects.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { TokenKey } from '../core/tokens';
import { deriveTokenKey } from '../gateway/token-key';
import { LedgerStore } from '../shared/ledger-store';
import { readSuppressionList } from '../shared/suppression-list-store';
import { executeErasure } from './erase-objects';
import { erasureMatcher, respondToSubjects, type SubjectPorts, type SubjectSettings } from './respond';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`subject-requests environment: missing ${name}`);
  return value;
}

const settings: SubjectSettings = {
  listBucket: required('LIST_BUCKET'),
  listKey: required('LIST_KEY'),
  outboundBucket: required('OUTBOUND_BUCKET'),
  outboundPrefix: required('OUTBOUND_PREFIX'),
  ruleRecipients: JSON.parse(required('RULE_RECIPIENTS')),
  ruleFields: JSON.parse(required('RULE_FIELDS')),
};
const tokenKeyId = required('TOKEN_KEY_ID');
const logger = new Logger();
const s3 = new S3Client({});
const kms = new KMSClient({});
const ledger = new LedgerStore({ s3, dynamodb: new DynamoDBClient({}), bucket: required('LEDGER_BUCKET'), headTable: required('LEDGER_HEAD_TABLE') });

let key: Promise<TokenKey> | undefined;

const ports: SubjectPorts = {
  async listVersions(versionId) {
    const ref = { bucket: settings.listBucket, key: settings.listKey };
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: ref.bucket, Prefix: ref.key }));
    const versions = (listed.Versions ?? []).filter((v) => v.Key === ref.key).sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0));
    const index = versions.findIndex((v) => v.VersionId === versionId);
    if (index === -1) throw new Error(`suppression list version ${versionId} is not listed`);
    const current = await readSuppressionList(s3, { ...ref, versionId });
    const before = index > 0 ? versions[index - 1].VersionId : undefined;
    return { current, ...(before ? { previous: await readSuppressionList(s3, { ...ref, versionId: before }) } : {}) };
  },
  async declare(body) {
    const { entry } = await ledger.appendOnce(body);
    return { seq: entry.seq, hash: entry.hash };
  },
  async putNotice({ key: noticeKey, body, metadata }) {
    await s3.send(new PutObjectCommand({ Bucket: settings.outboundBucket, Key: noticeKey, Body: body, Metadata: metadata, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
  },
  erase: (plan, tokenKey, ruleFields) => executeErasure(s3, plan, erasureMatcher(plan, tokenKey, ruleFields)),
  tokenKey() {
    key ??= deriveTokenKey(kms, tokenKeyId).catch((err: unknown) => {
      key = undefined;
      throw err;
    });
    return key;
  },
};

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  const outcomes = await respondToSubjects(event, settings, ports, new Date());
  for (const outcome of outcomes) logger.info('subject request', { ...outcome });
  return { outcomes };
};
