/**
 * Leak canary: on a schedule (EventBridge Scheduler), re-scans a sample of recent desensitized
 * objects under outbound/ with the gateway's own detectors. Any identifier found is an incident
 * record (which EventBridge carries to the security alarm topic), never only a metric.
 * Thin shell: clients at module scope; the run is in canary.ts.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { type CanaryPorts, runCanary } from './canary';
import { readCanaryEnvironment } from './environment';

const settings = readCanaryEnvironment(process.env);
const logger = new Logger();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));

function portsFor(context: Context): CanaryPorts {
  return {
    async *list(bucket, prefix) {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? []) {
          if (o.Key && o.LastModified) yield { key: o.Key, lastModified: o.LastModified, size: o.Size ?? 0 };
        }
      }
    },
    async read(bucket, key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error('object has no body');
      return {
        lines: createInterface({ input: object.Body as Readable, crlfDelay: Infinity }),
        metadata: object.Metadata ?? {},
        versionId: object.VersionId,
        etag: object.ETag,
      };
    },
    async write(bucket, key, record) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(record, undefined, 2), ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
    },
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
    remainingMs: () => context.getRemainingTimeInMillis(),
  };
}

export async function handler(_event: unknown, context: Context): Promise<{ runId: string; incidents: number; scanned: number }> {
  const runId = randomUUID();
  const run = await runCanary(settings, portsFor(context), new Date(), runId);
  logger.info('leak canary run', { runId, candidates: run.candidates, sampled: run.sampled, scanned: run.scanned, incidents: run.incidents });
  return { runId, incidents: run.incidents, scanned: run.scanned };
}
