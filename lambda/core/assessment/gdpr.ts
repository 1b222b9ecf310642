/**
 * GDPR Chapter V for EU-origin personal data: which transfer tool a destination allows.
 * In order of preference: an adequacy decision (Art. 45), appropriate safeguards such as binding
 * corporate rules (Art. 46(2)(b), Art. 47) or standard contractual clauses (Art. 46(2)(c)), and only
 * in their absence a derogation for a specific situation (Art. 49). When none applies, the transfer
 * is not allowed and the result says so.
 *
 * Pure data and logic: the adequacy list is dated so a reader can check it against the
 * Commission's list; a decision adopted under Directive 95/46/EC stays in force under Art. 45(9).
 */
import { vocabularyNames } from './vocabulary';

/** EU member states and the other EEA states (Iceland, Liechtenstein, Norway): GDPR applies there, so no Chapter V transfer. */
export const EEA_COUNTRIES: readonly string[] = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
];

/** Facts about the recipient that a partial adequacy decision depends on. */
export const RECIPIENT_CONDITIONS = {
  us_dpf_certified: 'the US recipient is certified under the EU-US Data Privacy Framework',
  ca_pipeda_covered: 'the Canadian recipient is a commercial organisation subject to PIPEDA',
} as const;
export type RecipientCondition = keyof typeof RECIPIENT_CONDITIONS;
export const RECIPIENT_CONDITION_NAMES = vocabularyNames(RECIPIENT_CONDITIONS);

export interface AdequacyDecision {
  readonly country: string;
  readonly name: string;
  readonly decision: string;
  /** Date of adoption, ISO 8601. */
  readonly adopted: string;
  /** Set when the decision covers only some recipients in the country. */
  readonly condition?: RecipientCondition;
  /** What a reader must check before relying on it. */
  readonly caution?: string;
}

export const ADEQUACY_DECISIONS: readonly AdequacyDecision[] = [
  { country: 'AD', name: 'Andorra', decision: 'Commission Decision 2010/625/EU', adopted: '2010-10-19' },
  { country: 'AR', name: 'Argentina', decision: 'Commission Decision 2003/490/EC', adopted: '2003-06-30' },
  {
    country: 'CA',
    name: 'Canada (commercial organisations)',
    decision: 'Commission Decision 2002/2/EC',
    adopted: '2001-12-20',
    condition: 'ca_pipeda_covered',
  },
  { country: 'FO', name: 'Faroe Islands', decision: 'Commission Decision 2010/146/EU', adopted: '2010-03-05' },
  { country: 'GG', name: 'Guernsey', decision: 'Commission Decision 2003/821/EC', adopted: '2003-11-21' },
  { country: 'IL', name: 'Israel', decision: 'Commission Decision 2011/61/EU', adopted: '2011-01-31' },
  { country: 'IM', name: 'Isle of Man', decision: 'Commission Decision 2004/411/EC', adopted: '2004-04-28' },
  { country: 'JP', name: 'Japan', decision: 'Commission Implementing Decision (EU) 2019/419', adopted: '2019-01-23' },
  { country: 'JE', name: 'Jersey', decision: 'Commission Decision 2008/393/EC', adopted: '2008-05-08' },
  { country: 'NZ', name: 'New Zealand', decision: 'Commission Implementing Decision 2013/65/EU', adopted: '2012-12-19' },
  {
    country: 'KR',
    name: 'Republic of Korea',
    decision: 'Commission Implementing Decision (EU) 2022/254',
    adopted: '2021-12-17',
    caution:
      'the Korean decision excludes personal credit information processed under the Credit Information Act by institutions supervised by the Financial Services Commission: payment data sent to such an institution needs another tool',
  },
  { country: 'CH', name: 'Switzerland', decision: 'Commission Decision 2000/518/EC', adopted: '2000-07-26' },
  {
    country: 'GB',
    name: 'United Kingdom',
    decision: 'Commission Implementing Decision (EU) 2021/1772',
    adopted: '2021-06-28',
    caution:
      'the UK decision was adopted with a sunset clause (27 June 2025) and later extended: confirm that a UK adequacy decision is in force on the transfer date',
  },
  { country: 'UY', name: 'Uruguay', decision: 'Commission Implementing Decision 2012/484/EU', adopted: '2012-08-21' },
  {
    country: 'US',
    name: 'United States (EU-US Data Privacy Framework participants only)',
    decision: 'Commission Implementing Decision (EU) 2023/1795',
    adopted: '2023-07-10',
    condition: 'us_dpf_certified',
  },
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

export type GdprMechanism = 'not_a_transfer' | 'adequacy' | 'bcr' | 'scc' | 'art49_derogation' | 'none';

export interface GdprTransferInput {
  /** ISO 3166-1 alpha-2 country of the recipient. */
  readonly destinationCountry: string;
  /** Conditions the recipient meets (e.g. DPF certification), for partial adequacy decisions. */
  readonly recipientConditions?: readonly RecipientCondition[];
  /** Art. 46 safeguards signed or approved for this recipient. */
  readonly safeguards?: readonly GdprSafeguard[];
  /** Art. 49 derogations whose conditions the controller has established for this transfer. */
  readonly derogations?: readonly Art49Derogation[];
}

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
  readonly adequacyDecision?: AdequacyDecision;
}

export function isEea(country: string): boolean {
  return EEA_COUNTRIES.includes(country);
}

export function adequacyDecisionFor(country: string): AdequacyDecision | undefined {
  return ADEQUACY_DECISIONS.find((d) => d.country === country);
}

/** Whether an adequacy decision covers this recipient: the country has one and its condition, if any, is met. */
export function adequacyCovers(
  country: string,
  recipientConditions: readonly RecipientCondition[] = [],
): { covered: true; decision: AdequacyDecision } | { covered: false; finding: string } {
  const decision = adequacyDecisionFor(country);
  if (!decision) return { covered: false, finding: `no adequacy decision covers ${country}` };
  if (decision.condition && !recipientConditions.includes(decision.condition)) {
    return {
      covered: false,
      finding: `the ${decision.name} decision (${decision.decision}, ${decision.adopted}) covers a recipient only if ${RECIPIENT_CONDITIONS[decision.condition]}; that is not recorded (${decision.condition})`,
    };
  }
  return { covered: true, decision };
}

const ART45 = 'GDPR Art. 45';
const SCHREMS_II =
  'assess the law and practice of the destination and add supplementary measures where needed (transfer impact assessment, CJEU C-311/18 Schrems II)';
const ART49_RESTRICTIVE =
  'Art. 49 derogations are exceptions to be read restrictively: occasional transfers only, not a standing transfer channel (EDPB Guidelines 2/2018)';

export function assessGdprTransfer(input: GdprTransferInput): GdprAssessment {
  const country = input.destinationCountry;
  if (isEea(country)) {
    return {
      mechanism: 'not_a_transfer',
      allowed: true,
      reasons: [{ provision: 'GDPR Art. 44', finding: `${country} applies the GDPR (EU/EEA): Chapter V does not apply` }],
      cautions: [],
    };
  }
  const reasons: GdprReason[] = [];
  const adequacy = adequacyCovers(country, input.recipientConditions);
  if (adequacy.covered) {
    const { decision } = adequacy;
    const condition = decision.condition ? `; ${RECIPIENT_CONDITIONS[decision.condition]}` : '';
    return {
      mechanism: 'adequacy',
      allowed: true,
      reasons: [{ provision: ART45, finding: `${decision.name}: ${decision.decision} of ${decision.adopted}${condition}` }],
      cautions: decision.caution ? [decision.caution] : [],
      adequacyDecision: decision,
    };
  }
  reasons.push({ provision: ART45, finding: adequacy.finding });

  const safeguards = input.safeguards ?? [];
  const safeguard = (['bcr', 'scc'] as const).find((s) => safeguards.includes(s));
  if (safeguard) {
    const cautions = [SCHREMS_II];
    if (country === 'US') {
      cautions.push('US providers can be compelled to disclose data they hold wherever it is stored (CLOUD Act): prefer customer-held keys');
    }
    return {
      mechanism: safeguard,
      allowed: true,
      reasons: [
        ...reasons,
        ...safeguards.map((s) => ({ provision: GDPR_SAFEGUARDS[s], finding: `in place for the recipient in ${country}` })),
      ],
      cautions,
    };
  }
  reasons.push({ provision: 'GDPR Art. 46', finding: 'no appropriate safeguard (SCCs, BCRs) is recorded' });

  const derogations = input.derogations ?? [];
  if (derogations.length > 0) {
    const cautions = [ART49_RESTRICTIVE];
    if (derogations.includes('compelling_legitimate_interests')) {
      cautions.push(
        'the compelling-legitimate-interests derogation also requires informing the supervisory authority and the data subject (Art. 49(1), second subparagraph)',
      );
    }
    return {
      mechanism: 'art49_derogation',
      allowed: true,
      reasons: [...reasons, ...derogations.map((d) => ({ provision: ART49_DEROGATIONS[d], finding: 'relied on for this transfer' }))],
      cautions,
    };
  }
  reasons.push({ provision: 'GDPR Art. 49', finding: 'no derogation for a specific situation is recorded' });
  return {
    mechanism: 'none',
    allowed: false,
    reasons: [...reasons, { provision: 'GDPR Art. 44', finding: `no Chapter V tool applies: the transfer to ${country} is not allowed` }],
    cautions: [],
  };
}
