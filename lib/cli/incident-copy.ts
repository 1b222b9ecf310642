/**
 * Local copies the incident commands read (all made with the AWS CLI, no access needed afterwards):
 *
 *   incidents  aws s3 sync s3://<incident-bucket>/incidents DIR        DIR/<incident id>/<seq>.json
 *   trail      aws s3 sync s3://<audit-bucket>/AWSLogs/<account>/CloudTrail DIR   (*.json.gz; digests skipped)
 *   headcounts aws dynamodb scan --table-name <headcount-table> > FILE  (the "#total" items are read)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { incidentState, type IncidentEntry, type IncidentState, verifyIncident } from '../../lambda/core/incidents';
import { CliError } from './io';
import { fileErrorReason } from './options';
import { JsonSyntaxError, parseJsonText } from '../../lambda/core/json/syntax-error';

/** A copy that is missing or cannot be read is refused input, as in every command (README, "Exit codes"). */
const REFUSED = 1;

export interface LoadedIncident {
  readonly id: string;
  readonly entries: readonly IncidentEntry[];
  readonly state: IncidentState;
}

/** One incident of the copy, verified. */
export function readIncident(dir: string, id: string): LoadedIncident {
  const folder = join(dir, id);
  if (!existsSync(folder)) throw new CliError(`no incident ${id} in ${dir} (copy it with: aws s3 sync s3://<incident-bucket>/incidents ${dir})`, REFUSED);
  const files = readdirSync(folder).filter((f) => /^\d{6}\.json$/.test(f)).sort();
  const values = files.map((f) => {
    try {
      return JSON.parse(readFileSync(join(folder, f), 'utf8')) as unknown;
    } catch {
      throw new CliError(`${join(folder, f)} is not JSON: the incident record does not verify`);
    }
  });
  const verdict = verifyIncident(values, id);
  if (!verdict.ok) throw new CliError(`incident ${id} does not verify at seq ${verdict.seq}: ${verdict.reason}`);
  return { id, entries: verdict.entries, state: incidentState([...verdict.entries]) };
}

/** Every incident of the copy, verified. */
export function readIncidents(dir: string): LoadedIncident[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CliError(`cannot read --dir ${dir}: ${fileErrorReason(err)}`, REFUSED);
  }
  return names.filter((n) => /^inc-[0-9a-f]{16}$/.test(n)).sort().map((id) => readIncident(dir, id));
}

export interface TrailEvent {
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly [field: string]: unknown;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** CloudTrail events with `from <= eventTime <= to`, from the trail files of a copy (digest files skipped). */
export function trailEvents(dir: string, from: string, to: string): { files: number; events: TrailEvent[] } {
  if (!existsSync(dir)) throw new CliError(`cannot read --trail ${dir}: ${fileErrorReason({ code: 'ENOENT' })}`, REFUSED);
  const files = filesUnder(dir).filter((f) => (f.endsWith('.json.gz') || f.endsWith('.json')) && !f.includes('CloudTrail-Digest'));
  const events: TrailEvent[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    let log: { Records?: TrailEvent[] };
    try {
      log = JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
    } catch {
      throw new CliError(`${file} is not a CloudTrail log file`);
    }
    for (const event of log.Records ?? []) if (event.eventTime >= from && event.eventTime <= to) events.push(event);
  }
  events.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  return { files: files.length, events };
}

export interface Headcount {
  readonly exporter: string;
  readonly year: number;
  readonly kind: string;
  readonly distinctSubjects: number;
}

/** The distinct-subject totals of a `dynamodb scan` output of the headcount table. */
export function readHeadcounts(path: string): Headcount[] {
  let scan: { Items?: Array<Record<string, { S?: string; N?: string }>> };
  try {
    scan = parseJsonText(readFileSync(path, 'utf8'), path) as typeof scan;
  } catch (err) {
    throw new CliError(err instanceof JsonSyntaxError ? `--headcounts ${err.message}` : `cannot read --headcounts ${path}: ${fileErrorReason(err)}`, REFUSED);
  }
  return (scan.Items ?? [])
    .filter((item) => item.sk?.S === '#total')
    .map((item) => {
      const [exporter, year, kind] = (item.pk?.S ?? '').split('#');
      return { exporter, year: Number(year), kind, distinctSubjects: Number(item.distinctSubjects?.N ?? 0) };
    });
}
