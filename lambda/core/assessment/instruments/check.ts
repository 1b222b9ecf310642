/**
 * Does each transfer rule have the instruments its legal basis needs, and are they in force today?
 * A rule is refused when an instrument is missing, belongs to another recipient, is dated after
 * today, has expired, expires before the rule does, or (PIA, TIA) is older than the configured age.
 * Every problem names the file, the key and the date. Pure: `today` is passed in.
 */
import type { RecipientCondition } from '../adequacy';
import { isLegalBasis } from '../legal-basis';
import { INSTRUMENT_KINDS, requiredInstruments, type InstrumentRequirement, type RecipientRole } from './kinds';
import { expiryOf, instrumentDate, type Instrument, type InstrumentRegister } from './schema';

/** The part of a rule this check reads. */
export interface RuleInstrumentView {
  readonly id: string;
  readonly legalBasis: string;
  readonly destination: { readonly country: string; readonly recipient: string; readonly internationalOrganisation?: string };
  /** @default 'controller' */
  readonly recipientRole?: RecipientRole;
  readonly instruments?: readonly string[];
  readonly validUntil: string;
}

export interface InstrumentCheckOptions {
  /** YYYY-MM-DD (UTC). */
  readonly today: string;
  /** Oldest a PIA or TIA may be, in days (config `impactAssessmentMaxAgeDays`). */
  readonly maxAssessmentAgeDays: number;
  /** How the rule file and the register file are named in messages. */
  readonly ruleSource: string;
  readonly registerSource: string;
}

export interface InstrumentCheck {
  readonly problems: readonly string[];
  /** Recipient conditions (DPF, PIPEDA) the rule's valid instruments establish, for the adequacy check. */
  readonly recipientConditions: readonly RecipientCondition[];
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day a PIA or TIA must be reviewed by, or undefined for instruments whose age is not limited. */
export function reviewDueOf(instrument: Instrument, maxAssessmentAgeDays: number): string | undefined {
  return 'reviewed' in INSTRUMENT_KINDS[instrument.kind] ? addDays(instrumentDate(instrument).date, maxAssessmentAgeDays) : undefined;
}

/** The problems of one instrument a rule relies on, as of today. */
function instrumentProblems(instrument: Instrument, index: number, rule: RuleInstrumentView, options: InstrumentCheckOptions): string[] {
  const at = (key: string, value: unknown) => `${options.registerSource}: key instruments[${index}].${key}: value ${JSON.stringify(value)}`;
  const what = `${INSTRUMENT_KINDS[instrument.kind].label} "${instrument.id}"`;
  const reliedOn = `rule "${rule.id}" (${options.ruleSource}) relies on it`;
  const problems: string[] = [];
  if (instrument.recipient !== rule.destination.recipient) {
    problems.push(`${at('recipient', instrument.recipient)}: ${what} is with "${instrument.recipient}", but ${reliedOn} to send to "${rule.destination.recipient}"`);
  }
  const dated = instrumentDate(instrument);
  if (dated.date > options.today) problems.push(`${at(dated.key, dated.date)}: ${what} is dated after today (${options.today}): it is not in effect yet, and ${reliedOn}`);
  const expires = expiryOf(instrument);
  if (expires !== undefined && expires < options.today) {
    problems.push(`${at('expiresOn', expires)}: ${what} expired before today (${options.today}); ${reliedOn}`);
  } else if (expires !== undefined && expires < rule.validUntil) {
    problems.push(
      `${options.ruleSource}: key validUntil: value "${rule.validUntil}": rule "${rule.id}" would outlive ${what}, which expires ${expires} (${options.registerSource} instruments[${index}].expiresOn): set validUntil on or before ${expires}, or renew the instrument`,
    );
  }
  const due = reviewDueOf(instrument, options.maxAssessmentAgeDays);
  if (due !== undefined && due < options.today && dated.date <= options.today) {
    problems.push(
      `${at(dated.key, dated.date)}: ${what} is ${daysBetween(dated.date, options.today)} days old on ${options.today}, older than impactAssessmentMaxAgeDays (${options.maxAssessmentAgeDays}): review it and record the new date; ${reliedOn}`,
    );
  }
  if (instrument.kind === 'gdpr_scc') {
    const role: RecipientRole = instrument.module === 2 || instrument.module === 3 ? 'processor' : 'controller';
    const declared = rule.recipientRole ?? 'controller';
    if (role !== declared) {
      problems.push(`${at('module', instrument.module)}: SCC module ${instrument.module} is for a ${role} recipient, but rule "${rule.id}" (${options.ruleSource}) declares recipientRole "${declared}"`);
    }
  }
  if ((instrument.kind === 'pdpa_contract' || instrument.kind === 'pdpa_bcr') && !instrument.countries.includes(rule.destination.country)) {
    problems.push(
      `${at('countries', instrument.countries)}: ${what} does not cover ${rule.destination.country}, where rule "${rule.id}" (${options.ruleSource}) sends (PDP Regulations 2021 reg 11(2)-(3): the countries must be specified)`,
    );
  }
  return problems;
}

function satisfies(instrument: Instrument, need: InstrumentRequirement): boolean {
  return instrument.kind === need.kind && (need.condition === undefined || (instrument.kind === 'recipient_condition' && instrument.condition === need.condition));
}

/** Checks one rule's instruments against the register as of `options.today`. */
export function checkRuleInstruments(rule: RuleInstrumentView, register: InstrumentRegister, options: InstrumentCheckOptions): InstrumentCheck {
  const problems: string[] = [];
  const listed: { instrument: Instrument; index: number }[] = [];
  const names = rule.instruments ?? [];
  names.forEach((id, i) => {
    const index = register.instruments.findIndex((instrument) => instrument.id === id);
    if (index === -1) {
      problems.push(`${options.ruleSource}: key instruments[${i}]: value ${JSON.stringify(id)}: no instrument with this id in ${options.registerSource}`);
    } else {
      listed.push({ instrument: register.instruments[index], index });
    }
  });
  if (!isLegalBasis(rule.legalBasis)) return { problems, recipientConditions: [] };
  for (const need of requiredInstruments({ ...rule, legalBasis: rule.legalBasis })) {
    if (listed.some(({ instrument }) => satisfies(instrument, need))) continue;
    const condition = need.condition ? ` for ${need.condition}` : '';
    const kind = INSTRUMENT_KINDS[need.kind];
    problems.push(
      `${options.ruleSource}: key instruments: value ${JSON.stringify(names)}: ${need.because} needs a ${need.kind} instrument${condition}, the ${kind.label} (${kind.needs}; ${kind.provision}); record it in ${options.registerSource} and list its id`,
    );
  }
  const instrumentIssues = listed.map(({ instrument, index }) => ({ instrument, issues: instrumentProblems(instrument, index, rule, options) }));
  problems.push(...instrumentIssues.flatMap(({ issues }) => issues));
  const recipientConditions = instrumentIssues
    .filter(({ issues }) => issues.length === 0)
    .flatMap(({ instrument }) => (instrument.kind === 'recipient_condition' ? [instrument.condition] : []));
  return { problems, recipientConditions };
}
