/**
 * The breach-notification duties this project models, one entry per duty and authority, with the
 * clock each one runs on and the text it comes from. Pure data; `clocks.ts` turns an incident's
 * entries into a deadline per duty.
 *
 * Clock kinds:
 * - `immediately`: due the moment the clock starts (PIPL Art. 57 "立即").
 * - `hours`: elapsed time from the start instant. Weekends and public holidays do not pause it and
 *   time zones do not move it: GDPR Art. 33's 72 hours are 72 hours (Regulation (EEC, Euratom)
 *   No 1182/71 Art. 3(4) extends a period ending on a holiday only when it is expressed
 *   "otherwise than in hours").
 * - `calendar-days`: the period ends at the end of the Nth calendar day after the day the clock
 *   started, both days read in the authority's time zone (US state laws "within 30 days"; PDPA
 *   "3 calendar days after the day"). Across a daylight-saving change such a period is not N × 24 h.
 *
 * Clock starts: `awareness` is the detection of the incident (fail closed: the earliest moment a
 * regulator could say we knew); `assessment` is the first assessment that personal data was
 * involved (a "determination" in Colorado, Florida and Texas law, the s. 26C assessment in
 * Singapore). Before that assessment exists the clock runs, provisionally, from awareness.
 */

export type ClockStart = 'awareness' | 'assessment';

export type Clock =
  | { readonly kind: 'immediately'; readonly start: ClockStart }
  | { readonly kind: 'hours'; readonly hours: number; readonly start: ClockStart }
  | { readonly kind: 'calendar-days'; readonly days: number; readonly start: ClockStart };

/** What must be true of the incident for the duty to arise. */
export type Trigger =
  /** Personal data was (or, before an assessment says otherwise, may have been) affected. */
  | 'personal-data'
  /** Graded 较大 (significant) or above under the CAC grading guide. */
  | 'cn-significant-or-above'
  /** The s. 26C assessment itself: due whether or not the breach turns out notifiable. */
  | 'always';

export interface Obligation {
  /** Stable id, used in incident entries (`notified.obligation`) and reminders. */
  readonly id: string;
  /** ISO country, `EU` for the EEA, or `US-XX` for a US state. */
  readonly jurisdiction: string;
  /** The provision, as a lawyer would cite it. */
  readonly law: string;
  /** Who must be told. */
  readonly notify: string;
  readonly clock: Clock;
  readonly trigger: Trigger;
  /** Time zone the deadline is read in and displayed in (the authority's). */
  readonly timeZone: string;
  /** Where the text can be read. */
  readonly source: string;
  /** What a person acting on the deadline must also know. */
  readonly note?: string;
}

/** Who the reporting entity is under the CAC Measures (Art. 4): it decides the hours. */
export const CN_OPERATOR_TYPES = ['ciio', 'central-state-organ', 'other'] as const;
export type CnOperatorType = (typeof CN_OPERATOR_TYPES)[number];

const CAC_MEASURES =
  '国家网络安全事件报告管理办法 (CAC, adopted 11 September 2025, in force 1 November 2025) Art. 4, with its 网络安全事件分级指南';
const CAC_SOURCE = 'https://www.cac.gov.cn/ (国家网络安全事件报告管理办法, published by 网信中国 on 15-16 September 2025)';
const CAC_ESCALATION =
  'For 重大 and 特别重大 incidents the receiving body escalates within 30 minutes (protection department to CAC and MPS) or 1 hour ' +
  '(central organs\' cyberspace units and provincial CACs to the national CAC): report early enough for that. ' +
  '特别重大 includes a leak of personal information of 100 million people or more.';

const CAC_BY_OPERATOR: Readonly<Record<CnOperatorType, { hours: number; notify: string }>> = {
  ciio: { hours: 1, notify: 'the CIIO protection department (保护工作部门) and the public security organ (公安机关)' },
  'central-state-organ': { hours: 2, notify: 'the organ\'s own cyberspace affairs unit (本部门网信工作机构)' },
  other: { hours: 4, notify: 'the provincial cyberspace administration where the operator is (属地省级网信部门)' },
};

/** China: the CAC incident report (hours by operator type) and PIPL Art. 57. */
export function chinaObligations(operator: CnOperatorType): Obligation[] {
  const cac = CAC_BY_OPERATOR[operator];
  return [
    {
      id: 'cn-cac-incident-report',
      jurisdiction: 'CN',
      law: `${CAC_MEASURES} (${operator})`,
      notify: cac.notify,
      clock: { kind: 'hours', hours: cac.hours, start: 'awareness' },
      trigger: 'cn-significant-or-above',
      timeZone: 'Asia/Shanghai',
      source: CAC_SOURCE,
      note: `Only incidents graded 较大 (significant) or above are reported; until graded, high and critical findings are treated as 较大. ${CAC_ESCALATION}`,
    },
    {
      id: 'cn-pipl-art57',
      jurisdiction: 'CN',
      law: 'Personal Information Protection Law (个人信息保护法) Art. 57',
      notify: 'the departments performing personal information protection duties, and the individuals concerned',
      clock: { kind: 'immediately', start: 'awareness' },
      trigger: 'personal-data',
      timeZone: 'Asia/Shanghai',
      source: 'http://www.npc.gov.cn/npc/c30834/202108/a8c4e3672c74491a80b53a172bb753fe.shtml',
      note: 'Remedial measures and notification immediately (立即); individuals need not be told where the measures effectively avoid harm, unless the authority requires it.',
    },
  ];
}

/** EEA countries among the project's regions (GDPR applies across the EEA). */
export const EEA_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'LI', 'LT', 'LU',
  'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

/** Time zone of the authorities of a country, for display of hour clocks and for calendar days. */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, string>> = {
  CN: 'Asia/Shanghai',
  SG: 'Asia/Singapore',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  IT: 'Europe/Rome',
  ES: 'Europe/Madrid',
  SE: 'Europe/Stockholm',
};

export function gdprObligation(country: string): Obligation {
  return {
    id: 'eu-gdpr-art33',
    jurisdiction: 'EU',
    law: 'GDPR (Regulation (EU) 2016/679) Art. 33(1)',
    notify: 'the competent (lead) supervisory authority',
    clock: { kind: 'hours', hours: 72, start: 'awareness' },
    trigger: 'personal-data',
    timeZone: COUNTRY_TIME_ZONES[country] ?? 'Europe/Brussels',
    source: 'https://eur-lex.europa.eu/eli/reg/2016/679/oj',
    note:
      '72 hours from becoming aware; weekends and holidays do not pause it (Regulation 1182/71 Art. 3(4) extends only periods expressed ' +
      'otherwise than in hours). Not required where the breach is unlikely to result in a risk (record why). Data subjects: Art. 34, without undue delay, where the risk is high.',
  };
}

export const UK_GDPR: Obligation = {
  id: 'uk-gdpr-art33',
  jurisdiction: 'GB',
  law: 'UK GDPR Art. 33(1)',
  notify: 'the Information Commissioner\'s Office',
  clock: { kind: 'hours', hours: 72, start: 'awareness' },
  trigger: 'personal-data',
  timeZone: 'Europe/London',
  source: 'https://www.legislation.gov.uk/eur/2016/679/article/33',
};

const PDPA_SOURCE = 'https://sso.agc.gov.sg/Act/PDPA2012 (Part 6A); PDPC Guide on Managing and Notifying Data Breaches under the PDPA';

export const SINGAPORE_OBLIGATIONS: readonly Obligation[] = [
  {
    id: 'sg-pdpa-26c-assess',
    jurisdiction: 'SG',
    law: 'PDPA 2012 s. 26C (assessment); PDPC guide: within 30 calendar days',
    notify: 'nobody: assess whether the breach is notifiable (record it with `residency incident record --kind assessed`)',
    clock: { kind: 'calendar-days', days: 30, start: 'awareness' },
    trigger: 'always',
    timeZone: 'Asia/Singapore',
    source: PDPA_SOURCE,
  },
  {
    id: 'sg-pdpa-26d-notify',
    jurisdiction: 'SG',
    law: 'PDPA 2012 s. 26D(1)',
    notify: 'the Personal Data Protection Commission (then affected individuals, s. 26D(2))',
    clock: { kind: 'calendar-days', days: 3, start: 'assessment' },
    trigger: 'personal-data',
    timeZone: 'Asia/Singapore',
    source: PDPA_SOURCE,
    note: 'As soon as practicable, and no later than 3 calendar days after the day the breach is assessed notifiable.',
  },
];

/**
 * US state breach laws with a fixed outer deadline, for profiles that send data to US recipients.
 * Most other states require notice "without unreasonable delay" with no fixed number of days:
 * the earliest deadline below is the practical plan for them too. Each applies only where residents
 * of the state are affected; until an assessment says which states, all of them are open.
 */
export const US_STATE_OBLIGATIONS: readonly Obligation[] = [
  {
    id: 'us-ca-civ-1798.82',
    jurisdiction: 'US-CA',
    law: 'California Civil Code § 1798.82(a)(2), as amended by SB 446 (2025, in force 1 January 2026)',
    notify: 'affected California residents (and the Attorney General within 15 calendar days of that, if more than 500)',
    clock: { kind: 'calendar-days', days: 30, start: 'awareness' },
    trigger: 'personal-data',
    timeZone: 'America/Los_Angeles',
    source: 'https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CIV&sectionNum=1798.82',
  },
  {
    id: 'us-ny-gbl-899-aa',
    jurisdiction: 'US-NY',
    law: 'New York General Business Law § 899-aa(2), as amended December 2024',
    notify: 'affected New York residents (and the AG, Department of State and Division of State Police)',
    clock: { kind: 'calendar-days', days: 30, start: 'awareness' },
    trigger: 'personal-data',
    timeZone: 'America/New_York',
    source: 'https://www.nysenate.gov/legislation/laws/GBS/899-AA',
  },
  {
    id: 'us-wa-rcw-19.255.010',
    jurisdiction: 'US-WA',
    law: 'Revised Code of Washington § 19.255.010(8)',
    notify: 'affected Washington residents (and the Attorney General, if more than 500)',
    clock: { kind: 'calendar-days', days: 30, start: 'awareness' },
    trigger: 'personal-data',
    timeZone: 'America/Los_Angeles',
    source: 'https://app.leg.wa.gov/RCW/default.aspx?cite=19.255.010',
  },
  {
    id: 'us-co-crs-6-1-716',
    jurisdiction: 'US-CO',
    law: 'Colorado Revised Statutes § 6-1-716(2)',
    notify: 'affected Colorado residents (and the Attorney General, if 500 or more)',
    clock: { kind: 'calendar-days', days: 30, start: 'assessment' },
    trigger: 'personal-data',
    timeZone: 'America/Denver',
    source: 'https://leg.colorado.gov/ (C.R.S. 6-1-716)',
  },
  {
    id: 'us-fl-stat-501.171',
    jurisdiction: 'US-FL',
    law: 'Florida Statutes § 501.171(3)-(4)',
    notify: 'affected Florida residents (and the Department of Legal Affairs, if 500 or more)',
    clock: { kind: 'calendar-days', days: 30, start: 'assessment' },
    trigger: 'personal-data',
    timeZone: 'America/New_York',
    source: 'https://www.leg.state.fl.us/statutes/index.cfm?App_mode=Display_Statute&URL=0500-0599/0501/Sections/0501.171.html',
  },
  {
    id: 'us-tx-bcc-521.053-ag',
    jurisdiction: 'US-TX',
    law: 'Texas Business and Commerce Code § 521.053(i) (SB 768, 2023)',
    notify: 'the Texas Attorney General, if 250 or more Texas residents are affected',
    clock: { kind: 'calendar-days', days: 30, start: 'assessment' },
    trigger: 'personal-data',
    timeZone: 'America/Chicago',
    source: 'https://statutes.capitol.texas.gov/Docs/BC/htm/BC.521.htm',
  },
  {
    id: 'us-tx-bcc-521.053',
    jurisdiction: 'US-TX',
    law: 'Texas Business and Commerce Code § 521.053(b)',
    notify: 'affected Texas residents',
    clock: { kind: 'calendar-days', days: 60, start: 'assessment' },
    trigger: 'personal-data',
    timeZone: 'America/Chicago',
    source: 'https://statutes.capitol.texas.gov/Docs/BC/htm/BC.521.htm',
  },
];

/** Every obligation id the catalogue knows, for validating entries that name one. */
export function knownObligationIds(): Set<string> {
  const all = [
    ...CN_OPERATOR_TYPES.flatMap((operator) => chinaObligations(operator)),
    gdprObligation('IE'),
    UK_GDPR,
    ...SINGAPORE_OBLIGATIONS,
    ...US_STATE_OBLIGATIONS,
  ];
  return new Set(all.map((o) => o.id));
}
