/**
 * Incident records: append-only, one hash chain per incident, in the ledger's spirit. Every state
 * change (a severity raised, an assessment, a notification made, a reminder sent, the close) is a
 * new entry; nothing is updated in place. An entry is stored once under
 * `incidents/<incidentId>/<seq>.json` (write-once: `If-None-Match: *`, Object Lock), and its `hash`
 * covers its content, its seq and the previous entry's hash, as ledger entries do.
 *
 * What an entry holds is what an auditor needs to check the clocks: where the incident came from
 * (source id, type, severity, resources), the duties computed when it opened (a snapshot, so a later
 * change of the catalogue does not rewrite history), assessments and notifications. Never a record
 * of personal data: a finding's free text is not copied (only its type), and the individuals
 * affected are a count.
 */
import { z } from 'zod';
import { CATEGORIES } from '../categories';
import { canonicalJson, sha256Hex } from '../ledger/canonical';
import { GENESIS_HASH } from '../ledger/chain';
import { count, country, instant, region, sha256, text as anyText } from '../ledger/fields';
import { describeFirstIssue } from '../ledger/schema';
import { CN_OPERATOR_TYPES } from './obligations';
import { CN_GRADES, SEVERITIES } from './severity';

/** Folder of the incident store the entries live in. */
export const INCIDENT_PREFIX = 'incidents/';
/** Marker objects the periodic check lists to find open incidents without reading closed ones. */
export const OPEN_INDEX_PREFIX = 'index/open/';
export const CLOSED_INDEX_PREFIX = 'index/closed/';

const SEQ_DIGITS = 6;
export const MAX_INCIDENT_SEQ = 999_999;

const text = anyText.max(500, 'must be at most 500 characters');
export const IncidentIdSchema = z.string().regex(/^inc-[0-9a-f]{16}$/, 'must be an incident id such as inc-0123456789abcdef');
const obligationId = z.string().regex(/^[a-z0-9][a-z0-9.-]{2,63}$/, 'must be an obligation id such as eu-gdpr-art33');

const clockSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('immediately'), start: z.enum(['awareness', 'assessment']) }),
  z.strictObject({ kind: z.literal('hours'), hours: z.number().positive(), start: z.enum(['awareness', 'assessment']) }),
  z.strictObject({ kind: z.literal('calendar-days'), days: z.number().int().positive(), start: z.enum(['awareness', 'assessment']) }),
]);

export const ObligationSchema = z.strictObject({
  id: obligationId,
  jurisdiction: z.string().regex(/^(?:[A-Z]{2}|EU|US-[A-Z]{2})$/, 'must be a country code, EU, or US-XX'),
  law: text,
  notify: text,
  clock: clockSchema,
  trigger: z.enum(['personal-data', 'cn-significant-or-above', 'always']),
  timeZone: z.string().min(1),
  source: text,
  note: z.string().min(1).max(1000).optional(),
});

const severity = z.enum(SEVERITIES);

const openedFields = {
  kind: z.literal('opened'),
  incidentId: IncidentIdSchema,
  /** When the incident was detected: the start of every `awareness` clock. */
  openedAt: instant,
  source: z.strictObject({
    service: z.enum(['guardduty', 'securityhub', 'alarm', 'manual']),
    /** Finding ARN or id, or alarm ARN: what an investigator looks up in the source service. */
    id: text,
    /** Finding type (`UnauthorizedAccess:IAMUser/...`), or the alarm's name. */
    type: text,
  }),
  severity,
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  region,
  /** Resources the finding names (type and ARN or id), at most 20. */
  resources: z.array(z.strictObject({ type: text, id: text })).max(20),
  /** Activity window the source reports, when it does (GuardDuty first/last seen). */
  activity: z.strictObject({ from: instant, to: instant }).optional(),
  scope: z.strictObject({
    homeRegion: region,
    destinations: z.array(z.strictObject({ region, country })),
    cnOperator: z.enum(CN_OPERATOR_TYPES),
  }),
  /** The duties computed at opening (a snapshot of the catalogue). */
  obligations: z.array(ObligationSchema),
  /** Countries touched that no duty is modeled for: a person must check them. */
  unmodeled: z.array(country),
};

const observedFields = {
  kind: z.literal('observed'),
  at: instant,
  /** The source reported the same finding again, at this severity. */
  severity,
  activityTo: instant.optional(),
};

const notRequired = z.strictObject({ obligation: obligationId, reason: text });

const assessedFields = {
  kind: z.literal('assessed'),
  at: instant,
  /** The role that assessed (e.g. `dpo`, `security-lead`), not a person's name. */
  role: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'must be a role such as dpo or security-lead'),
  personalDataInvolved: z.boolean(),
  cnGrade: z.enum(CN_GRADES).optional(),
  individualsAffected: count.optional(),
  categories: z.array(z.enum(CATEGORIES)).optional(),
  /** Duties that do not arise, each with why (e.g. GDPR Art. 33(1): unlikely to result in a risk). */
  notRequired: z.array(notRequired).default([]),
  note: text.optional(),
};

const notifiedFields = {
  kind: z.literal('notified'),
  at: instant,
  obligation: obligationId,
  /** The authority or audience told. */
  authority: text,
  /** The authority's case or reference number, when it gives one. */
  reference: text.optional(),
};

export const REMINDER_THRESHOLDS = ['half', 'three-quarters', 'nine-tenths', 'due', 'overdue'] as const;
export type ReminderThreshold = (typeof REMINDER_THRESHOLDS)[number];

const remindedFields = {
  kind: z.literal('reminded'),
  at: instant,
  obligation: obligationId,
  threshold: z.enum(REMINDER_THRESHOLDS),
  dueAt: instant,
};

const closedFields = {
  kind: z.literal('closed'),
  at: instant,
  reason: text,
};

const chainFields = {
  seq: z.number().int().min(1).max(MAX_INCIDENT_SEQ),
  prevHash: sha256,
  hash: sha256,
};

export const IncidentBodySchema = z.discriminatedUnion('kind', [
  z.strictObject(openedFields),
  z.strictObject(observedFields),
  z.strictObject(assessedFields),
  z.strictObject(notifiedFields),
  z.strictObject(remindedFields),
  z.strictObject(closedFields),
]);

export const IncidentEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...openedFields, ...chainFields }),
  z.strictObject({ ...observedFields, ...chainFields }),
  z.strictObject({ ...assessedFields, ...chainFields }),
  z.strictObject({ ...notifiedFields, ...chainFields }),
  z.strictObject({ ...remindedFields, ...chainFields }),
  z.strictObject({ ...closedFields, ...chainFields }),
]);

export type IncidentBody = z.input<typeof IncidentBodySchema>;
export type IncidentEntry = z.output<typeof IncidentEntrySchema>;
export type OpenedEntry = Extract<IncidentEntry, { kind: 'opened' }>;
export type AssessedEntry = Extract<IncidentEntry, { kind: 'assessed' }>;
export type ObligationRecord = z.output<typeof ObligationSchema>;

export class IncidentEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentEntryError';
  }
}

function hashOf(entry: Record<string, unknown>): string {
  const { hash: _recorded, ...covered } = entry;
  return sha256Hex(canonicalJson(covered));
}

/**
 * The entry that follows `previous` (or opens the incident). Validates the body: the first entry
 * must be `opened`, and only the first.
 */
export function nextIncidentEntry(previous: IncidentEntry | undefined, body: IncidentBody): IncidentEntry {
  const parsed = IncidentBodySchema.safeParse(body);
  if (!parsed.success) throw new IncidentEntryError(`incident entry refused: ${describeFirstIssue(parsed.error)}`);
  if ((previous === undefined) !== (parsed.data.kind === 'opened')) {
    throw new IncidentEntryError(
      previous === undefined ? `the first entry of an incident must be "opened", not "${parsed.data.kind}"` : 'an incident is opened once: its first entry',
    );
  }
  const seq = previous === undefined ? 1 : previous.seq + 1;
  if (seq > MAX_INCIDENT_SEQ) throw new IncidentEntryError(`incident has reached ${MAX_INCIDENT_SEQ} entries`);
  const linked = { ...parsed.data, seq, prevHash: previous?.hash ?? GENESIS_HASH };
  return IncidentEntrySchema.parse({ ...linked, hash: hashOf(linked) });
}

/** `incidents/<id>/000001.json`. */
export function incidentEntryKey(incidentId: string, seq: number): string {
  return `${INCIDENT_PREFIX}${incidentId}/${String(seq).padStart(SEQ_DIGITS, '0')}.json`;
}

export function incidentEntryFileName(seq: number): string {
  return `${String(seq).padStart(SEQ_DIGITS, '0')}.json`;
}

export type IncidentVerdict =
  | { readonly ok: true; readonly entries: readonly IncidentEntry[] }
  | { readonly ok: false; readonly seq: number; readonly reason: string };

/** Checks one incident's entries, in seq order: shape, numbering from 1, links and hashes, one `opened`. */
export function verifyIncident(values: readonly unknown[], incidentId?: string): IncidentVerdict {
  const entries: IncidentEntry[] = [];
  let previous: IncidentEntry | undefined;
  for (const value of values) {
    const expected = (previous?.seq ?? 0) + 1;
    const parsed = IncidentEntrySchema.safeParse(value);
    if (!parsed.success) return { ok: false, seq: expected, reason: `malformed entry: ${describeFirstIssue(parsed.error)}` };
    const entry = parsed.data;
    if (entry.seq !== expected) return { ok: false, seq: expected, reason: `expected seq ${expected}, found seq ${entry.seq}` };
    if (hashOf(entry as unknown as Record<string, unknown>) !== entry.hash) {
      return { ok: false, seq: expected, reason: 'hash mismatch: the entry was altered after it was written' };
    }
    if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) return { ok: false, seq: expected, reason: 'broken link: prevHash is not the previous entry\'s hash' };
    if ((entry.seq === 1) !== (entry.kind === 'opened')) return { ok: false, seq: expected, reason: 'only the first entry may be, and must be, "opened"' };
    if (entry.kind === 'opened' && incidentId !== undefined && entry.incidentId !== incidentId) {
      return { ok: false, seq: expected, reason: `entry belongs to ${entry.incidentId}, found under ${incidentId}` };
    }
    entries.push(entry);
    previous = entry;
  }
  if (entries.length === 0) return { ok: false, seq: 1, reason: 'no entries' };
  return { ok: true, entries };
}
