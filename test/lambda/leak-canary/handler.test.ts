import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { CanaryIncident, CanaryRun } from '../../../lambda/core/canary/records';
import { s3Body } from '../../support/s3-body';

const s3 = mockClient(S3Client);
let handler: (event: unknown, context: Context) => Promise<{ runId: string; incidents: number; scanned: number }>;

const RESIDENT_ID = '11010519491231002X';
const DECLARATION_HASH = 'a'.repeat(64);
const LEAKY_KEY = 'outbound/ap-southeast-1/sg-settlement/v3/source=core/date=2026-06-01/part-0001.jsonl';
const CLEAN_KEY = 'outbound/ap-southeast-1/sg-settlement/v3/source=core/date=2026-06-01/part-0002.jsonl';
const context = { getRemainingTimeInMillis: () => 600_000 } as unknown as Context;

const gatewayMetadata = (seq: number) => ({ rule: 'sg-settlement@3', 'declaration-seq': String(seq), 'declaration-hash': DECLARATION_HASH, sha256: 'b'.repeat(64) });
const settlement = (payer: Record<string, unknown>) => JSON.stringify({ txn: { tradeNo: '2026060122001400000000000001', amount: '120.00' }, payer });

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  Object.assign(process.env, { OUTBOUND_BUCKET: 'paydata-outbound', OUTBOUND_PREFIX: 'outbound/', RESULTS_BUCKET: 'paydata-canary', LOOKBACK_HOURS: '24', MAX_OBJECTS: '25' });
  ({ handler } = await import('../../../lambda/leak-canary/handler'));
});

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

function listing(...objects: { key: string; hoursAgo: number }[]) {
  s3.on(ListObjectsV2Command).resolves({
    Contents: objects.map((o) => ({ Key: o.key, LastModified: new Date(Date.now() - o.hoursAgo * 3_600_000), Size: 512 })),
    IsTruncated: false,
  });
}

function written(): { key: string; body: unknown }[] {
  return s3.commandCalls(PutObjectCommand).map((c) => ({ key: c.args[0].input.Key as string, body: JSON.parse(c.args[0].input.Body as string) }));
}

describe('leak canary handler', () => {
  test('an identifier that slipped through is an incident naming the object, the rule version and the declaration; the value is nowhere', async () => {
    listing({ key: LEAKY_KEY, hoursAgo: 2 });
    const leaked = [settlement({ idNumber: '002X', mobile: 'tok_cn_mobile_x' }), settlement({ idNumber: '002X', memo: `refund for ${RESIDENT_ID}` })].join('\n');
    s3.on(GetObjectCommand, { Bucket: 'paydata-outbound', Key: LEAKY_KEY }).resolves({ Body: s3Body(`${leaked}\n`), Metadata: gatewayMetadata(42), VersionId: 'v7', ETag: '"etag"' });

    const result = await handler({}, context);

    expect(result).toMatchObject({ incidents: 1, scanned: 1 });
    const incidents = written().filter((w) => w.key.startsWith('canary/incidents/'));
    expect(incidents).toHaveLength(1);
    const incident = incidents[0].body as CanaryIncident;
    expect(incident).toMatchObject({
      kind: 'leak-canary-incident',
      object: { bucket: 'paydata-outbound', key: LEAKY_KEY, versionId: 'v7' },
      declaration: { rule: 'sg-settlement@3', ruleId: 'sg-settlement', ruleVersion: 3, seq: 42, hash: DECLARATION_HASH },
      counts: { cn_resident_id: 1 },
      findings: [{ category: 'cn_resident_id', line: 2, fieldPath: 'payer.memo', start: 11, end: 29 }],
      problems: [],
    });
    for (const w of written()) expect(JSON.stringify(w)).not.toContain(RESIDENT_ID);
    const runRecord = written().find((w) => w.key.startsWith('canary/runs/'))!.body as CanaryRun;
    expect(runRecord).toMatchObject({ kind: 'leak-canary-run', sampled: 1, scanned: 1, incidents: 1, clean: 0, notScanned: [] });
  });

  test('a clean object raises nothing: only the run record is written', async () => {
    listing({ key: CLEAN_KEY, hoursAgo: 1 });
    s3.on(GetObjectCommand).resolves({ Body: s3Body(`${settlement({ idNumber: '002X', mobile: 'tok_cn_mobile_abc' })}\n`), Metadata: gatewayMetadata(43) });

    const result = await handler({}, context);

    expect(result).toMatchObject({ incidents: 0, scanned: 1 });
    expect(written().map((w) => w.key)).toEqual([expect.stringMatching(/^canary\/runs\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.json$/)]);
  });

  test('an identifier used as a key is shown by its category, and an undeclared object is an incident', async () => {
    listing({ key: CLEAN_KEY, hoursAgo: 1 });
    s3.on(GetObjectCommand).resolves({ Body: s3Body(`${JSON.stringify({ byPayer: { [RESIDENT_ID]: { total: 3 } } })}\n`), Metadata: {} });

    await handler({}, context);

    const incident = written().find((w) => w.key.startsWith('canary/incidents/'))!.body as CanaryIncident;
    expect(incident.findings).toEqual([{ category: 'cn_resident_id', line: 1, fieldPath: 'byPayer.[REDACTED:cn_resident_id]', start: 0, end: 18 }]);
    expect(incident.declaration).toBeUndefined();
    expect(incident.problems).toEqual(expect.arrayContaining(['no rule in the object metadata', 'no declaration-seq in the object metadata']));
    expect(JSON.stringify(incident)).not.toContain(RESIDENT_ID);
  });

  test('only objects modified within the look-back are read', async () => {
    listing({ key: LEAKY_KEY, hoursAgo: 30 }, { key: CLEAN_KEY, hoursAgo: 3 });
    s3.on(GetObjectCommand).resolves({ Body: s3Body('{}\n'), Metadata: gatewayMetadata(1) });
    await handler({}, context);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual([CLEAN_KEY]);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({ Bucket: 'paydata-outbound', Prefix: 'outbound/' });
  });

  test('an object that cannot be read makes the run fail after its run record is written (the error alarm fires)', async () => {
    listing({ key: CLEAN_KEY, hoursAgo: 1 });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error(`AccessDenied reading ${RESIDENT_ID}`), { name: 'AccessDenied' }));
    await expect(handler({}, context)).rejects.toThrow(/1 sampled object\(s\) not scanned/);
    const runRecord = written().find((w) => w.key.startsWith('canary/runs/'))!.body as CanaryRun;
    expect(runRecord.notScanned).toEqual([{ key: CLEAN_KEY, reason: 'could not be read (AccessDenied)' }]);
    expect(JSON.stringify(runRecord)).not.toContain(RESIDENT_ID);
  });
});
