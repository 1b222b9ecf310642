/**
 * The clocks: an incident's entries folded into its state, one deadline per duty with its status,
 * the reminders due at a given instant, and the checks a new entry must pass. Pure: `now` is a
 * parameter, and the only time-zone knowledge is the IANA database Luxon reads through Intl.
 */
import { DateTime } from 'luxon';
import type { AssessedEntry, IncidentBody, IncidentEntry, ObligationRecord, OpenedEntry, ReminderThreshold } from './entries';
import { type CnGrade, cnGradeRank, CN_GRADE_NAMES, CN_ESPECIALLY_MAJOR_PI_LEAK, higherSeverity, provisionalCnGrade, type Severity } from './severity';

export interface IncidentState {
  readonly incidentId: string;
  readonly opened: OpenedEntry;
  /** The highest severity the source reported. */
  readonly severity: Severity;
  /** The CAC grade: the latest assessment's, else provisional from the severity. */
  readonly cnGrade: CnGrade;
  readonly cnGradeAssessed: boolean;
  /** The latest assessment. */
  readonly assessment?: AssessedEntry;
  /** When personal data was first assessed involved: the start of `assessment` clocks. */
  readonly determinedAt?: string;
  /** When any assessment was first made (meets the s. 26C assessment duty). */
  readonly firstAssessedAt?: string;
  /** First notification per obligation id. */
  readonly notified: ReadonlyMap<string, { readonly at: string; readonly authority: string; readonly reference?: string }>;
  /** `obligation|threshold|dueAt` of every reminder sent. */
  readonly reminded: ReadonlySet<string>;
  readonly closed?: { readonly at: string; readonly reason: string };
  readonly lastEntry: IncidentEntry;
}

/** Folds a verified incident's entries (seq order, the first `opened`). */
export function incidentState(entries: readonly IncidentEntry[]): IncidentState {
  const opened = entries[0];
  if (opened?.kind !== 'opened') throw new Error('an incident\'s first entry must be "opened"');
  let severity = opened.severity;
  let assessment: AssessedEntry | undefined;
  let determinedAt: string | undefined;
  let firstAssessedAt: string | undefined;
  const notified = new Map<string, { at: string; authority: string; reference?: string }>();
  const reminded = new Set<string>();
  let closed: { at: string; reason: string } | undefined;
  for (const entry of entries.slice(1)) {
    switch (entry.kind) {
      case 'observed':
        severity = higherSeverity(severity, entry.severity);
        break;
      case 'assessed':
        assessment = entry;
        firstAssessedAt ??= entry.at;
        if (entry.personalDataInvolved) determinedAt ??= entry.at;
        break;
      case 'notified':
        if (!notified.has(entry.obligation)) notified.set(entry.obligation, { at: entry.at, authority: entry.authority, ...(entry.reference ? { reference: entry.reference } : {}) });
        break;
      case 'reminded':
        reminded.add(reminderKey(entry.obligation, entry.threshold, entry.dueAt));
        break;
      case 'closed':
        closed ??= { at: entry.at, reason: entry.reason };
        break;
      case 'opened':
        throw new Error('an incident is opened once');
    }
  }
  const cnGrade = assessment?.cnGrade ?? provisionalCnGrade(severity);
  return {
    incidentId: opened.incidentId,
    opened,
    severity,
    cnGrade,
    cnGradeAssessed: assessment?.cnGrade !== undefined,
    assessment,
    determinedAt,
    firstAssessedAt,
    notified,
    reminded,
    closed,
    lastEntry: entries[entries.length - 1],
  };
}

export function reminderKey(obligation: string, threshold: ReminderThreshold, dueAt: string): string {
  return `${obligation}|${threshold}|${dueAt}`;
}

/**
 * - `open`: running; `overdue`: past due and not met;
 * - `unassessed`: a CAC report for an incident not yet graded and provisionally below 较大: it is
 *   due at `dueAt` if the grading says 较大 or above, so it is reminded like an open one;
 * - `met` / `met-late`: notified before / after `dueAt`;
 * - `not-required`: an assessment says the duty does not arise (with `reason`).
 */
export type DeadlineStatus = 'open' | 'unassessed' | 'overdue' | 'met' | 'met-late' | 'not-required';

export interface Deadline {
  readonly obligation: ObligationRecord;
  readonly startsAt: string;
  /** True while an `assessment` clock runs from awareness because no assessment exists yet. */
  readonly provisional: boolean;
  readonly dueAt: string;
  readonly status: DeadlineStatus;
  readonly reason?: string;
  readonly metAt?: string;
  /** Milliseconds left (negative when past due), for open, unassessed and overdue deadlines. */
  readonly remainingMs?: number;
}

/** When a duty is due, given the instant its clock starts. */
export function dueAtFor(obligation: Pick<ObligationRecord, 'clock' | 'timeZone'>, startsAt: string): string {
  const start = DateTime.fromISO(startsAt, { zone: 'utc' });
  if (!start.isValid) throw new RangeError(`not an ISO instant: ${startsAt}`);
  const { clock } = obligation;
  switch (clock.kind) {
    case 'immediately':
      return start.toISO() as string;
    case 'hours':
      return start.plus({ milliseconds: clock.hours * 3_600_000 }).toISO() as string;
    case 'calendar-days': {
      const local = start.setZone(obligation.timeZone);
      if (!local.isValid) throw new RangeError(`unknown time zone "${obligation.timeZone}"`);
      return local.startOf('day').plus({ days: clock.days }).endOf('day').toUTC().toISO() as string;
    }
  }
}

function notRequiredReason(state: IncidentState, obligation: ObligationRecord): string | undefined {
  const assessment = state.assessment;
  if (assessment === undefined) return undefined;
  const explicit = assessment.notRequired.find((n) => n.obligation === obligation.id);
  if (explicit) return explicit.reason;
  if (obligation.trigger === 'personal-data' && !assessment.personalDataInvolved) return `no personal data involved (assessed ${assessment.at})`;
  if (obligation.trigger === 'cn-significant-or-above' && assessment.cnGrade !== undefined && cnGradeRank(assessment.cnGrade) < cnGradeRank('significant')) {
    return `graded ${CN_GRADE_NAMES[assessment.cnGrade]} (${assessment.cnGrade}): only 较大 or above is reported (assessed ${assessment.at})`;
  }
  return undefined;
}

function metAt(state: IncidentState, obligation: ObligationRecord): string | undefined {
  if (obligation.trigger === 'always') return state.firstAssessedAt ?? state.notified.get(obligation.id)?.at;
  return state.notified.get(obligation.id)?.at;
}

/** One deadline per duty recorded at opening, with its status at `now`. */
export function deadlinesOf(state: IncidentState, now: Date): Deadline[] {
  return state.opened.obligations.map((obligation) => {
    const fromAssessment = obligation.clock.start === 'assessment';
    const provisional = fromAssessment && state.determinedAt === undefined;
    const startsAt = fromAssessment && state.determinedAt !== undefined ? state.determinedAt : state.opened.openedAt;
    const dueAt = dueAtFor(obligation, startsAt);
    const base = { obligation, startsAt, provisional, dueAt };
    const met = metAt(state, obligation);
    if (met !== undefined) return { ...base, status: met <= dueAt ? 'met' : 'met-late', metAt: met };
    const reason = notRequiredReason(state, obligation);
    if (reason !== undefined) return { ...base, status: 'not-required', reason };
    const remainingMs = Date.parse(dueAt) - now.getTime();
    if (remainingMs < 0) return { ...base, status: 'overdue', remainingMs };
    const ungraded =
      obligation.trigger === 'cn-significant-or-above' && !state.cnGradeAssessed && cnGradeRank(state.cnGrade) < cnGradeRank('significant');
    return { ...base, status: ungraded ? 'unassessed' : 'open', remainingMs };
  });
}

const HOUR = 3_600_000;

/** The reminder instants of a deadline: at half, three quarters and nine tenths of the window, at the deadline, and once after it. */
export function reminderSchedule(deadline: Pick<Deadline, 'startsAt' | 'dueAt'>): Array<{ threshold: ReminderThreshold; at: number }> {
  const start = Date.parse(deadline.startsAt);
  const due = Date.parse(deadline.dueAt);
  const window = Math.max(0, due - start);
  const before: Array<{ threshold: ReminderThreshold; at: number }> =
    window === 0
      ? []
      : [
          { threshold: 'half', at: start + window * 0.5 },
          { threshold: 'three-quarters', at: start + window * 0.75 },
          { threshold: 'nine-tenths', at: start + window * 0.9 },
        ];
  return [...before, { threshold: 'due', at: due }, { threshold: 'overdue', at: due + Math.max(HOUR, window * 0.1) }];
}

export interface DueReminder {
  readonly obligation: ObligationRecord;
  readonly threshold: ReminderThreshold;
  readonly dueAt: string;
  readonly status: DeadlineStatus;
}

/**
 * The reminders to send at `now`: per duty still running (open, unassessed or overdue), the latest
 * threshold passed, unless it or a later one was already sent for the same deadline (a check that
 * missed several thresholds sends one reminder, not a burst). None once the incident is closed.
 */
export function remindersDue(state: IncidentState, now: Date): DueReminder[] {
  if (state.closed) return [];
  const due: DueReminder[] = [];
  for (const deadline of deadlinesOf(state, now)) {
    if (deadline.status !== 'open' && deadline.status !== 'unassessed' && deadline.status !== 'overdue') continue;
    const schedule = reminderSchedule(deadline);
    const passed = schedule.filter((s) => s.at <= now.getTime());
    const latest = passed[passed.length - 1];
    if (latest === undefined) continue;
    const sentLater = schedule
      .slice(schedule.indexOf(latest))
      .some((s) => state.reminded.has(reminderKey(deadline.obligation.id, s.threshold, deadline.dueAt)));
    if (!sentLater) due.push({ obligation: deadline.obligation, threshold: latest.threshold, dueAt: deadline.dueAt, status: deadline.status });
  }
  return due;
}

/** Clock skew we accept between the writer's clock and an entry's time. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Why a new entry cannot follow the incident's state (empty when it can). The record is
 * append-only and Object Lock keeps every entry: a wrong one cannot be taken back, so it is refused
 * here, before it is written.
 */
export function entryProblems(state: IncidentState, body: IncidentBody, now: Date): string[] {
  const problems: string[] = [];
  if (body.kind === 'opened') return ['the incident is already open'];
  const at = 'at' in body ? body.at : undefined;
  if (at !== undefined) {
    if (Date.parse(at) > now.getTime() + FUTURE_TOLERANCE_MS) problems.push(`at ${at} is in the future`);
    if (at < state.opened.openedAt) problems.push(`at ${at} is before the incident was opened (${state.opened.openedAt})`);
  }
  if (state.closed && body.kind !== 'observed') problems.push(`the incident was closed at ${state.closed.at}; only "observed" entries may follow`);
  const ids = new Set(state.opened.obligations.map((o) => o.id));
  switch (body.kind) {
    case 'notified':
    case 'reminded':
      if (!ids.has(body.obligation)) problems.push(`obligation "${body.obligation}" is not one of this incident's: ${[...ids].join(', ')}`);
      break;
    case 'assessed': {
      for (const n of body.notRequired ?? []) {
        if (!ids.has(n.obligation)) problems.push(`notRequired: obligation "${n.obligation}" is not one of this incident's: ${[...ids].join(', ')}`);
      }
      if (
        body.personalDataInvolved &&
        (body.individualsAffected ?? 0) >= CN_ESPECIALLY_MAJOR_PI_LEAK &&
        body.cnGrade !== undefined &&
        body.cnGrade !== 'especially-major'
      ) {
        problems.push(`cnGrade: a leak of ${body.individualsAffected} people's personal information is 特别重大 (especially-major) under the grading guide`);
      }
      if (!body.personalDataInvolved && (body.individualsAffected ?? 0) > 0) {
        problems.push('individualsAffected: individuals are affected, so personal data is involved');
      }
      break;
    }
    case 'closed': {
      const running = deadlinesOf(state, now).filter((d) => d.status === 'open' || d.status === 'overdue' || d.status === 'unassessed');
      if (running.length > 0) {
        problems.push(
          `cannot close with duties still running: ${running.map((d) => `${d.obligation.id} (${d.status})`).join(', ')}; record each as notified, or assess it not required`,
        );
      }
      break;
    }
    default:
      break;
  }
  return problems;
}
