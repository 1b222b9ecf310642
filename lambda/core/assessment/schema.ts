/**
 * Schemas for what people write by hand: the assessment input (`residency assess --in`) and the
 * vocabularies a transfer rule's `purpose` and `legalBasis` are drawn from. Strict objects, so a
 * misspelt key ("sensitve") is refused instead of silently counting as zero.
 */
import { z } from 'zod';
import { ART49_DEROGATION_NAMES, GDPR_SAFEGUARD_NAMES, INTERNATIONAL_ORGANISATION_NAMES, RECIPIENT_CONDITION_NAMES } from './gdpr';
import { PDPA_MECHANISM_NAMES } from './pdpa';
import { LEGAL_BASES } from './legal-basis';
import { PURPOSE_NAMES } from './purposes';

/** More than everyone alive: a count above it is a typo, and refusing it keeps every sum exact. */
export const MAX_INDIVIDUALS = 10_000_000_000;

/** The CAC Provisions took effect on 22 March 2024; earlier years were counted under other rules. */
export const FIRST_ASSESSABLE_YEAR = 2024;

export const PurposeSchema = z.enum(PURPOSE_NAMES, { error: `must be one of: ${PURPOSE_NAMES.join(', ')}` });

export const LegalBasisSchema = z.enum(LEGAL_BASES, { error: `must be one of: ${LEGAL_BASES.join(', ')}` });

const individualsSchema = z
  .number({ error: 'must be a number of individuals' })
  .int({ error: 'must be a whole number of individuals' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_INDIVIDUALS, { error: `must be at most ${MAX_INDIVIDUALS}` });

const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const CacFlowSchema = z.strictObject({
  purpose: PurposeSchema,
  /** Distinct individuals whose non-sensitive personal information was sent abroad since 1 January. */
  personal: individualsSchema,
  /** Distinct individuals whose sensitive personal information was sent abroad since 1 January. */
  sensitive: individualsSchema,
  importantData: z.boolean({ error: 'must be true or false' }),
  /** CAC Provisions 2024 Art. 4: collected and produced abroad, processed in China, sent back, nothing domestic added. */
  collectedAbroad: z.boolean({ error: 'must be true or false (CAC Provisions 2024 Art. 4)' }).optional(),
  /** CAC Provisions 2024 Art. 6: the zone's negative-list entries this flow's data falls under; [] = outside the list. */
  negativeListEntries: z
    .array(z.string({ error: 'must be a negative-list entry id' }), { error: 'must be a list of negative-list entry ids ([] = outside the list)' })
    .optional(),
});

/** The exporter's pilot free trade zone and its published negative list (CAC Provisions 2024 Art. 6). */
export const FreeTradeZoneSchema = z.strictObject({
  zone: z.string({ error: 'must name the pilot free trade zone' }).trim().min(1, { error: 'must name the pilot free trade zone' }),
  listReference: z
    .string({ error: 'must cite the published negative list (title, number or date)' })
    .trim()
    .min(1, { error: 'must cite the published negative list (title, number or date)' }),
  entries: z
    .array(
      z.strictObject({
        id: z.string({ error: 'must be an entry id' }).regex(ENTRY_ID, { error: 'must be 1-64 letters, digits, dots, dashes or underscores' }),
        description: z.string({ error: 'must describe the data category' }).trim().min(1, { error: 'must describe the data category' }),
      }),
      { error: 'must list the negative list\'s entries' },
    )
    .min(1, { error: 'must list at least one entry: a zone without a negative list publishes nothing to rely on' }),
});

export const CnAssessmentInputSchema = z.strictObject({
  jurisdiction: z.literal('CN'),
  year: z
    .number({ error: 'must be a year such as 2026' })
    .int({ error: 'must be a whole year such as 2026' })
    .min(FIRST_ASSESSABLE_YEAR, { error: `must be ${FIRST_ASSESSABLE_YEAR} or later (the CAC Provisions took effect on 22 March 2024)` })
    .max(9999, { error: 'must be a four-digit year' }),
  ciio: z.boolean({ error: 'must be true or false (is the exporter a critical information infrastructure operator?)' }),
  freeTradeZone: FreeTradeZoneSchema.optional(),
  flows: z
    .array(CacFlowSchema, { error: 'must be a list of flows' })
    .min(1, { error: 'must list at least one flow' })
    .max(1000, { error: 'must list at most 1000 flows' }),
}).superRefine((input, ctx) => {
  const zone = input.freeTradeZone;
  const ids = zone?.entries.map((e) => e.id) ?? [];
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['freeTradeZone', 'entries', i, 'id'], message: 'is listed twice' });
  });
  input.flows.forEach((flow, i) => {
    if (flow.collectedAbroad === true && flow.importantData) {
      ctx.addIssue({
        code: 'custom',
        path: ['flows', i, 'collectedAbroad'],
        message: 'contradicts importantData: true: CAC Provisions 2024 Art. 4 covers only data sent back without domestic personal information or important data',
      });
    }
    if (flow.negativeListEntries === undefined) return;
    if (zone === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['flows', i, 'negativeListEntries'],
        message: 'needs freeTradeZone: a negative list (CAC Provisions 2024 Art. 6) exists only for an exporter in a pilot free trade zone',
      });
      return;
    }
    flow.negativeListEntries.forEach((entry, j) => {
      if (!ids.includes(entry)) {
        ctx.addIssue({
          code: 'custom',
          path: ['flows', i, 'negativeListEntries', j],
          message: `is not an entry of the ${zone.zone} negative list (entries: ${ids.join(', ')})`,
        });
      }
    });
  });
});

const countryCode = z.string({ error: 'must be a country code' }).regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code such as "US"' });

export const EuTransferInputSchema = z.strictObject({
  jurisdiction: z.literal('EU'),
  destination: z
    .strictObject({
      /** The recipient's country; for an international organisation, its seat (optional). */
      country: countryCode.optional(),
      /** Set when the recipient is an international organisation (GDPR Art. 4(26)). */
      internationalOrganisation: z
        .enum(INTERNATIONAL_ORGANISATION_NAMES, { error: `must be one of: ${INTERNATIONAL_ORGANISATION_NAMES.join(', ')}` })
        .optional(),
      recipientConditions: z
        .array(z.enum(RECIPIENT_CONDITION_NAMES, { error: `must be one of: ${RECIPIENT_CONDITION_NAMES.join(', ')}` }))
        .default([]),
    })
    .refine((d) => d.country !== undefined || d.internationalOrganisation !== undefined, {
      error: 'must name a country or an internationalOrganisation',
    }),
  safeguards: z.array(z.enum(GDPR_SAFEGUARD_NAMES, { error: `must be one of: ${GDPR_SAFEGUARD_NAMES.join(', ')}` })).default([]),
  derogations: z
    .array(z.enum(ART49_DEROGATION_NAMES, { error: `must be one of: ${ART49_DEROGATION_NAMES.join(', ')}` }))
    .default([]),
  /**
   * Whether this is an occasional transfer (not in the regular course of business): Art. 49(1)(a)–(c),
   * (e) and the second subparagraph serve only those (recital 111; EDPB Guidelines 2/2018).
   */
  occasional: z.boolean({ error: 'must be true or false (is this an occasional, non-regular transfer?)' }).default(false),
});

/** Singapore-origin data: PDPA s. 26 and PDP Regulations 2021 regs 10–12. */
export const SgTransferInputSchema = z.strictObject({
  jurisdiction: z.literal('SG'),
  destination: z.strictObject({ country: countryCode }),
  mechanisms: z.array(z.enum(PDPA_MECHANISM_NAMES, { error: `must be one of: ${PDPA_MECHANISM_NAMES.join(', ')}` })).default([]),
  purpose: PurposeSchema.optional(),
});

export const AssessmentInputSchema = z.discriminatedUnion('jurisdiction', [CnAssessmentInputSchema, EuTransferInputSchema, SgTransferInputSchema], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'must be "CN" (CAC Provisions 2024), "EU" (GDPR Chapter V) or "SG" (PDPA s. 26)'
      : 'must be a JSON object with a "jurisdiction" key ("CN", "EU" or "SG")',
});

export type CnAssessmentInput = z.output<typeof CnAssessmentInputSchema>;
export type EuTransferInput = z.output<typeof EuTransferInputSchema>;
export type SgTransferInput = z.output<typeof SgTransferInputSchema>;
export type AssessmentInput = z.output<typeof AssessmentInputSchema>;

const optionalDate = z.string({ error: 'must be a date written YYYY-MM-DD' }).optional();

/** The part of a transfer rule `assess --rule` reads; other keys belong to the rule schema and are ignored here. */
export const RuleForLegalBasisSchema = z.object({
  id: z.string({ error: 'must be the rule id' }).min(1, { error: 'must not be empty' }),
  purpose: z.string({ error: 'must be a purpose' }),
  legalBasis: z.string({ error: 'must be a legal basis' }),
  destination: z.object({
    country: z.string({ error: 'must be a country code' }),
    recipient: z.string({ error: "must be the recipient's legal name" }).optional(),
    internationalOrganisation: z.string({ error: 'must be an international organisation' }).optional(),
  }),
  recipientRole: z.enum(['controller', 'processor'], { error: 'must be controller or processor' }).optional(),
  occasional: z.boolean({ error: 'must be true or false' }).optional(),
  validFrom: optionalDate,
  validUntil: optionalDate,
  instruments: z.array(z.string({ error: 'must be an instrument id' }), { error: 'must be a list of instrument ids' }).optional(),
});
