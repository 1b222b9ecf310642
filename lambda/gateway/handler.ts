/**
 * Transfer gateway: raw object created (EventBridge) or a backfill batch (Step Functions Distributed
 * Map) → desensitize under every active rule → declare → deliver to the outbound prefix.
 * Thin shell: clients, logger and metrics at module scope; the work is in transfer-object.ts.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { compileTransferRule, type DesensitizePlan } from '../core/desensitize';
import { appendOnce, LedgerStore } from '../shared/ledger-store';
import { readSuppressionList } from '../shared/suppression-list-store';
import { readGatewayEnvironment } from './environment';
import { HeadcountStore } from './headcount-store';
import { deriveTokenKey } from './token-key';
import { type ObjectRef, type RuleOutcome, transferObject, type TransferPorts } from './transfer-object';

const env = readGatewayEnvironment(process.env);
const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const kms = tracer.captureAWSv3Client(new KMSClient({}));
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const ledger = new LedgerStore({ s3, dynamodb, bucket: env.ledgerBucket, headTable: env.ledgerHeadTable });
const headcounts = new HeadcountStore(dynamodb, env.headcountTable);

let plans: Promise<DesensitizePlan[]> | undefined;
/** One KMS call per execution environment (see token-key.ts); a failure is retried on the next event. */
function compiledPlans(): Promise<DesensitizePlan[]> {
  plans ??= deriveTokenKey(kms, env.tokenKeyId).then((key) => env.rules.map((rule) => compileTransferRule(rule, key)));
  return plans.catch((err: unknown) => {
    plans = undefined;
    throw err;
  });
}

const ports: TransferPorts = {
  async readText(ref) {
    const object = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
    if (!object.Body) throw new Error(`s3://${ref.bucket}/${ref.key} has no body`);
    return { text: await object.Body.transformToString('utf-8'), versionId: object.VersionId };
  },
  async put({ bucket, key, body, metadata }) {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata, ContentType: 'application/x-ndjson', ChecksumAlgorithm: 'SHA256' }),
    );
  },
  async declare(body) {
    const entry = await appendOnce(ledger, {
      kind: 'declaration',
      declaredAt: new Date().toISOString(),
      ...body,
      rule: { ...body.rule, version: String(body.rule.version) },
    });
    return { seq: entry.seq, hash: entry.hash };
  },
  countSubjects: (batch) => headcounts.record(batch),
  ...(env.suppressionList ? { suppressionTokens: async () => (await readSuppressionList(s3, env.suppressionList!)).entries.map((e) => e.token) } : {}),
};

const settings = {
  outboundBucket: env.outboundBucket,
  outboundPrefix: env.outboundPrefix,
  rawPrefix: env.rawPrefix,
  quarantinePrefix: env.quarantinePrefix,
  exporter: env.exporter,
};

const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 7 * 24 * 3600 });
/** Same object version under the same rule versions → same result, delivered once. */
const transferOnce = makeIdempotent(
  async (job: ObjectRef & { rules: string }): Promise<RuleOutcome[]> =>
    transferObject({ bucket: job.bucket, key: job.key, ...(job.versionId ? { versionId: job.versionId } : {}) }, await compiledPlans(), settings, ports, new Date()),
  { persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.idempotencyTable }), config: idempotency },
);

const RULES_FINGERPRINT = env.rules.map((r) => `${r.id}@${r.version}`).join(',');

/** S3 "Object Created" through EventBridge. */
interface ObjectCreatedEvent {
  readonly 'detail-type': 'Object Created';
  readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly 'version-id'?: string } };
}
/** A Distributed Map batch over an S3 prefix (backfill). */
interface BackfillBatch {
  readonly Items: ReadonlyArray<{ readonly Key: string }>;
  readonly BatchInput: { readonly bucket: string };
}

export function objectsOf(event: ObjectCreatedEvent | BackfillBatch): ObjectRef[] {
  if ('Items' in event) return event.Items.map((item) => ({ bucket: event.BatchInput.bucket, key: item.Key }));
  if (event['detail-type'] === 'Object Created') {
    return [{ bucket: event.detail.bucket.name, key: event.detail.object.key, versionId: event.detail.object['version-id'] }];
  }
  throw new Error(`unsupported event: ${JSON.stringify(event).slice(0, 200)}`);
}

export const handler = async (event: ObjectCreatedEvent | BackfillBatch, context: Context) => {
  idempotency.registerLambdaContext(context);
  logger.addContext(context);
  try {
    const results = [];
    for (const ref of objectsOf(event)) {
      // Keyed on object version and rule versions; only the (undefined-free) outcome is stored.
      const outcomes = await transferOnce({ ...ref, rules: RULES_FINGERPRINT });
      for (const outcome of outcomes) {
        logger.info('transfer', { object: ref.key, ...outcome });
        if (outcome.status === 'rule_inactive') {
          metrics.addMetric('RuleInactive', MetricUnit.Count, 1);
          continue;
        }
        metrics.addMetric('RecordsIn', MetricUnit.Count, outcome.read);
        metrics.addMetric('RecordsOut', MetricUnit.Count, outcome.written);
        metrics.addMetric('RecordsQuarantined', MetricUnit.Count, outcome.quarantined);
        metrics.addMetric('RecordsSuppressed', MetricUnit.Count, outcome.suppressed);
        metrics.addMetric('SafetyNetRedactions', MetricUnit.Count, outcome.safetyNetRedactions);
        if (outcome.distinctSubjects !== undefined) {
          const single = metrics.singleMetric();
          single.addDimension('Exporter', settings.exporter);
          single.addDimension('Kind', 'sensitive');
          single.addMetric('DistinctSubjects', MetricUnit.Count, outcome.distinctSubjects);
        }
      }
      results.push({ object: ref.key, outcomes });
    }
    return { results };
  } finally {
    metrics.publishStoredMetrics();
  }
};
