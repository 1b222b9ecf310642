/**
 * The register as an auditor reads it: each instrument with the rules relying on it and the next
 * date that matters (its expiry, or when a PIA/TIA is due for review), soonest first. Pure data:
 * written into the home template at synth, rendered by the evidence page and the assess memo.
 */
import { reviewDueOf } from './check';
import { INSTRUMENT_KINDS, type InstrumentKind } from './kinds';
import { expiryOf, instrumentDate, type InstrumentRegister } from './schema';

export interface InstrumentSummary {
  readonly id: string;
  readonly kind: InstrumentKind;
  readonly label: string;
  readonly recipient: string;
  readonly reference: string;
  /** The principal date and its key (signedOn, approvedOn, assessedOn...). */
  readonly dateKey: string;
  readonly date: string;
  readonly expiresOn?: string;
  /** For a PIA or TIA: the day it must be reviewed by (date + impactAssessmentMaxAgeDays). */
  readonly reviewDue?: string;
  /** The rules that name it. */
  readonly rules: readonly string[];
  /** Extra facts a reviewer looks for (filing reference, SCC module, scheme, sub-processors...). */
  readonly details: readonly string[];
}

/** Template `Metadata` key under which the home stack records its register (a RegisterRecord). */
export const TRANSFER_INSTRUMENTS_METADATA_KEY = 'residency:transfer-instruments';

export interface RegisterRecord {
  /** The register file, relative to the app. */
  readonly source: string;
  readonly impactAssessmentMaxAgeDays: number;
  readonly instruments: readonly InstrumentSummary[];
}

/** The next date that matters for an instrument: the earlier of its expiry and its review date. */
export function nextDateOf(summary: Pick<InstrumentSummary, 'expiresOn' | 'reviewDue'>): { date: string; event: 'expires' | 'review due' } | undefined {
  const dates = [
    ...(summary.expiresOn ? [{ date: summary.expiresOn, event: 'expires' as const }] : []),
    ...(summary.reviewDue ? [{ date: summary.reviewDue, event: 'review due' as const }] : []),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return dates[0];
}

function detailsOf(instrument: InstrumentRegister['instruments'][number]): string[] {
  switch (instrument.kind) {
    case 'cn_standard_contract':
      return [`filed ${instrument.filedOn} as ${instrument.filingReference}`];
    case 'cn_certification':
      return [`certification body: ${instrument.certificationBody}`];
    case 'gdpr_scc':
      return [`module ${instrument.module}`];
    case 'gdpr_bcr':
      return [`lead authority: ${instrument.leadAuthority}`];
    case 'dpa':
      return [
        `sub-processors (listed ${instrument.subProcessorsListedOn}): ${instrument.subProcessors.map((s) => `${s.name} (${s.country}, ${s.service})`).join('; ') || 'none'}`,
      ];
    case 'recipient_condition':
      return [`condition: ${instrument.condition}`];
    case 'pdpa_contract':
    case 'pdpa_bcr':
      return [`countries: ${instrument.countries.join(', ')}`];
    case 'pdpa_certification':
      return [`scheme: ${instrument.scheme === 'apec_cbpr' ? 'APEC CBPR' : 'APEC PRP'}`];
    default:
      return [];
  }
}

/** Every instrument with the rules naming it, soonest next date first (none last, then by id). */
export function summarizeRegister(
  register: InstrumentRegister,
  rules: readonly { readonly id: string; readonly instruments?: readonly string[] }[],
  maxAssessmentAgeDays: number,
): InstrumentSummary[] {
  return register.instruments
    .map((instrument) => {
      const dated = instrumentDate(instrument);
      const expiresOn = expiryOf(instrument);
      const reviewDue = reviewDueOf(instrument, maxAssessmentAgeDays);
      return {
        id: instrument.id,
        kind: instrument.kind,
        label: INSTRUMENT_KINDS[instrument.kind].label,
        recipient: instrument.recipient,
        reference: instrument.reference,
        dateKey: dated.key,
        date: dated.date,
        ...(expiresOn === undefined ? {} : { expiresOn }),
        ...(reviewDue === undefined ? {} : { reviewDue }),
        rules: rules.filter((r) => r.instruments?.includes(instrument.id)).map((r) => r.id),
        details: detailsOf(instrument),
      };
    })
    .sort((a, b) => {
      const x = nextDateOf(a)?.date ?? '9999-12-31';
      const y = nextDateOf(b)?.date ?? '9999-12-31';
      return x.localeCompare(y) || a.id.localeCompare(b.id);
    });
}
