/**
 * The transfer-instrument register: one file per rules folder (`<rules>/instruments/register.json`)
 * listing every contract, filing, approval, certificate, DPA and impact assessment the folder's
 * rules rely on. Rules name instruments by id, so a compliance officer renews a contract or records
 * a new PIA in one place, and one instrument (a DPA, an SCC) can back several rules.
 *
 * Strict objects, one shape per kind: a misspelt key or a missing date is refused, naming the key.
 * What depends on today (expiry, age) is checked against the rules that rely on an instrument
 * (check.ts); what an instrument says about itself (an expiry before its date, a certificate longer
 * than 3 years) is checked here.
 */
import { z } from 'zod';
import { RECIPIENT_CONDITION_NAMES } from '../adequacy';
import { CERTIFICATE_VALIDITY_YEARS, SECURITY_ASSESSMENT_VALIDITY_YEARS } from '../cac-measures';
import { INSTRUMENT_KINDS, type InstrumentKind } from './kinds';

export const INSTRUMENT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID_MESSAGE = 'must be 1-63 lower-case letters, digits or dashes, not starting with a dash';

const isoDate = z.iso.date({ error: 'must be a real calendar date written YYYY-MM-DD' });
const text = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, { error: `must be ${what}` });
const country = z.string({ error: 'must be an ISO 3166-1 alpha-2 country code' }).regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 country code such as "SG"' });

const common = {
  id: z.string({ error: 'must be the instrument id rules refer to' }).regex(INSTRUMENT_ID, { error: ID_MESSAGE }),
  /** The legal name of the other party: must be the rule's destination.recipient. */
  recipient: text("the recipient's legal name, as in the rules' destination.recipient"),
  /** The document's own reference (contract number, report number, certificate number). */
  reference: text('the document reference a reviewer can look up'),
  notes: z.string().optional(),
};

const countries = z
  .array(country, { error: 'must list the countries or territories it covers' })
  .min(1, { error: 'must list at least one country or territory (PDP Regulations 2021 reg 11(2))' });

export const InstrumentSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...common, kind: z.literal('cn_standard_contract'), signedOn: isoDate, filingReference: text('the filing number the provincial cyberspace administration gave'), filedOn: isoDate, expiresOn: isoDate.optional() }),
    z.strictObject({ ...common, kind: z.literal('cac_security_assessment'), approvedOn: isoDate, expiresOn: isoDate }),
    z.strictObject({ ...common, kind: z.literal('cn_certification'), certificationBody: text('the certification body that issued it'), issuedOn: isoDate, expiresOn: isoDate }),
    z.strictObject({ ...common, kind: z.literal('pia'), assessedOn: isoDate }),
    z.strictObject({
      ...common,
      kind: z.literal('gdpr_scc'),
      module: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { error: 'must be the SCC module: 1 (controller to controller), 2 (controller to processor), 3 (processor to processor) or 4 (processor to controller)' }),
      signedOn: isoDate,
      expiresOn: isoDate.optional(),
    }),
    z.strictObject({ ...common, kind: z.literal('gdpr_bcr'), leadAuthority: text('the lead supervisory authority that approved them'), approvedOn: isoDate }),
    z.strictObject({ ...common, kind: z.literal('tia'), assessedOn: isoDate }),
    z.strictObject({
      ...common,
      kind: z.literal('dpa'),
      signedOn: isoDate,
      expiresOn: isoDate.optional(),
      subProcessors: z.array(z.strictObject({ name: text("the sub-processor's legal name"), country, service: text('what it does for the recipient') }), {
        error: 'must list the sub-processors ([] when there are none)',
      }),
      subProcessorsListedOn: isoDate,
    }),
    z.strictObject({
      ...common,
      kind: z.literal('recipient_condition'),
      condition: z.enum(RECIPIENT_CONDITION_NAMES, { error: `must be one of: ${RECIPIENT_CONDITION_NAMES.join(', ')}` }),
      verifiedOn: isoDate,
      expiresOn: isoDate.optional(),
    }),
    z.strictObject({ ...common, kind: z.literal('pdpa_contract'), signedOn: isoDate, countries, expiresOn: isoDate.optional() }),
    z.strictObject({ ...common, kind: z.literal('pdpa_bcr'), adoptedOn: isoDate, countries, expiresOn: isoDate.optional() }),
    z.strictObject({
      ...common,
      kind: z.literal('pdpa_certification'),
      scheme: z.enum(['apec_cbpr', 'apec_prp'], { error: 'must be apec_cbpr (Cross Border Privacy Rules) or apec_prp (Privacy Recognition for Processors)' }),
      issuedOn: isoDate,
      expiresOn: isoDate,
    }),
    z.strictObject({ ...common, kind: z.literal('pdpa_consent'), summaryIssuedOn: isoDate }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${Object.keys(INSTRUMENT_KINDS).join(', ')}` : 'must be an instrument object with a "kind"') },
);

export type Instrument = z.output<typeof InstrumentSchema>;

/** The principal date of an instrument (signed, approved, issued, assessed...). */
export function instrumentDate(instrument: Instrument): { key: string; date: string } {
  const key = INSTRUMENT_KINDS[instrument.kind].dateKey;
  return { key, date: (instrument as unknown as Record<string, string>)[key] };
}

export function expiryOf(instrument: Instrument): string | undefined {
  return 'expiresOn' in instrument ? instrument.expiresOn : undefined;
}

function addYears(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

const LONGEST: Partial<Record<InstrumentKind, { years: number; why: string }>> = {
  cac_security_assessment: { years: SECURITY_ASSESSMENT_VALIDITY_YEARS, why: 'a security assessment result is valid 3 years (CAC Provisions 2024 Art. 9)' },
  cn_certification: { years: CERTIFICATE_VALIDITY_YEARS, why: 'the certificate is valid 3 years (CAC and SAMR Order No. 20)' },
};

export const InstrumentRegisterSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    instruments: z.array(InstrumentSchema, { error: 'must be a list of instruments' }),
  })
  .superRefine((register, ctx) => {
    const ids = register.instruments.map((i) => i.id);
    register.instruments.forEach((instrument, index) => {
      if (ids.indexOf(instrument.id) !== index) ctx.addIssue({ code: 'custom', path: ['instruments', index, 'id'], message: 'is used by another instrument: ids must be unique' });
      const dated = instrumentDate(instrument);
      const expires = expiryOf(instrument);
      if (expires !== undefined && expires <= dated.date) {
        ctx.addIssue({ code: 'custom', path: ['instruments', index, 'expiresOn'], message: `must be after ${dated.key} (${dated.date})` });
      }
      const longest = LONGEST[instrument.kind];
      if (longest && expires !== undefined && expires > addYears(dated.date, longest.years)) {
        ctx.addIssue({
          code: 'custom',
          path: ['instruments', index, 'expiresOn'],
          message: `must be at most ${longest.years} years after ${dated.key} (${addYears(dated.date, longest.years)}): ${longest.why}`,
        });
      }
      if (instrument.kind === 'cn_standard_contract' && instrument.filedOn < instrument.signedOn) {
        ctx.addIssue({ code: 'custom', path: ['instruments', index, 'filedOn'], message: `must be on or after signedOn (${instrument.signedOn}): a contract is filed after it takes effect` });
      }
      if (instrument.kind === 'dpa' && instrument.subProcessorsListedOn < instrument.signedOn) {
        ctx.addIssue({ code: 'custom', path: ['instruments', index, 'subProcessorsListedOn'], message: `must be on or after signedOn (${instrument.signedOn})` });
      }
    });
  })
  .describe('The transfer instruments (contracts, filings, approvals, certificates, DPAs, impact assessments) the rules of one folder rely on.');

export type InstrumentRegister = z.output<typeof InstrumentRegisterSchema>;

/** The published JSON Schema (draft 2020-12) of a register file. */
export function instrumentRegisterJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(InstrumentRegisterSchema, { io: 'input' });
  return { $schema, $id: 'https://payment-data-residency/schemas/instrument-register.schema.json', title: 'Transfer-instrument register', ...generated };
}
