/**
 * Transfer gateway: raw object created (EventBridge) or a backfill batch (Step Functions Distributed
 * Map) → resolve the object version → desensitize under every active rule → stage → declare →
 * release to the outbound prefix. Thin shell: clients, logger and metrics at module scope; the work
 * is in transfer-object.ts, the I/O in s3-ports.ts.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { compileTransferRule, type DesensitizePlan } from '../core/desensitize';
import { NULL_VERSION_ID } from '../core/ledger';
import { OBJECTS_QUARANTINED_METRIC } from '../shared/gateway-metrics';
import { LedgerStore } from '../shared/ledger-store';
import { SPLIT_ASSEMBLE_EVENT, SPLIT_PART_EVENT, type SplitAssembleJob, type SplitPartJob } from '../shared/split-events';
import { readSuppressionList } from '../shared/suppression-list-store';
import { readGatewayEnvironment } from './environment';
import { HeadcountStore } from './headcount-store';
import { s3TransferPorts } from './s3-ports';
import { assembleSplit, transferPart } from './split-object';
import { deriveTokenKey } from './token-key';
import { type RuleOutcome, type SourceVersion, transferObject } from './transfer-object';

const env = readGatewayEnvironment(process.env);
const RULES_FINGERPRINT = env.rules.map((r) => `${r.id}@${r.version}`).join(',');
const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const kms = tracer.captureAWSv3Client(new KMSClient({}));
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const ledger = new LedgerStore({ s3, dynamodb, bucket: env.ledgerBucket, headTable: env.ledgerHeadTable });
const suppressionList = env.suppressionList;
const split = env.split === undefined ? undefined : { sfn: tracer.captureAWSv3Client(new SFNClient({})), stateMachineArn: env.split.stateMachineArn };
const ports = {
  ...s3TransferPorts({
    s3,
    ledger,
    headcounts: new HeadcountStore(dynamodb, env.headcountTable),
    outboundBucket: env.outboundBucket,
    ...(split === undefined ? {} : { split }),
    ...(env.copyObjectMaxBytes === undefined ? {} : { copyObjectMaxBytes: env.copyObjectMaxBytes }),
  }),
  // Read for every object: a list that cannot be read fails the transfer (fail closed).
  ...(suppressionList ? { suppressionTokens: async () => (await readSuppressionList(s3, suppressionList)).entries.map((e) => e.token) } : {}),
};

let plans: Promise<DesensitizePlan[]> | undefined;
/** One KMS call per execution environment (see token-key.ts); a failure is retried on the next event. */
function compiledPlans(): Promise<DesensitizePlan[]> {
  plans ??= deriveTokenKey(kms, env.tokenKeyId).then((key) => env.rules.map((rule) => compileTransferRule(rule, key)));
  return plans.catch((err: unknown) => {
    plans = undefined;
    throw err;
  });
}

const settings = {
  outboundBucket: env.outboundBucket,
  outboundPrefix: env.outboundPrefix,
  stagingPrefix: env.stagingPrefix,
  rawPrefix: env.rawPrefix,
  quarantinePrefix: env.quarantinePrefix,
  exporter: env.exporter,
  ...(env.maxObjectBytes === undefined ? {} : { maxObjectBytes: env.maxObjectBytes }),
  ...(env.split === undefined ? {} : { split: { objectBytes: env.split.objectBytes, rules: RULES_FINGERPRINT } }),
  // Worker threads start on gateway-worker.js, bundled next to this handler (transfer-object.ts finds it by __dirname).
  ...(env.threads === undefined ? {} : { threads: env.threads }),
};

const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 7 * 24 * 3600 });
/**
 * Same object version under the same rule versions → the stored result, without the work. This saves
 * work only: correctness does not depend on it (the ledger refuses a second declaration of a
 * transfer, and every step resumes), since its record may be lost, expire, or stay in progress.
 */
const transferOnce = makeIdempotent(
  async (job: SourceVersion & { rules: string }, context: Context): Promise<RuleOutcome[]> =>
    transferObject({ bucket: job.bucket, key: job.key, versionId: job.versionId }, await compiledPlans(), settings, ports, new Date(), {
      remainingMs: () => context.getRemainingTimeInMillis(),
    }),
  { persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.idempotencyTable }), config: idempotency },
);

/** A part or the assembly of a split runs under the rule versions it was handed over under, or not at all. */
function checkRules(job: { rules: string }): void {
  if (job.rules !== RULES_FINGERPRINT) {
    throw new Error(`split handed over under rules ${job.rules}, but this gateway runs ${RULES_FINGERPRINT}: refusing to mix rule versions in one output (start the split again)`);
  }
}

/** The split state machine's steps (split-object.ts): not idempotency-wrapped, every step finds its earlier result. */
async function runSplitStep(event: SplitEvent): Promise<{ results: Array<{ object: string; versionId: string; part?: number; outcomes: RuleOutcome[] }> }> {
  if (SPLIT_PART_EVENT in event) {
    const job = event[SPLIT_PART_EVENT];
    checkRules(job);
    const { part } = await transferPart(job, await compiledPlans(), settings, ports);
    return { results: [{ object: job.source.key, versionId: job.source.versionId, part, outcomes: [] }] };
  }
  const job = event[SPLIT_ASSEMBLE_EVENT];
  checkRules(job);
  return { results: [{ object: job.source.key, versionId: job.source.versionId, outcomes: await transferAssembled(job) }] };
}

async function transferAssembled(job: SplitAssembleJob): Promise<RuleOutcome[]> {
  const outcomes = await assembleSplit(job, await compiledPlans(), settings, ports);
  for (const outcome of outcomes) {
    logger.info('transfer (assembled from parts)', { object: job.source.key, versionId: job.source.versionId, parts: job.plan.ranges.length, ...outcome });
    recordMetrics(outcome);
  }
  return outcomes;
}

type SplitEvent = { readonly [SPLIT_PART_EVENT]: SplitPartJob } | { readonly [SPLIT_ASSEMBLE_EVENT]: SplitAssembleJob };

function isSplitEvent(event: object): event is SplitEvent {
  return SPLIT_PART_EVENT in event || SPLIT_ASSEMBLE_EVENT in event;
}

/** S3 "Object Created" through EventBridge. */
interface ObjectCreatedEvent {
  readonly 'detail-type': 'Object Created';
  readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly 'version-id'?: string } };
}
/** A Distributed Map batch over an S3 prefix (backfill): its items carry no version. */
interface BackfillBatch {
  readonly Items: ReadonlyArray<{ readonly Key: string }>;
  readonly BatchInput: { readonly bucket: string };
}

/** The objects an event names, with the version when the event carries it. */
export function objectsOf(event: ObjectCreatedEvent | BackfillBatch): { bucket: string; key: string; versionId?: string }[] {
  if ('Items' in event) return event.Items.map((item) => ({ bucket: event.BatchInput.bucket, key: item.Key }));
  if (event['detail-type'] === 'Object Created') {
    const { object } = event.detail;
    return [{ bucket: event.detail.bucket.name, key: object.key, ...(object['version-id'] ? { versionId: object['version-id'] } : {}) }];
  }
  throw new Error(`unsupported event: ${JSON.stringify(event).slice(0, 200)}`);
}

/**
 * The version to transfer. A live event names it; a backfill item does not, so the current version
 * is looked up *before* anything is keyed on it, and exactly that version is read. The live event and
 * the backfill of one version then share one idempotency key and one ledger identity; a version that
 * arrives meanwhile has its own event, key and output. Undefined when the object is gone (deleted
 * after the listing): nothing to transfer.
 */
async function resolveVersion(ref: { bucket: string; key: string; versionId?: string }): Promise<SourceVersion | undefined> {
  if (ref.versionId !== undefined) return { bucket: ref.bucket, key: ref.key, versionId: ref.versionId };
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    return { bucket: ref.bucket, key: ref.key, versionId: head.VersionId ?? NULL_VERSION_ID };
  } catch (err) {
    if (err instanceof S3ServiceException && (err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404)) return undefined;
    throw err;
  }
}


function recordMetrics(outcome: RuleOutcome): void {
  if (outcome.status === 'rule_inactive') {
    metrics.addMetric('RuleInactive', MetricUnit.Count, 1);
    return;
  }
  if (outcome.status === 'object_quarantined') return;
  if (outcome.status === 'split') {
    metrics.addMetric('ObjectsSplit', MetricUnit.Count, 1);
    return;
  }
  metrics.addMetric('RecordsIn', MetricUnit.Count, outcome.read);
  metrics.addMetric('RecordsOut', MetricUnit.Count, outcome.written);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, outcome.quarantined);
  metrics.addMetric('RecordsSuppressed', MetricUnit.Count, outcome.suppressed);
  metrics.addMetric('SafetyNetRedactions', MetricUnit.Count, outcome.safetyNetRedactions);
  if (outcome.resumed === true) metrics.addMetric('DeclarationsResumed', MetricUnit.Count, 1);
  if (outcome.distinctSubjects !== undefined) {
    const single = metrics.singleMetric();
    single.addDimension('Exporter', settings.exporter);
    single.addDimension('Kind', 'sensitive');
    single.addMetric('DistinctSubjects', MetricUnit.Count, outcome.distinctSubjects);
  }
}

export const handler = async (event: ObjectCreatedEvent | BackfillBatch | SplitEvent, context: Context) => {
  idempotency.registerLambdaContext(context);
  logger.addContext(context);
  try {
    if (isSplitEvent(event)) return await runSplitStep(event);
    const results = [];
    for (const ref of objectsOf(event)) {
      const source = await resolveVersion(ref);
      if (source === undefined) {
        logger.warn('object no longer exists; nothing to transfer', { object: ref.key });
        results.push({ object: ref.key, status: 'source_missing' as const, outcomes: [] });
        continue;
      }
      // Keyed on object version and rule versions; only the (undefined-free) outcome is stored.
      const outcomes = await transferOnce({ ...source, rules: RULES_FINGERPRINT }, context);
      const refusal = outcomes.find((o) => o.status === 'object_quarantined');
      if (refusal !== undefined) {
        // Data, not a bug: recorded by reference, the alarm raised, and the event done (no retry, no dead letter).
        logger.error('object quarantined by reference', { reason: refusal.reason, keyHmacSha256: refusal.reference, versionId: source.versionId });
        const single = metrics.singleMetric();
        single.addDimension('Exporter', settings.exporter);
        single.addMetric(OBJECTS_QUARANTINED_METRIC, MetricUnit.Count, 1);
        results.push({ versionId: source.versionId, outcomes });
        continue;
      }
      for (const outcome of outcomes) {
        logger.info('transfer', { object: ref.key, versionId: source.versionId, ...outcome });
        recordMetrics(outcome);
      }
      results.push({ object: ref.key, versionId: source.versionId, outcomes });
    }
    return { results };
  } finally {
    // A replay answered from idempotency records has nothing to publish.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
