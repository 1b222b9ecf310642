/**
 * Incident function: GuardDuty / Security Hub findings and security-alarm state changes (through
 * EventBridge), the 5-minute reminder check (an EventBridge schedule), and operators' `record`
 * invocations. Thin shell: clients and logger at module scope; the work is in respond.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { readIncidentEnvironment } from './environment';
import { IncidentStore } from './incident-store';
import { respond, type RespondContext } from './respond';

const env = readIncidentEnvironment(process.env);
const logger = new Logger();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const sns = tracer.captureAWSv3Client(new SNSClient({}));

const ctx: RespondContext = {
  store: new IncidentStore({ s3, bucket: env.bucket }),
  notifier: {
    async publish({ subject, text }) {
      await sns.send(new PublishCommand({ TopicArn: env.topicArn, Subject: subject, Message: text }));
    },
  },
  scope: env.scope,
  alarmNamePrefix: env.alarmNamePrefix,
  now: () => new Date(),
};

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  const outcomes = await respond(event, ctx);
  for (const outcome of outcomes) logger.info('incident', { ...outcome });
  return { outcomes };
};
