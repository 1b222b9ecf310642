import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { verifyIncident } from '../../../lambda/core/incidents';
import { memoryBuckets } from './memory-bucket';

const s3 = memoryBuckets();
const sns = mockClient(SNSClient);
const BUCKET = 'incidents';
const context = { functionName: 'incidents', awsRequestId: 'req-1' } as unknown as Context;

const SCOPE = { homeRegion: 'cn-north-1', destinations: [{ region: 'ap-southeast-1', country: 'SG' }], cnOperator: 'other' };
const guardDuty = (severity: number) => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'GuardDuty Finding',
  source: 'aws.guardduty',
  account: '111122223333',
  time: '2026-06-05T15:00:00Z',
  region: 'cn-north-1',
  resources: [],
  detail: {
    arn: 'arn:aws-cn:guardduty:cn-north-1:111122223333:detector/d/finding/f1',
    type: 'Exfiltration:S3/AnomalousBehavior',
    severity,
    title: 'Unusual S3 reads by an IAM user',
    resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ arn: 'arn:aws-cn:s3:::paydata-c2' }] },
  },
});
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-06-05T17:00:00Z' };

async function loadHandler() {
  Object.assign(process.env, {
    INCIDENT_BUCKET: BUCKET,
    ALARM_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:111122223333:alarms',
    ALARM_NAME_PREFIX: 'paydata-home',
    INCIDENT_SCOPE: JSON.stringify(SCOPE),
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  return (await import('../../../lambda/incidents/handler')).handler;
}

function chainOf(prefix: string): unknown[] {
  const objects = s3.objects(BUCKET, prefix);
  return Object.keys(objects)
    .sort()
    .map((k) => JSON.parse(objects[k]));
}

beforeEach(() => {
  s3.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm1' });
  jest.useFakeTimers({ now: new Date('2026-06-05T15:00:30Z'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

describe('incident handler', () => {
  test('a GuardDuty finding opens a write-once incident under the audit bucket and tells the alarm topic its deadlines', async () => {
    const handler = await loadHandler();
    const { outcomes } = await handler(guardDuty(8), context);
    expect(outcomes).toEqual([{ incidentId: expect.stringMatching(/^inc-[0-9a-f]{16}$/), result: 'opened' }]);
    const id = outcomes[0].incidentId;

    const puts = s3.mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Key, p.IfNoneMatch])).toEqual([
      [`incidents/${id}/000001.json`, '*'],
      [`index/open/${id}`, '*'],
    ]);
    expect(puts.every((p) => p.ChecksumSHA256 !== undefined)).toBe(true);
    const chain = chainOf(`incidents/${id}/`);
    expect(verifyIncident(chain).ok).toBe(true);
    expect(chain[0]).toMatchObject({ kind: 'opened', severity: 'high', openedAt: '2026-06-05T15:00:00.000Z' });
    expect(JSON.stringify(chain[0])).not.toContain('Unusual S3 reads');

    const message = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(message.Subject).toMatch(/^\[INCIDENT\] inc-/);
    expect(message.Subject!.length).toBeLessThanOrEqual(100);
    expect(message.Message).toContain('cn-cac-incident-report');
    expect(message.Message).toContain('2026-06-05 19:00 UTC (2026-06-06 03:00 Asia/Shanghai');
    expect(message.Message).toContain('cn-pipl-art57');
  });

  test('the same finding again: nothing new unless its severity rose', async () => {
    const handler = await loadHandler();
    const first = await handler(guardDuty(8), context);
    const id = first.outcomes[0].incidentId;
    expect((await handler(guardDuty(7.5), context)).outcomes).toEqual([{ incidentId: id, result: 'unchanged' }]);
    expect((await handler(guardDuty(9.5), context)).outcomes).toEqual([{ incidentId: id, result: 'observed' }]);
    const chain = chainOf(`incidents/${id}/`);
    expect(chain.map((e) => (e as { kind: string }).kind)).toEqual(['opened', 'observed']);
    expect(verifyIncident(chain).ok).toBe(true);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  test('the periodic check sends each due reminder once and records it', async () => {
    const handler = await loadHandler();
    const id = (await handler(guardDuty(8), context)).outcomes[0].incidentId;
    sns.resetHistory();
    jest.setSystemTime(new Date('2026-06-05T17:05:00Z')); // past half of the CAC report's 4 hours
    expect((await handler(scheduled, context)).outcomes).toEqual([{ incidentId: id, result: 'reminded', reminders: 2 }]);
    const reminded = chainOf(`incidents/${id}/`).filter((e) => (e as { kind: string }).kind === 'reminded');
    expect(reminded).toEqual([
      expect.objectContaining({ obligation: 'cn-cac-incident-report', threshold: 'half', dueAt: '2026-06-05T19:00:00.000Z' }),
      expect.objectContaining({ obligation: 'cn-pipl-art57', threshold: 'overdue' }),
    ]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toMatch(/^\[DEADLINE\]/);
    expect((await handler(scheduled, context)).outcomes).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  test('record: an operator\'s entry is validated against the incident before it is written', async () => {
    const handler = await loadHandler();
    const id = (await handler(guardDuty(8), context)).outcomes[0].incidentId;
    const before = s3.mock.commandCalls(PutObjectCommand).length;
    await expect(handler({ action: 'record', incidentId: id, entry: { kind: 'closed', at: '2026-06-05T15:00:20.000Z', reason: 'contained' } }, context)).rejects.toThrow(
      /cannot close with duties still running/,
    );
    expect(s3.mock.commandCalls(PutObjectCommand)).toHaveLength(before);

    const notified = { kind: 'notified', at: '2026-06-05T15:00:25.000Z', obligation: 'cn-pipl-art57', authority: '北京市网信办' };
    expect((await handler({ action: 'record', incidentId: id, entry: notified }, context)).outcomes).toEqual([{ incidentId: id, result: 'recorded', seq: 2 }]);
  });

  test('closing writes the closed marker, and the check skips the incident from then on', async () => {
    const handler = await loadHandler();
    const id = (await handler(guardDuty(8), context)).outcomes[0].incidentId;
    const assessed = { kind: 'assessed', at: '2026-06-05T15:00:10.000Z', role: 'dpo', personalDataInvolved: false, cnGrade: 'general' };
    await handler({ action: 'record', incidentId: id, entry: assessed }, context);
    await handler({ action: 'record', incidentId: id, entry: { kind: 'closed', at: '2026-06-05T15:00:20.000Z', reason: 'no data accessed' } }, context);
    expect(Object.keys(s3.objects(BUCKET, 'index/closed/'))).toEqual([`index/closed/${id}`]);
    jest.setSystemTime(new Date('2026-06-09T00:00:00Z'));
    expect((await handler(scheduled, context)).outcomes).toEqual([]);
  });

  test('a tampered entry stops the check for that incident, loudly', async () => {
    const handler = await loadHandler();
    const id = (await handler(guardDuty(8), context)).outcomes[0].incidentId;
    const key = `incidents/${id}/000001.json`;
    const entry = JSON.parse(s3.objects(BUCKET)[key]);
    s3.put(BUCKET, key, JSON.stringify({ ...entry, severity: 'low' }));
    await expect(handler(scheduled, context)).rejects.toThrow(/hash mismatch/);
  });
});
