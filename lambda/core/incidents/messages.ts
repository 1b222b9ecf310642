/**
 * The texts people read: an incident's deadlines as lines (the SNS notification, the CLI table),
 * each in UTC and in the authority's local time. No personal data: ids, types, counts, times.
 */
import { DateTime } from 'luxon';
import type { Deadline, DueReminder, IncidentState } from './clocks';
import { CN_GRADE_NAMES } from './severity';

/** `2026-06-08 15:00 UTC (16:00 Europe/Dublin, GMT+1)`. */
export function bothTimes(iso: string, timeZone: string): string {
  const utc = DateTime.fromISO(iso, { zone: 'utc' });
  const local = utc.setZone(timeZone);
  return `${utc.toFormat('yyyy-MM-dd HH:mm')} UTC (${local.toFormat('yyyy-MM-dd HH:mm')} ${timeZone}, ${local.toFormat('ZZZZ')})`;
}

/** `3h 20m`, `2d 4h`, or `overdue by 1h 05m`. */
export function formatRemaining(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const text = days > 0 ? `${days}d ${hours}h` : `${hours}h ${String(mins).padStart(2, '0')}m`;
  return ms < 0 ? `overdue by ${text}` : text;
}

export function deadlineLine(deadline: Deadline): string {
  const { obligation } = deadline;
  const due = obligation.clock.kind === 'immediately' ? `immediately (from ${bothTimes(deadline.startsAt, obligation.timeZone)})` : bothTimes(deadline.dueAt, obligation.timeZone);
  const state =
    deadline.status === 'met' || deadline.status === 'met-late'
      ? `${deadline.status} at ${deadline.metAt}`
      : deadline.status === 'not-required'
        ? `not required: ${deadline.reason}`
        : `${deadline.status}, ${formatRemaining(deadline.remainingMs ?? 0)}`;
  return `${obligation.id} [${obligation.jurisdiction}] ${obligation.law}: notify ${obligation.notify}; due ${due}${deadline.provisional ? ' (provisional: from detection until assessed)' : ''}; ${state}`;
}

export function incidentHeadline(state: IncidentState): string {
  const { opened } = state;
  return (
    `${state.incidentId}: ${opened.source.service} ${opened.source.type}, severity ${state.severity}, ` +
    `CAC grade ${CN_GRADE_NAMES[state.cnGrade]} (${state.cnGrade}${state.cnGradeAssessed ? '' : ', provisional'}), ` +
    `detected ${opened.openedAt} in ${opened.account}/${opened.region}`
  );
}

/** The SNS message body for an opened incident or a reminder. */
export function notificationText(state: IncidentState, deadlines: readonly Deadline[], reminders: readonly DueReminder[] = []): string {
  const lines = [incidentHeadline(state), ''];
  if (reminders.length > 0) {
    lines.push('Reminders:', ...reminders.map((r) => `- ${r.obligation.id}: ${r.threshold} (due ${bothTimes(r.dueAt, r.obligation.timeZone)}, ${r.status})`), '');
  }
  lines.push('Deadlines:', ...deadlines.map((d) => `- ${deadlineLine(d)}`));
  if (state.opened.unmodeled.length > 0) {
    lines.push('', `No duty is modeled for: ${state.opened.unmodeled.join(', ')}. Check their breach-notification law.`);
  }
  lines.push('', `Record assessments and notifications: residency incident record --id ${state.incidentId} (see docs/incidents-and-rights.md).`);
  return lines.join('\n');
}

/** SNS subjects: ASCII, at most 100 characters. */
export function notificationSubject(kind: 'opened' | 'reminder', state: IncidentState): string {
  const text = `[${kind === 'opened' ? 'INCIDENT' : 'DEADLINE'}] ${state.incidentId} ${state.severity} ${state.opened.source.type}`;
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}
