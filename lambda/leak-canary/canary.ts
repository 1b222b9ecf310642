import { CANARY_RECORD_VERSION, type CanaryIncident, type CanaryRun, incidentKey, runKey } from '../core/canary/records';
import { chooseSample, declarationOf, type ListedObject } from '../core/canary/sample';
import { findingCount, ObjectScanner, withoutIdentifiers } from '../core/canary/scan-object';

export interface CanarySettings {
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  readonly resultsBucket: string;
  readonly lookbackHours: number;
  readonly maxObjects: number;
}

export interface OutboundObject {
  readonly lines: AsyncIterable<string>;
  readonly metadata: Readonly<Record<string, string | undefined>>;
  readonly versionId?: string;
  readonly etag?: string;
}

/** The I/O of a run; the handler supplies S3-backed ports, tests supply mocks. */
export interface CanaryPorts {
  list(bucket: string, prefix: string): AsyncIterable<ListedObject>;
  read(bucket: string, key: string): Promise<OutboundObject>;
  write(bucket: string, key: string, record: CanaryIncident | CanaryRun): Promise<void>;
  random(): number;
  /** Milliseconds left before the invocation times out. */
  remainingMs(): number;
}

/** Time kept back to write the run record before the function times out. */
const RESERVE_MS = 20_000;

export class IncompleteCanaryRun extends Error {}

/**
 * One canary run: sample recent objects under the outbound prefix, re-scan each with the
 * detectors, write an incident record for every object carrying an identifier or naming no
 * declaration (EventBridge carries each new incident record to the alarm topic), then the run
 * record. A sampled object that could not be scanned makes the run incomplete: it throws after
 * writing what it found, so the error alarm fires. Nothing is ever only counted.
 */
export async function runCanary(settings: CanarySettings, ports: CanaryPorts, now: Date, runId: string): Promise<CanaryRun> {
  const since = new Date(now.getTime() - settings.lookbackHours * 3_600_000);
  const listed: ListedObject[] = [];
  for await (const object of ports.list(settings.outboundBucket, settings.outboundPrefix)) {
    if (object.key.startsWith(settings.outboundPrefix) && !object.key.endsWith('/')) listed.push(object);
  }
  const candidates = listed.filter((o) => o.lastModified.getTime() >= since.getTime()).length;
  const sample = chooseSample(listed, { since, maxObjects: settings.maxObjects, random: () => ports.random() });
  const notScanned: { key: string; reason: string }[] = [];
  let scanned = 0;
  let incidents = 0;
  for (const listedObject of sample) {
    const shownKey = withoutIdentifiers(listedObject.key);
    if (ports.remainingMs() < RESERVE_MS) {
      notScanned.push({ key: shownKey, reason: 'not reached before the time limit' });
      continue;
    }
    let object: OutboundObject;
    const scanner = new ObjectScanner();
    try {
      object = await ports.read(settings.outboundBucket, listedObject.key);
      for await (const line of object.lines) scanner.addLine(line);
    } catch (err) {
      // The error's name only: a message could quote what it was reading.
      notScanned.push({ key: shownKey, reason: `could not be read (${err instanceof Error ? err.name : 'error'})` });
      continue;
    }
    scanned++;
    const scan = scanner.result();
    const { declaration, problems } = declarationOf(object.metadata);
    if (findingCount(scan) === 0 && problems.length === 0) continue;
    incidents++;
    const detectedAt = new Date();
    const incident: CanaryIncident = {
      kind: 'leak-canary-incident',
      version: CANARY_RECORD_VERSION,
      runId,
      detectedAt: detectedAt.toISOString(),
      object: {
        bucket: settings.outboundBucket,
        key: shownKey,
        ...(object.versionId ? { versionId: object.versionId } : {}),
        ...(object.etag ? { etag: object.etag } : {}),
        lastModified: listedObject.lastModified.toISOString(),
        bytes: listedObject.size,
      },
      ...(declaration ? { declaration } : {}),
      problems,
      counts: scan.counts,
      findings: scan.findings,
      findingsTruncated: scan.findingsTruncated,
      lines: scan.lines,
    };
    await ports.write(settings.resultsBucket, incidentKey(runId, detectedAt, incidents), incident);
  }
  const run: CanaryRun = {
    kind: 'leak-canary-run',
    version: CANARY_RECORD_VERSION,
    runId,
    startedAt: now.toISOString(),
    finishedAt: new Date().toISOString(),
    bucket: settings.outboundBucket,
    prefix: settings.outboundPrefix,
    since: since.toISOString(),
    candidates,
    sampled: sample.length,
    scanned,
    clean: scanned - incidents,
    incidents,
    notScanned,
  };
  await ports.write(settings.resultsBucket, runKey(runId, now), run);
  if (notScanned.length > 0) throw new IncompleteCanaryRun(`leak canary run ${runId}: ${notScanned.length} sampled object(s) not scanned; see its run record`);
  return run;
}
