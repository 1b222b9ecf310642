/**
 * The "Transfer instruments" part of the `residency assess` memo: which instruments the decided
 * mechanism (or the rule checked) needs, and what the register holds for them, with dates and
 * status, so the memo cites the evidence rather than asking for it.
 */
import type { CacMechanism } from '../../lambda/core/assessment/cac';
import { daysBetween } from '../../lambda/core/assessment/instruments/check';
import { INSTRUMENT_KINDS, type InstrumentKind } from '../../lambda/core/assessment/instruments/kinds';
import type { InstrumentRegister } from '../../lambda/core/assessment/instruments/schema';
import { nextDateOf, summarizeRegister, type InstrumentSummary } from '../../lambda/core/assessment/instruments/summary';
import type { GdprAssessment } from '../../lambda/core/assessment/gdpr';
import type { PdpaAssessment } from '../../lambda/core/assessment/pdpa';

export interface LoadedRegister {
  readonly register: InstrumentRegister;
  /** The file, as the user named it. */
  readonly shownAs: string;
  readonly maxAssessmentAgeDays: number;
}

/** The instrument kinds each mechanism rests on. */
export function kindsForCac(mechanism: CacMechanism): InstrumentKind[] {
  if (mechanism === 'security_assessment') return ['cac_security_assessment', 'pia'];
  if (mechanism === 'standard_contract_or_certification') return ['cn_standard_contract', 'cn_certification', 'pia'];
  return ['pia'];
}

export function kindsForGdpr(result: GdprAssessment): InstrumentKind[] {
  if (result.mechanism === 'scc') return ['gdpr_scc', 'tia'];
  if (result.mechanism === 'bcr') return ['gdpr_bcr', 'tia'];
  if (result.mechanism === 'adequacy' && result.adequacyDecision?.condition) return ['recipient_condition'];
  return [];
}

export function kindsForPdpa(result: PdpaAssessment): InstrumentKind[] {
  switch (result.mechanism) {
    case 'contract':
      return ['pdpa_contract'];
    case 'binding_corporate_rules':
      return ['pdpa_bcr'];
    case 'specified_certification':
      return ['pdpa_certification'];
    case 'consent':
      return ['pdpa_consent'];
    default:
      return [];
  }
}

function statusOf(row: InstrumentSummary, date: string): string {
  const next = nextDateOf(row);
  if (row.date > date) return `not in effect until ${row.date}`;
  if (!next) return 'in force, no expiry';
  const days = daysBetween(date, next.date);
  if (days < 0) return `**${next.event === 'expires' ? 'EXPIRED' : 'REVIEW OVERDUE'}** (${next.date}, ${-days} days ago)`;
  return `in force; ${next.event} ${next.date} (in ${days} days)`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(rows: readonly InstrumentSummary[], date: string): string[] {
  return [
    '| Instrument | What | Recipient | Reference | Dated | Status |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${cell(r.id)}\` | ${cell([r.label, ...r.details].join('; '))} | ${cell(r.recipient)} | ${cell(r.reference)} | ${r.dateKey} ${r.date} | ${statusOf(r, date)} |`,
    ),
  ];
}

function needsText(kinds: readonly InstrumentKind[]): string {
  return kinds.map((k) => `${INSTRUMENT_KINDS[k].label} (${INSTRUMENT_KINDS[k].needs}; ${INSTRUMENT_KINDS[k].provision})`).join('; ');
}

/** The memo section for a decided mechanism: the register's instruments of the kinds it rests on. */
export function instrumentsForMechanism(kinds: readonly InstrumentKind[], loaded: LoadedRegister | undefined, date: string): string[] {
  const head = ['## Transfer instruments', ''];
  if (kinds.length === 0) return [...head, 'This mechanism rests on no contract, filing or approval of its own; keep this memo as its record.', ''];
  if (!loaded) {
    return [
      ...head,
      `No transfer-instrument register was given (\`--register FILE\`, or the \`instruments/register.json\` next to \`--rule\`). This mechanism needs: ${needsText(kinds)}.`,
      '',
    ];
  }
  const rows = summarizeRegister(loaded.register, [], loaded.maxAssessmentAgeDays).filter((r) => kinds.includes(r.kind));
  if (rows.length === 0) {
    return [...head, `Register \`${loaded.shownAs}\` holds none of the instruments this mechanism needs: ${needsText(kinds)}. Record them before transferring.`, ''];
  }
  return [...head, `From register \`${loaded.shownAs}\` (instruments of the kinds this mechanism rests on, soonest expiry or review first):`, '', ...table(rows, date), ''];
}

/** The memo section for a rule check: the rule's own instruments and what the check found wrong with them. */
export function instrumentsForRule(
  rule: { readonly id: string; readonly instruments?: readonly string[] },
  loaded: LoadedRegister | undefined,
  problems: readonly string[],
  date: string,
): string[] {
  const head = ['## Transfer instruments', ''];
  if (!loaded) return [...head, 'No transfer-instrument register was found next to the rule (`instruments/register.json`) or given (`--register FILE`): the instruments were not checked.', ''];
  const rows = summarizeRegister(loaded.register, [rule], loaded.maxAssessmentAgeDays).filter((r) => r.rules.includes(rule.id));
  return [
    ...head,
    `Register \`${loaded.shownAs}\`; rule "${rule.id}" names ${rule.instruments?.length ? rule.instruments.map((i) => `\`${i}\``).join(', ') : 'no instrument'}.`,
    '',
    ...(rows.length > 0 ? [...table(rows, date), ''] : []),
    ...(problems.length > 0 ? ['**Problems:**', '', ...problems.map((p) => `- ${p}`), ''] : ['Every instrument the legal basis needs is listed and in force.', '']),
  ];
}
