/**
 * `residency sample incidents --rule RULE.json --dir DIR [--home-region R] [--seed S]`
 *
 * Writes a sample copy of the incident bucket's `incidents/` folder, as `aws s3 sync` would, for
 * `residency incident list|record|evidence --dir DIR`. Nothing in it is written by hand: a GuardDuty
 * finding (unusual reads of the C2 store, seeded ids) goes through the incident function's own
 * `respond` (lambda/incidents/respond.ts), which opens the incident with the duties of the profile's
 * jurisdictions (the home region and the rule's destination), then its periodic check 20 hours later
 * records the reminders due; entries are numbered and hashed by lambda/core/incidents over an
 * in-memory store laid out as the real one (lambda/incidents/incident-store.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { seededRandom } from '../../bench/synthetic-records';
import {
  CLOSED_INDEX_PREFIX,
  INCIDENT_PREFIX,
  incidentEntryKey,
  nextIncidentEntry,
  OPEN_INDEX_PREFIX,
  verifyIncident,
  type IncidentBody,
  type IncidentEntry,
  type ProfileScope,
} from '../../lambda/core/incidents';
import { canonicalJson } from '../../lambda/core/ledger/canonical';
import { partitionOf } from '../../lambda/core/regions';
import type { IncidentStore } from '../../lambda/incidents/incident-store';
import { respond, type RespondContext } from '../../lambda/incidents/respond';
import type { CliIo } from './io';
import { parseFlags, requireFlag } from './options';
import { wholeNumber } from './sample';
import { homeRegionFlag, readRule, refuseUnlessEmpty } from './sample-inputs';

const USAGE = `usage: residency sample incidents --rule RULE.json --dir DIR [options]

  --rule FILE       a transfer rule: its destination is one of the jurisdictions whose duties apply
  --dir DIR         where the incident entries go (inc-…/000001.json, ...); must be empty or new
  --seed S          a whole number; the same seed gives the same files (default: 1)
  --home-region R   where the raw data lives (default: cn-north-1)

Then: residency incident list --dir DIR
`;

/** When the sample finding arrives. */
const FINDING_AT = '2026-03-31T08:30:00.000Z';
const HOUR = 3_600_000;
const ALARM_NAME_PREFIX = 'paydata-';

type Store = RespondContext['store'];

/** The incident store in memory, keyed as the bucket is (incidents/<id>/<seq>.json, index/open/<id>). */
class MemoryIncidentStore implements Store {
  readonly objects = new Map<string, string>();

  private entriesOf(incidentId: string): IncidentEntry[] | undefined {
    const values: unknown[] = [];
    for (let seq = 1; this.objects.has(incidentEntryKey(incidentId, seq)); seq++) values.push(JSON.parse(this.objects.get(incidentEntryKey(incidentId, seq)) as string));
    if (values.length === 0) return undefined;
    const verdict = verifyIncident(values, incidentId);
    if (!verdict.ok) throw new Error(`incident ${incidentId} breaks at seq ${verdict.seq}: ${verdict.reason}`);
    return [...verdict.entries];
  }

  async read(incidentId: string): Promise<IncidentEntry[] | undefined> {
    return this.entriesOf(incidentId);
  }

  async open(body: Parameters<IncidentStore['open']>[0]): Promise<IncidentEntry | undefined> {
    const key = incidentEntryKey(body.incidentId, 1);
    if (this.objects.has(key)) return undefined;
    const entry = nextIncidentEntry(undefined, body);
    this.objects.set(key, canonicalJson(entry));
    this.objects.set(`${OPEN_INDEX_PREFIX}${body.incidentId}`, canonicalJson({ incidentId: body.incidentId, openedAt: body.openedAt }));
    return entry;
  }

  async append(incidentId: string, body: IncidentBody, check: (entries: IncidentEntry[]) => void = () => {}): Promise<IncidentEntry> {
    const entries = this.entriesOf(incidentId);
    if (entries === undefined) throw new Error(`no incident ${incidentId}`);
    check(entries);
    const entry = nextIncidentEntry(entries[entries.length - 1], body);
    this.objects.set(incidentEntryKey(incidentId, entry.seq), canonicalJson(entry));
    if (entry.kind === 'closed') this.objects.set(`${CLOSED_INDEX_PREFIX}${incidentId}`, canonicalJson({ incidentId, closedAt: entry.at }));
    return entry;
  }

  async openIncidents(): Promise<string[]> {
    const ids = (prefix: string) => [...this.objects.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
    const closed = new Set(ids(CLOSED_INDEX_PREFIX));
    return ids(OPEN_INDEX_PREFIX).filter((id) => !closed.has(id));
  }
}

function seededHex(random: () => number, length: number): string {
  let hex = '';
  for (let i = 0; i < length; i++) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

/** The finding as EventBridge delivers it from GuardDuty: unusual reads of the C2 store by an IAM user. */
function guardDutyFinding(random: () => number, homeRegion: string, partition: string): Record<string, unknown> {
  const account = '111122223333';
  const detector = seededHex(random, 32);
  const finding = seededHex(random, 32);
  return {
    version: '0',
    id: `${seededHex(random, 8)}-${seededHex(random, 4)}-${seededHex(random, 4)}-${seededHex(random, 4)}-${seededHex(random, 12)}`,
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account,
    time: FINDING_AT,
    region: homeRegion,
    resources: [],
    detail: {
      arn: `arn:${partition}:guardduty:${homeRegion}:${account}:detector/${detector}/finding/${finding}`,
      type: 'Exfiltration:S3/AnomalousBehavior',
      severity: 8,
      title: 'Unusual S3 reads by an IAM user',
      resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ arn: `arn:${partition}:s3:::paydata-c2-${account}-${homeRegion}` }] },
    },
  };
}

/** Builds the sample incident copy in memory: object keys under `incidents/` and their text. */
export async function buildSampleIncidents(options: { scope: ProfileScope; seed: number; partition: string }): Promise<Map<string, string>> {
  const random = seededRandom(options.seed);
  const store = new MemoryIncidentStore();
  let now = new Date(FINDING_AT);
  const ctx: RespondContext = { store, notifier: { publish: async () => undefined }, scope: options.scope, alarmNamePrefix: ALARM_NAME_PREFIX, now: () => now };
  const [opened] = await respond(guardDutyFinding(random, options.scope.homeRegion, options.partition), ctx);
  if (opened?.result !== 'opened') throw new Error(`the sample finding did not open an incident (${opened?.result ?? 'no outcome'})`);
  now = new Date(Date.parse(FINDING_AT) + 20 * HOUR);
  await respond({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: now.toISOString() }, ctx);
  return new Map([...store.objects].filter(([key]) => key.startsWith(INCIDENT_PREFIX)));
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, {
    rule: { type: 'string' },
    dir: { type: 'string' },
    seed: { type: 'string' },
    'home-region': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const rulePath = requireFlag(flags.rule, 'rule');
  const dir = requireFlag(flags.dir, 'dir');
  const seed = wholeNumber(flags.seed, 'seed', 0, 2 ** 32 - 1, 1);
  const homeRegion = homeRegionFlag(flags['home-region']);
  const rule = await readRule(rulePath, new Date(FINDING_AT));
  await refuseUnlessEmpty(dir, 'dir');

  const scope: ProfileScope = { homeRegion, destinations: [{ region: rule.destination.region, country: rule.destination.country }], cnOperator: 'other' };
  const objects = await buildSampleIncidents({ scope, seed, partition: partitionOf(homeRegion) });
  for (const [key, text] of objects) {
    const path = join(dir, ...key.slice(INCIDENT_PREFIX.length).split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  const ids = new Set([...objects.keys()].map((key) => key.slice(INCIDENT_PREFIX.length).split('/')[0]));
  io.stderr(`residency sample incidents: ${ids.size} incident (${objects.size} entries, seed ${seed}) in ${dir}: ${[...ids].join(', ')}\ncheck it: residency incident list --dir ${dir}\n`);
  return 0;
}
