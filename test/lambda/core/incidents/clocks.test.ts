import { DateTime } from 'luxon';
import {
  chinaObligations,
  deadlinesOf,
  dueAtFor,
  entryProblems,
  gdprObligation,
  incidentState,
  type Obligation,
  remindersDue,
  SINGAPORE_OBLIGATIONS,
  US_STATE_OBLIGATIONS,
} from '../../../../lambda/core/incidents';
import { CN_SCOPE, finding, incident, SG_SCOPE } from './support';

const byId = (id: string): Obligation => {
  const all = [...chinaObligations('other'), gdprObligation('IE'), ...SINGAPORE_OBLIGATIONS, ...US_STATE_OBLIGATIONS];
  const found = all.find((o) => o.id === id);
  if (!found) throw new Error(id);
  return found;
};
const local = (iso: string, zone: string) => DateTime.fromISO(iso).setZone(zone).toFormat('yyyy-MM-dd HH:mm:ss.SSS ZZZZ');

describe('dueAtFor: GDPR Art. 33 runs 72 elapsed hours, never paused', () => {
  const gdpr = gdprObligation('IE');
  test.each([
    ['Friday afternoon: due Monday afternoon (the weekend does not pause it)', '2026-06-05T15:00:00.000Z', '2026-06-08T15:00:00.000Z'],
    ['Christmas Eve: due over the holidays', '2026-12-24T10:00:00.000Z', '2026-12-27T10:00:00.000Z'],
    ['New Year across a year boundary', '2026-12-30T23:30:00.000Z', '2027-01-02T23:30:00.000Z'],
    ['Easter weekend (3-6 April 2026)', '2026-04-02T09:00:00.000Z', '2026-04-05T09:00:00.000Z'],
  ])('%s', (_case, start, due) => {
    expect(dueAtFor(gdpr, start)).toBe(due);
  });

  test('across the spring DST change (Dublin, 29 March 2026) 72 hours elapse but the wall clock moves 73', () => {
    const due = dueAtFor(gdpr, '2026-03-27T12:00:00.000Z');
    expect(due).toBe('2026-03-30T12:00:00.000Z');
    expect(local('2026-03-27T12:00:00.000Z', gdpr.timeZone)).toBe('2026-03-27 12:00:00.000 GMT');
    expect(local(due, gdpr.timeZone)).toBe('2026-03-30 13:00:00.000 GMT+1');
  });

  test('across the autumn DST change (Dublin, 25 October 2026) the wall clock moves 71', () => {
    const due = dueAtFor(gdpr, '2026-10-23T12:00:00.000Z');
    expect(local(due, gdpr.timeZone)).toBe('2026-10-26 12:00:00.000 GMT');
    expect(local('2026-10-23T12:00:00.000Z', gdpr.timeZone)).toBe('2026-10-23 13:00:00.000 GMT+1');
  });
});

describe('dueAtFor: hours and immediately', () => {
  test.each([
    ['ciio', 1, '2026-06-05T16:00:00.000Z'],
    ['central-state-organ', 2, '2026-06-05T17:00:00.000Z'],
    ['other', 4, '2026-06-05T19:00:00.000Z'],
  ] as const)('CAC Measures Art. 4, %s operator: %i hour(s)', (operator, hours, due) => {
    const cac = chinaObligations(operator).find((o) => o.id === 'cn-cac-incident-report')!;
    expect(cac.clock).toEqual({ kind: 'hours', hours, start: 'awareness' });
    expect(dueAtFor(cac, '2026-06-05T15:00:00.000Z')).toBe(due);
  });

  test('PIPL Art. 57 is due at once', () => {
    expect(dueAtFor(byId('cn-pipl-art57'), '2026-06-05T15:00:00.000Z')).toBe('2026-06-05T15:00:00.000Z');
  });
});

describe('dueAtFor: calendar days are counted in the authority\'s time zone', () => {
  test.each([
    // 20 Oct 03:00 UTC is still 19 Oct in California: 30 days from 19 Oct, across the end of DST (1 Nov).
    ['California, a UTC date ahead of the local one, across DST', 'us-ca-civ-1798.82', '2026-10-20T03:00:00.000Z', '2026-11-18 23:59:59.999 PST'],
    ['California, same-day', 'us-ca-civ-1798.82', '2026-06-01T17:00:00.000Z', '2026-07-01 23:59:59.999 PDT'],
    ['New York, across the start of DST (8 March 2026)', 'us-ny-gbl-899-aa', '2026-02-20T12:00:00.000Z', '2026-03-22 23:59:59.999 EDT'],
    ['Texas residents: 60 days', 'us-tx-bcc-521.053', '2026-06-01T12:00:00.000Z', '2026-07-31 23:59:59.999 CDT'],
    // 17:30 UTC on 1 June is 01:30 on 2 June in Singapore: three days after 2 June.
    ['PDPA s. 26D: the day of assessment is read in Singapore time', 'sg-pdpa-26d-notify', '2026-06-01T17:30:00.000Z', '2026-06-05 23:59:59.999 GMT+8'],
    ['PDPA s. 26C assessment: 30 days', 'sg-pdpa-26c-assess', '2026-06-01T00:00:00.000Z', '2026-07-01 23:59:59.999 GMT+8'],
  ])('%s', (_case, id, start, dueLocal) => {
    const obligation = byId(id);
    expect(local(dueAtFor(obligation, start), obligation.timeZone)).toBe(dueLocal);
  });

  test('a 30-day period across a DST change is not 720 hours', () => {
    const due = dueAtFor(byId('us-ca-civ-1798.82'), '2026-10-19T07:00:00.000Z'); // 00:00 PDT, 19 Oct
    expect((Date.parse(due) + 1 - Date.parse('2026-10-19T07:00:00.000Z')) / 3_600_000).toBe(31 * 24 + 1);
  });

  test('an unknown time zone is refused, not read as UTC', () => {
    expect(() => dueAtFor({ clock: { kind: 'calendar-days', days: 3, start: 'awareness' }, timeZone: 'Mars/Olympus' }, '2026-06-01T00:00:00.000Z')).toThrow(
      /unknown time zone/,
    );
  });
});

describe('deadlinesOf: one deadline per jurisdiction the data touches', () => {
  const now = new Date('2026-06-05T16:00:00.000Z');

  test('China home, Singapore destination: CAC report, PIPL, PDPA assessment and notification', () => {
    const state = incidentState(incident(CN_SCOPE, finding()));
    const deadlines = deadlinesOf(state, now);
    expect(deadlines.map((d) => [d.obligation.id, d.status, d.dueAt])).toEqual([
      ['cn-cac-incident-report', 'open', '2026-06-05T19:00:00.000Z'],
      ['cn-pipl-art57', 'overdue', '2026-06-05T15:00:00.000Z'],
      ['sg-pdpa-26c-assess', 'open', '2026-07-05T15:59:59.999Z'],
      ['sg-pdpa-26d-notify', 'open', '2026-06-08T15:59:59.999Z'],
    ]);
    expect(deadlines.find((d) => d.obligation.id === 'sg-pdpa-26d-notify')!.provisional).toBe(true);
  });

  test('Singapore home with EU and US recipients: PDPA, GDPR and the modeled US states', () => {
    const state = incidentState(incident(SG_SCOPE, finding({ region: 'ap-southeast-1' })));
    const ids = deadlinesOf(state, now).map((d) => d.obligation.id);
    expect(ids).toEqual(['sg-pdpa-26c-assess', 'sg-pdpa-26d-notify', 'eu-gdpr-art33', ...US_STATE_OBLIGATIONS.map((o) => o.id)]);
  });

  test('a medium finding is not graded 较大: the CAC report is unassessed (reminded), not waived', () => {
    const state = incidentState(incident(CN_SCOPE, finding({ severity: 'medium' })));
    expect(deadlinesOf(state, now)[0].status).toBe('unassessed');
  });

  test('grading: 一般 waives the CAC report; 较大 opens it even for a low finding', () => {
    const base = { kind: 'assessed' as const, at: '2026-06-05T15:30:00.000Z', role: 'security-lead', personalDataInvolved: false };
    const general = incidentState(incident(CN_SCOPE, finding(), { ...base, cnGrade: 'general' }));
    expect(deadlinesOf(general, now)[0]).toMatchObject({ status: 'not-required', reason: expect.stringContaining('一般') });
    const significant = incidentState(incident(CN_SCOPE, finding({ severity: 'low' }), { ...base, cnGrade: 'significant' }));
    expect(deadlinesOf(significant, now)[0].status).toBe('open');
  });

  test('no personal data: the personal-data duties are not required; the PDPA assessment is met by the assessment itself', () => {
    const state = incidentState(
      incident(CN_SCOPE, finding(), { kind: 'assessed', at: '2026-06-05T15:30:00.000Z', role: 'dpo', personalDataInvolved: false, cnGrade: 'significant' }),
    );
    expect(Object.fromEntries(deadlinesOf(state, now).map((d) => [d.obligation.id, d.status]))).toEqual({
      'cn-cac-incident-report': 'open',
      'cn-pipl-art57': 'not-required',
      'sg-pdpa-26c-assess': 'met',
      'sg-pdpa-26d-notify': 'not-required',
    });
  });

  test('an assessment-started clock moves to the day personal data was assessed involved', () => {
    const state = incidentState(
      incident(CN_SCOPE, finding(), { kind: 'assessed', at: '2026-06-09T02:00:00.000Z', role: 'dpo', personalDataInvolved: true, individualsAffected: 12 }),
    );
    const pdpa = deadlinesOf(state, now).find((d) => d.obligation.id === 'sg-pdpa-26d-notify')!;
    expect(pdpa).toMatchObject({ provisional: false, startsAt: '2026-06-09T02:00:00.000Z', dueAt: '2026-06-12T15:59:59.999Z' });
  });

  test('notified before the deadline is met; after it, met late', () => {
    const entries = incident(
      CN_SCOPE,
      finding(),
      { kind: 'notified', at: '2026-06-05T18:59:00.000Z', obligation: 'cn-cac-incident-report', authority: '北京市网信办' },
      { kind: 'notified', at: '2026-06-05T15:20:00.000Z', obligation: 'cn-pipl-art57', authority: 'CAC' },
    );
    const statuses = deadlinesOf(incidentState(entries), new Date('2026-06-06T00:00:00Z')).map((d) => d.status);
    expect(statuses.slice(0, 2)).toEqual(['met', 'met-late']);
  });
});

describe('remindersDue', () => {
  const gdprOnly = { homeRegion: 'eu-west-1', destinations: [], cnOperator: 'other' as const };
  const opened = finding({ region: 'eu-west-1', detectedAt: '2026-06-05T00:00:00.000Z' });

  test.each([
    ['before half the window: nothing', '2026-06-06T11:59:59.000Z', []],
    ['at half (36 h): half', '2026-06-06T12:00:00.000Z', ['half']],
    ['at 80%: three-quarters', '2026-06-07T09:36:00.000Z', ['three-quarters']],
    ['past due: due', '2026-06-08T00:30:00.000Z', ['due']],
    ['past due + 7.2 h: overdue', '2026-06-08T07:13:00.000Z', ['overdue']],
  ])('%s', (_case, at, thresholds) => {
    const state = incidentState(incident(gdprOnly, opened));
    expect(remindersDue(state, new Date(at)).map((r) => r.threshold)).toEqual(thresholds);
  });

  test('a reminder once sent is not sent again, and a missed earlier threshold is not sent after a later one', () => {
    const dueAt = '2026-06-08T00:00:00.000Z';
    const state = incidentState(
      incident(gdprOnly, opened, { kind: 'reminded', at: '2026-06-07T08:00:00.000Z', obligation: 'eu-gdpr-art33', threshold: 'three-quarters', dueAt }),
    );
    expect(remindersDue(state, new Date('2026-06-07T09:00:00.000Z'))).toEqual([]);
    expect(remindersDue(state, new Date('2026-06-07T22:00:00.000Z')).map((r) => r.threshold)).toEqual(['nine-tenths']);
  });

  test('no reminders for a met duty or a closed incident', () => {
    const met = incidentState(incident(gdprOnly, opened, { kind: 'notified', at: '2026-06-05T10:00:00.000Z', obligation: 'eu-gdpr-art33', authority: 'DPC Ireland' }));
    expect(remindersDue(met, new Date('2026-06-09T00:00:00.000Z'))).toEqual([]);
    const closed = incidentState(
      incident(
        gdprOnly,
        opened,
        { kind: 'notified', at: '2026-06-05T10:00:00.000Z', obligation: 'eu-gdpr-art33', authority: 'DPC Ireland' },
        { kind: 'closed', at: '2026-06-05T11:00:00.000Z', reason: 'contained; SA notified' },
      ),
    );
    expect(remindersDue(closed, new Date('2026-06-09T00:00:00.000Z'))).toEqual([]);
  });
});

describe('entryProblems: a wrong entry is refused before it reaches the write-once store', () => {
  const state = incidentState(incident(CN_SCOPE, finding()));
  const now = new Date('2026-06-05T16:00:00.000Z');

  test('closing with duties still running', () => {
    expect(entryProblems(state, { kind: 'closed', at: '2026-06-05T15:50:00.000Z', reason: 'done' }, now).join()).toMatch(
      /cannot close with duties still running: cn-cac-incident-report \(open\), cn-pipl-art57 \(overdue\)/,
    );
  });

  test('a notification for a duty the incident does not have', () => {
    expect(entryProblems(state, { kind: 'notified', at: '2026-06-05T15:50:00.000Z', obligation: 'eu-gdpr-art33', authority: 'DPC' }, now)).toEqual([
      expect.stringContaining('"eu-gdpr-art33" is not one of this incident\'s'),
    ]);
  });

  test('an entry dated before the incident opened, or in the future', () => {
    const problems = entryProblems(state, { kind: 'notified', at: '2026-06-04T00:00:00.000Z', obligation: 'cn-pipl-art57', authority: 'CAC' }, now);
    expect(problems.join()).toMatch(/before the incident was opened/);
    expect(entryProblems(state, { kind: 'notified', at: '2026-06-06T00:00:00.000Z', obligation: 'cn-pipl-art57', authority: 'CAC' }, now).join()).toMatch(/future/);
  });

  test('a leak of 100 million people graded below 特别重大', () => {
    const body = { kind: 'assessed' as const, at: '2026-06-05T15:50:00.000Z', role: 'dpo', personalDataInvolved: true, individualsAffected: 100_000_000, cnGrade: 'major' as const };
    expect(entryProblems(state, body, now).join()).toMatch(/特别重大/);
  });
});
