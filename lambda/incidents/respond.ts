/**
 * What the incident function does with each kind of event, over ports (the store and a notifier),
 * so it is tested without AWS:
 * - a finding or alarm: open the incident (once) with its duties and tell people; a finding seen
 *   again at a higher severity adds an `observed` entry;
 * - the periodic check (every 5 minutes): send the reminders due on open incidents, each recorded
 *   as a `reminded` entry so it is sent once;
 * - `record` (an operator's direct invocation, built by `residency incident record`): validate the
 *   entry against the incident's state and append it.
 */
import {
  deadlinesOf,
  entryProblems,
  findingsOf,
  type IncidentBody,
  type IncidentEntry,
  incidentIdOf,
  IncidentIdSchema,
  incidentState,
  notificationSubject,
  notificationText,
  openingEntry,
  type ProfileScope,
  remindersDue,
  severityRank,
} from '../core/incidents';
import type { IncidentStore } from './incident-store';

export interface Notifier {
  publish(message: { subject: string; text: string }): Promise<void>;
}

export interface RespondContext {
  readonly store: Pick<IncidentStore, 'open' | 'read' | 'append' | 'openIncidents'>;
  readonly notifier: Notifier;
  readonly scope: ProfileScope;
  readonly alarmNamePrefix: string;
  readonly now: () => Date;
}

export interface ScheduledEvent {
  readonly source: 'aws.events';
  readonly 'detail-type': 'Scheduled Event';
}

export interface RecordRequest {
  readonly action: 'record';
  readonly incidentId: string;
  readonly entry: IncidentBody;
}

export type Outcome =
  | { readonly incidentId: string; readonly result: 'opened' | 'observed' | 'unchanged' }
  | { readonly incidentId: string; readonly result: 'reminded'; readonly reminders: number }
  | { readonly incidentId: string; readonly result: 'recorded'; readonly seq: number };

export class RecordRefusedError extends Error {
  constructor(problems: readonly string[]) {
    super(`entry refused: ${problems.join('; ')}`);
    this.name = 'RecordRefusedError';
  }
}

async function onFindings(event: unknown, ctx: RespondContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const finding of findingsOf(event, { alarmNamePrefix: ctx.alarmNamePrefix })) {
    const body = openingEntry(finding, ctx.scope);
    const incidentId = incidentIdOf(finding);
    const opened = await ctx.store.open(body);
    if (opened !== undefined) {
      const state = incidentState([opened]);
      await ctx.notifier.publish({ subject: notificationSubject('opened', state), text: notificationText(state, deadlinesOf(state, ctx.now())) });
      outcomes.push({ incidentId, result: 'opened' });
      continue;
    }
    const entries: IncidentEntry[] = (await ctx.store.read(incidentId)) ?? [];
    const state = incidentState(entries);
    if (severityRank(finding.severity) <= severityRank(state.severity)) {
      outcomes.push({ incidentId, result: 'unchanged' });
      continue;
    }
    const observed: IncidentBody = { kind: 'observed', at: ctx.now().toISOString(), severity: finding.severity, ...(finding.activity ? { activityTo: finding.activity.to } : {}) };
    const raised = incidentState([...entries, await ctx.store.append(incidentId, observed)]);
    await ctx.notifier.publish({ subject: notificationSubject('opened', raised), text: notificationText(raised, deadlinesOf(raised, ctx.now())) });
    outcomes.push({ incidentId, result: 'observed' });
  }
  return outcomes;
}

async function onSchedule(ctx: RespondContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const failures: string[] = [];
  for (const incidentId of await ctx.store.openIncidents()) {
    try {
      const entries = await ctx.store.read(incidentId);
      if (entries === undefined) continue;
      const now = ctx.now();
      const state = incidentState(entries);
      const due = remindersDue(state, now);
      if (due.length === 0) continue;
      // Published first, recorded after: a crash in between repeats a reminder, never loses one.
      await ctx.notifier.publish({ subject: notificationSubject('reminder', state), text: notificationText(state, deadlinesOf(state, now), due) });
      for (const reminder of due) {
        await ctx.store.append(incidentId, { kind: 'reminded', at: now.toISOString(), obligation: reminder.obligation.id, threshold: reminder.threshold, dueAt: reminder.dueAt });
      }
      outcomes.push({ incidentId, result: 'reminded', reminders: due.length });
    } catch (err) {
      // One broken incident must not stop reminders for the others; the run still fails at the end.
      failures.push(`${incidentId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) throw new Error(`periodic check: ${failures.length} incident(s) failed: ${failures.join(' | ')}`);
  return outcomes;
}

async function onRecord(request: RecordRequest, ctx: RespondContext): Promise<Outcome[]> {
  const id = IncidentIdSchema.safeParse(request.incidentId);
  if (!id.success) throw new RecordRefusedError([`incidentId "${String(request.incidentId).slice(0, 40)}": ${id.error.issues[0]?.message}`]);
  const entry = await ctx.store.append(request.incidentId, request.entry, (entries) => {
    const problems = entryProblems(incidentState(entries), request.entry, ctx.now());
    if (problems.length > 0) throw new RecordRefusedError(problems);
  });
  return [{ incidentId: request.incidentId, result: 'recorded', seq: entry.seq }];
}

function isScheduled(event: unknown): event is ScheduledEvent {
  return typeof event === 'object' && event !== null && (event as ScheduledEvent)['detail-type'] === 'Scheduled Event' && (event as ScheduledEvent).source === 'aws.events';
}

function isRecord(event: unknown): event is RecordRequest {
  return typeof event === 'object' && event !== null && (event as RecordRequest).action === 'record';
}

export async function respond(event: unknown, ctx: RespondContext): Promise<Outcome[]> {
  if (isScheduled(event)) return onSchedule(ctx);
  if (isRecord(event)) return onRecord(event, ctx);
  return onFindings(event, ctx);
}
