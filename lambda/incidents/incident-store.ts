/**
 * The incident store: write-once objects in an Object Lock bucket under the audit key.
 *
 *   incidents/<id>/<seq>.json   the chain of one incident (seq 1 opens it)
 *   index/open/<id>             written once when the incident opens
 *   index/closed/<id>           written once when it closes
 *
 * Every put carries `If-None-Match: *` (the bucket policy refuses puts without it), so two writers
 * that build the same seq cannot both succeed: the loser re-reads and tries the next seq. The index
 * lets the periodic check read only open incidents, without a database.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import {
  CLOSED_INDEX_PREFIX,
  INCIDENT_PREFIX,
  incidentEntryKey,
  type IncidentBody,
  type IncidentEntry,
  nextIncidentEntry,
  OPEN_INDEX_PREFIX,
  type OpeningBody,
  verifyIncident,
} from '../core/incidents';
import { canonicalJson } from '../core/ledger/canonical';

export class IncidentIntegrityError extends Error {
  constructor(message: string) {
    super(`${message}; the incident record must be checked (residency incident verify)`);
    this.name = 'IncidentIntegrityError';
  }
}

function isTaken(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'PreconditionFailed' || err.$metadata?.httpStatusCode === 412 || err.name === 'ConditionalRequestConflict' || err.$metadata?.httpStatusCode === 409)
  );
}

export interface IncidentStoreProps {
  readonly s3: S3Client;
  readonly bucket: string;
  /**
   * Tries before giving up when other writers keep taking the next seq.
   * @default 5
   */
  readonly maxAttempts?: number;
}

export class IncidentStore {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly maxAttempts: number;

  constructor(props: IncidentStoreProps) {
    this.s3 = props.s3;
    this.bucket = props.bucket;
    this.maxAttempts = props.maxAttempts ?? 5;
  }

  /** Writes an object once; false when it already exists. */
  private async putOnce(key: string, text: string): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: text,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          // Object Lock buckets require an integrity checksum on every put.
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(text, 'utf8').digest('base64'),
        }),
      );
      return true;
    } catch (err) {
      if (isTaken(err)) return false;
      throw err;
    }
  }

  private async keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  /** The verified entries of an incident, or undefined when it does not exist. */
  async read(incidentId: string): Promise<IncidentEntry[] | undefined> {
    const keys = (await this.keysUnder(`${INCIDENT_PREFIX}${incidentId}/`)).filter((k) => k.endsWith('.json'));
    if (keys.length === 0) return undefined;
    const values: unknown[] = [];
    for (const key of keys) {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = (await object.Body?.transformToString('utf-8')) ?? '';
      try {
        values.push(JSON.parse(text));
      } catch {
        throw new IncidentIntegrityError(`${key} is not JSON`);
      }
    }
    const verdict = verifyIncident(values, incidentId);
    if (!verdict.ok) throw new IncidentIntegrityError(`incident ${incidentId} breaks at seq ${verdict.seq}: ${verdict.reason}`);
    return [...verdict.entries];
  }

  /**
   * Opens an incident with its first entry. Returns undefined when it is already open (the same
   * finding arrived again): the first entry is write-once, so a second opening is a no-op.
   */
  async open(body: OpeningBody): Promise<IncidentEntry | undefined> {
    const entry = nextIncidentEntry(undefined, body);
    if (!(await this.putOnce(incidentEntryKey(body.incidentId, 1), canonicalJson(entry)))) return undefined;
    await this.putOnce(`${OPEN_INDEX_PREFIX}${body.incidentId}`, canonicalJson({ incidentId: body.incidentId, openedAt: body.openedAt }));
    return entry;
  }

  /**
   * Appends an entry after the incident's current last one. `check` sees the current entries and
   * may refuse (throw) before anything is written; it runs again on each retry.
   */
  async append(incidentId: string, body: IncidentBody, check: (entries: IncidentEntry[]) => void = () => {}): Promise<IncidentEntry> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const entries = await this.read(incidentId);
      if (entries === undefined) throw new Error(`no incident ${incidentId}`);
      check(entries);
      const entry = nextIncidentEntry(entries[entries.length - 1], body);
      if (await this.putOnce(incidentEntryKey(incidentId, entry.seq), canonicalJson(entry))) {
        if (entry.kind === 'closed') await this.putOnce(`${CLOSED_INDEX_PREFIX}${incidentId}`, canonicalJson({ incidentId, closedAt: entry.at }));
        return entry;
      }
    }
    throw new Error(`incident ${incidentId}: other writers kept taking the next seq after ${this.maxAttempts} attempts; nothing was written`);
  }

  /** Ids of incidents opened and not closed. */
  async openIncidents(): Promise<string[]> {
    const idOf = (prefix: string) => (key: string) => key.slice(prefix.length);
    const opened = (await this.keysUnder(OPEN_INDEX_PREFIX)).map(idOf(OPEN_INDEX_PREFIX));
    const closed = new Set((await this.keysUnder(CLOSED_INDEX_PREFIX)).map(idOf(CLOSED_INDEX_PREFIX)));
    return opened.filter((id) => !closed.has(id));
  }
}
