import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../lib/cli/incident';
import { canonicalJson } from '../../lambda/core/ledger/canonical';
import { fileNameFor } from '../../lambda/core/ledger';
import { incidentEntryFileName, type IncidentEntry } from '../../lambda/core/incidents';
import { chainOf, declarationBody, receiptBody } from '../support/ledger-fixtures';
import { CN_SCOPE, finding, incident } from '../lambda/core/incidents/support';
import { captureIo, TempDir } from './support';

let dir: TempDir;
beforeEach(() => (dir = new TempDir()));
afterEach(() => dir.remove());

function write(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function copyOf(entries: IncidentEntry[]): { incidents: string; id: string } {
  const incidents = join(dir.path, 'incidents');
  const id = (entries[0] as { incidentId: string }).incidentId;
  for (const e of entries) write(join(incidents, id, incidentEntryFileName(e.seq)), canonicalJson(e));
  return { incidents, id };
}

async function incidentCli(...args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, out: io.out.join('') };
}

const opened = finding({ detectedAt: '2026-03-31T08:30:00.000Z', activity: { from: '2026-03-31T07:00:00.000Z', to: '2026-03-31T08:20:00.000Z' } });

describe('residency incident', () => {
  test('list: open incidents with the clock of every duty, in UTC and the authority\'s time', async () => {
    const { incidents, id } = copyOf(incident(CN_SCOPE, opened));
    const json = JSON.parse((await incidentCli('list', '--dir', incidents, '--at', '2026-03-31T09:00:00Z')).out);
    expect(json[0]).toMatchObject({ incidentId: id, status: 'open', severity: 'high', cnGrade: 'significant', cnGradeAssessed: false });
    expect(json[0].deadlines.map((d: { obligation: string; status: string; dueAt: string }) => [d.obligation, d.status, d.dueAt])).toEqual([
      ['cn-cac-incident-report', 'open', '2026-03-31T12:30:00.000Z'],
      ['cn-pipl-art57', 'overdue', '2026-03-31T08:30:00.000Z'],
      ['sg-pdpa-26c-assess', 'open', '2026-04-30T15:59:59.999Z'],
      ['sg-pdpa-26d-notify', 'open', '2026-04-03T15:59:59.999Z'],
    ]);
    const md = (await incidentCli('list', '--dir', incidents, '--at', '2026-03-31T09:00:00Z', '--format', 'markdown')).out;
    expect(md).toContain('2026-03-31 12:30 UTC (2026-03-31 20:30 Asia/Shanghai, GMT+8)');
  });

  test('a tampered copy is refused, naming the seq', async () => {
    const { incidents, id } = copyOf(incident(CN_SCOPE, opened));
    const file = join(incidents, id, '000001.json');
    write(file, readFileSync(file, 'utf8').replace('"high"', '"low"'));
    await expect(incidentCli('list', '--dir', incidents)).rejects.toThrow(/does not verify at seq 1: hash mismatch/);
  });

  test('record: a validated payload for the incident function; a wrong entry is refused before anything is sent', async () => {
    const { incidents, id } = copyOf(incident(CN_SCOPE, opened));
    const out = dir.file('payload.json');
    await incidentCli('record', '--dir', incidents, '--id', id, '--kind', 'notified', '--obligation', 'cn-pipl-art57', '--authority', '北京市网信办', '--at', '2026-03-31T08:40:00Z', '--out', out);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      action: 'record',
      incidentId: id,
      entry: { kind: 'notified', at: '2026-03-31T08:40:00.000Z', obligation: 'cn-pipl-art57', authority: '北京市网信办' },
    });
    await expect(incidentCli('record', '--dir', incidents, '--id', id, '--kind', 'closed', '--reason', 'done', '--out', out)).rejects.toThrow(/cannot close with duties still running/);
    await expect(
      incidentCli('record', '--dir', incidents, '--id', id, '--kind', 'assessed', '--role', 'dpo', '--personal-data', 'yes', '--not-required', 'eu-gdpr-art33=no EU data', '--out', out),
    ).rejects.toThrow(/"eu-gdpr-art33" is not one of this incident's/);
  });

  test('evidence: the trail events, the ledger declarations and receipts in the window, and the headcounts', async () => {
    const { incidents, id } = copyOf(incident(CN_SCOPE, opened));
    const trail = join(dir.path, 'trail');
    const event = (eventTime: string, eventName: string) => ({ eventTime, eventSource: 's3.amazonaws.com', eventName, awsRegion: 'cn-north-1' });
    write(
      join(trail, 'cn-north-1/2026/03/31/111122223333_CloudTrail_cn-north-1_20260331T0800Z_a.json.gz'),
      gzipSync(JSON.stringify({ Records: [event('2026-03-30T06:00:00Z', 'GetObject'), event('2026-03-31T07:10:00Z', 'GetObject'), event('2026-03-31T07:11:00Z', 'GetObject')] })),
    );
    write(join(trail, 'cn-north-1/2026/03/31/111122223333_CloudTrail-Digest_cn-north-1_x.json.gz'), gzipSync('{"digest":true}'));
    const ledger = join(dir.path, 'ledger');
    const [d1, d2] = chainOf([declarationBody(1), declarationBody(2)]);
    const entries = [d1, d2, ...chainOf([receiptBody(d1 as never)], { seq: 2, hash: d2.hash })];
    for (const e of entries) write(join(ledger, fileNameFor(e)), canonicalJson(e));
    const headcounts = dir.file(
      'headcounts.json',
      JSON.stringify({ Items: [{ pk: { S: '111122223333/cn-north-1#2026#sensitive' }, sk: { S: '#total' }, distinctSubjects: { N: '4242' } }, { pk: { S: 'x#2026#sensitive' }, sk: { S: 'tok_a' } }] }),
    );
    const out = dir.file('pack.json');
    const summary = JSON.parse(
      (await incidentCli('evidence', '--dir', incidents, '--id', id, '--trail', trail, '--ledger', ledger, '--headcounts', headcounts, '--to', '2026-03-31T10:00:00Z', '--out', out)).out,
    );
    expect(summary).toMatchObject({ window: { from: '2026-03-30T07:00:00.000Z', to: '2026-03-31T10:00:00.000Z' }, trailEvents: 2, declarations: 2, receipts: 1, records: 1997 });
    const pack = JSON.parse(readFileSync(out, 'utf8'));
    expect(pack.trail.bySource).toEqual({ 's3.amazonaws.com': { GetObject: 2 } });
    expect(pack.ledger.totals.byRecipient).toEqual({ 'Lion City Acquiring Pte. Ltd. (ap-southeast-1, SG)': 1997 });
    expect(pack.ledger.totals.byCategory).toMatchObject({ cn_mobile: 1280 });
    expect(pack.headcounts).toEqual([{ exporter: '111122223333/cn-north-1', year: 2026, kind: 'sensitive', distinctSubjects: 4242 }]);
  });
});
