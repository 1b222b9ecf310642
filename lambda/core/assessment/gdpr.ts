/**
 * GDPR Chapter V for EU-origin personal data: which transfer tool a destination allows.
 * In order of preference: an adequacy decision (Art. 45), appropriate safeguards such as binding
 * corporate rules (Art. 46(2)(b), Art. 47) or standard contractual clauses (Art. 46(2)(c)), and only
 * in their absence a derogation for a specific situation (Art. 49). When none applies, the transfer
 * is not allowed and the result says so.
 *
 * Pure data and logic; the dated adequacy list is in adequacy.ts. The destination is a third
 * country or an international organisation (Art. 44: Chapter V covers both).
 */
import {
  adequacyCoversDestination,
  describeDestination,
  RECIPIENT_CONDITIONS,
  type AdequacyDecision,
  type GdprDestination,
  type InternationalOrganisation,
  type OrganisationAdequacyDecision,
  type RecipientCondition,
} from './adequacy';
import { vocabularyNames } from './vocabulary';

export {
  ADEQUACY_DECISIONS,
  adequacyDecisionFor,
  INTERNATIONAL_ORGANISATION_NAMES,
  INTERNATIONAL_ORGANISATIONS,
  ORGANISATION_ADEQUACY_DECISIONS,
  organisationAdequacyDecisionFor,
  RECIPIENT_CONDITION_NAMES,
  RECIPIENT_CONDITIONS,
  type AdequacyDecision,
  type GdprDestination,
  type InternationalOrganisation,
  type OrganisationAdequacyDecision,
  type RecipientCondition,
} from './adequacy';

/** EU member states and the other EEA states (Iceland, Liechtenstein, Norway): GDPR applies there, so no Chapter V transfer. */
export const EEA_COUNTRIES: readonly string[] = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
];

/** Appropriate safeguards (Art. 46) this project recognises. */
export const GDPR_SAFEGUARDS = {
  bcr: 'GDPR Art. 46(2)(b), Art. 47 (binding corporate rules)',
  scc: 'GDPR Art. 46(2)(c) (standard contractual clauses)',
} as const;
export type GdprSafeguard = keyof typeof GDPR_SAFEGUARDS;
export const GDPR_SAFEGUARD_NAMES = vocabularyNames(GDPR_SAFEGUARDS);

/** The derogations for specific situations of Art. 49(1). */
export const ART49_DEROGATIONS = {
  explicit_consent: 'GDPR Art. 49(1)(a) (explicit consent after being informed of the risks)',
  contract_performance: 'GDPR Art. 49(1)(b) (necessary for a contract between the data subject and the controller)',
  contract_in_interest: 'GDPR Art. 49(1)(c) (necessary for a contract concluded in the interest of the data subject)',
  public_interest: 'GDPR Art. 49(1)(d) (important reasons of public interest)',
  legal_claims: 'GDPR Art. 49(1)(e) (establishment, exercise or defence of legal claims)',
  vital_interests: 'GDPR Art. 49(1)(f) (vital interests where the data subject cannot consent)',
  public_register: 'GDPR Art. 49(1)(g) (transfer from a public register)',
  compelling_legitimate_interests:
    'GDPR Art. 49(1), second subparagraph (compelling legitimate interests: not repetitive, limited number of data subjects, supervisory authority informed)',
} as const;
export type Art49Derogation = keyof typeof ART49_DEROGATIONS;
export const ART49_DEROGATION_NAMES = vocabularyNames(ART49_DEROGATIONS);

/**
 * Derogations that serve occasional transfers only: recital 111 speaks of transfers that are
 * "occasional and necessary in relation to a contract or the establishment, exercise or defence of
 * legal claims", and the EDPB reads (a), (b), (c) and (e) that way (Guidelines 2/2018 on derogations
 * of Article 49, 25 May 2018, section 2.1: occasional transfers may happen more than once, but not
 * regularly, outside the regular course of actions). The second subparagraph is stricter still: not
 * repetitive at all. None of them can serve a standing transfer channel.
 */
export const OCCASIONAL_ONLY_DEROGATIONS: readonly Art49Derogation[] = [
  'explicit_consent',
  'contract_performance',
  'contract_in_interest',
  'legal_claims',
  'compelling_legitimate_interests',
];

export const ART49_OCCASIONAL_SOURCE = 'GDPR recital 111; EDPB Guidelines 2/2018, section 2.1';

export function isOccasionalOnly(derogation: Art49Derogation): boolean {
  return OCCASIONAL_ONLY_DEROGATIONS.includes(derogation);
}

export type GdprMechanism = 'not_a_transfer' | 'adequacy' | 'bcr' | 'scc' | 'art49_derogation' | 'none';

interface GdprTransferFacts {
  /** Conditions the recipient meets (e.g. DPF certification), for partial adequacy decisions. */
  readonly recipientConditions?: readonly RecipientCondition[];
  /** Art. 46 safeguards signed or approved for this recipient. */
  readonly safeguards?: readonly GdprSafeguard[];
  /** Art. 49 derogations whose conditions the controller has established for this transfer. */
  readonly derogations?: readonly Art49Derogation[];
  /**
   * Whether the transfer is occasional (not in the regular course of business, not systematic):
   * without it, Art. 49(1)(a)–(c), (e) and the second subparagraph are not available.
   * @default false
   */
  readonly occasional?: boolean;
  /** The day the transfer happens (YYYY-MM-DD): a decision with a sunset no longer covers it after its last day. */
  readonly on?: string;
}

/** A transfer to a third country (ISO 3166-1 alpha-2) or to an international organisation. */
export type GdprTransferInput = GdprTransferFacts &
  (
    | { readonly destinationCountry: string; readonly destinationOrganisation?: undefined }
    | { readonly destinationOrganisation: InternationalOrganisation; readonly destinationCountry?: string }
  );

export interface GdprReason {
  readonly provision: string;
  readonly finding: string;
}

export interface GdprAssessment {
  readonly mechanism: GdprMechanism;
  readonly allowed: boolean;
  readonly reasons: readonly GdprReason[];
  /** What to check or add before relying on the mechanism. */
  readonly cautions: readonly string[];
  readonly adequacyDecision?: AdequacyDecision | OrganisationAdequacyDecision;
}

export function isEea(country: string): boolean {
  return EEA_COUNTRIES.includes(country);
}

/** Whether an adequacy decision covers a recipient in this country (see adequacyCoversDestination). */
export function adequacyCovers(country: string, recipientConditions: readonly RecipientCondition[] = [], on?: string) {
  return adequacyCoversDestination({ country }, recipientConditions, on);
}

export function destinationOf(input: GdprTransferInput): GdprDestination {
  return input.destinationOrganisation !== undefined
    ? { organisation: input.destinationOrganisation, country: input.destinationCountry }
    : { country: input.destinationCountry };
}

const ART45 = 'GDPR Art. 45';
const SCHREMS_II =
  'assess the law and practice of the destination and add supplementary measures where needed (transfer impact assessment, CJEU C-311/18 Schrems II)';
const ART49_RESTRICTIVE =
  'Art. 49 derogations are exceptions to be read restrictively: occasional transfers only, not a standing transfer channel (EDPB Guidelines 2/2018)';

function art49Outcome(input: GdprTransferInput, reasons: GdprReason[]): GdprAssessment | undefined {
  const derogations = input.derogations ?? [];
  const usable = derogations.filter((d) => input.occasional === true || !isOccasionalOnly(d));
  const unusable = derogations.filter((d) => !usable.includes(d));
  const refused = unusable.map((d) => ({
    provision: ART49_DEROGATIONS[d],
    finding: `serves occasional transfers only (${ART49_OCCASIONAL_SOURCE}); this transfer is not recorded as occasional ("occasional": true), so it cannot rely on it`,
  }));
  if (usable.length === 0) {
    reasons.push(...refused);
    return undefined;
  }
  const cautions = [ART49_RESTRICTIVE];
  if (usable.includes('compelling_legitimate_interests')) {
    cautions.push(
      'the compelling-legitimate-interests derogation also requires informing the supervisory authority and the data subject (Art. 49(1), second subparagraph)',
    );
  }
  return {
    mechanism: 'art49_derogation',
    allowed: true,
    reasons: [...reasons, ...refused, ...usable.map((d) => ({ provision: ART49_DEROGATIONS[d], finding: 'relied on for this transfer' }))],
    cautions,
  };
}

export function assessGdprTransfer(input: GdprTransferInput): GdprAssessment {
  const destination = destinationOf(input);
  const where = describeDestination(destination);
  if (destination.organisation === undefined && isEea(destination.country)) {
    return {
      mechanism: 'not_a_transfer',
      allowed: true,
      reasons: [{ provision: 'GDPR Art. 44', finding: `${destination.country} applies the GDPR (EU/EEA): Chapter V does not apply` }],
      cautions: [],
    };
  }
  const reasons: GdprReason[] =
    destination.organisation === undefined
      ? []
      : [{ provision: 'GDPR Art. 44, Art. 4(26)', finding: `${where} is an international organisation: Chapter V applies wherever its seat is` }];
  const adequacy = adequacyCoversDestination(destination, input.recipientConditions, input.on);
  if (adequacy.covered) {
    const { decision } = adequacy;
    const condition = decision.condition ? `; ${RECIPIENT_CONDITIONS[decision.condition]}` : '';
    const until = decision.validUntil ? `, applies until ${decision.validUntil}` : '';
    return {
      mechanism: 'adequacy',
      allowed: true,
      reasons: [...reasons, { provision: ART45, finding: `${decision.name}: ${decision.decision} of ${decision.adopted}${until}${condition}` }],
      cautions: decision.caution ? [decision.caution] : [],
      adequacyDecision: decision,
    };
  }
  reasons.push({ provision: ART45, finding: adequacy.finding });

  const safeguards = input.safeguards ?? [];
  const safeguard = (['bcr', 'scc'] as const).find((s) => safeguards.includes(s));
  if (safeguard) {
    const cautions = [SCHREMS_II];
    if (destination.country === 'US') {
      cautions.push('US providers can be compelled to disclose data they hold wherever it is stored (CLOUD Act): prefer customer-held keys');
    }
    return {
      mechanism: safeguard,
      allowed: true,
      reasons: [...reasons, ...safeguards.map((s) => ({ provision: GDPR_SAFEGUARDS[s], finding: `in place for the recipient in ${where}` }))],
      cautions,
    };
  }
  reasons.push({ provision: 'GDPR Art. 46', finding: 'no appropriate safeguard (SCCs, BCRs) is recorded' });

  const derogation = art49Outcome(input, reasons);
  if (derogation) return derogation;
  if ((input.derogations ?? []).length === 0) reasons.push({ provision: 'GDPR Art. 49', finding: 'no derogation for a specific situation is recorded' });
  return {
    mechanism: 'none',
    allowed: false,
    reasons: [...reasons, { provision: 'GDPR Art. 44', finding: `no Chapter V tool applies: the transfer to ${where} is not allowed` }],
    cautions: [],
  };
}
