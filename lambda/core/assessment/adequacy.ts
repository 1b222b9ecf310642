/**
 * The Commission's adequacy decisions under GDPR Art. 45, dated and sourced, so a reader can check
 * each line against the Commission's list
 * (https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en).
 * A decision adopted under Directive 95/46/EC stays in force under Art. 45(9).
 *
 * Art. 45(1) allows adequacy for "a third country, a territory or one or more specified sectors
 * within that third country, or the international organisation": countries and organisations are
 * two lists, looked up by ISO country code and by organisation name.
 *
 * Last checked 2 December 2026: Brazil added (26 January 2026), the UK decisions renewed
 * (19 December 2025), the EU-US Data Privacy Framework upheld at first instance (3 September 2025),
 * the European Patent Organisation added (15 July 2025).
 */
import { vocabularyNames } from './vocabulary';

/** Facts about the recipient that a partial adequacy decision depends on. */
export const RECIPIENT_CONDITIONS = {
  us_dpf_certified: 'the US recipient is certified under the EU-US Data Privacy Framework',
  ca_pipeda_covered: 'the Canadian recipient is a commercial organisation subject to PIPEDA',
} as const;
export type RecipientCondition = keyof typeof RECIPIENT_CONDITIONS;
export const RECIPIENT_CONDITION_NAMES = vocabularyNames(RECIPIENT_CONDITIONS);

/** International organisations (GDPR Art. 4(26)) this project can name as a destination. */
export const INTERNATIONAL_ORGANISATIONS = {
  european_patent_organisation: 'European Patent Organisation (EPOrg)',
} as const;
export type InternationalOrganisation = keyof typeof INTERNATIONAL_ORGANISATIONS;
export const INTERNATIONAL_ORGANISATION_NAMES = vocabularyNames(INTERNATIONAL_ORGANISATIONS);

interface DecisionFacts {
  readonly name: string;
  readonly decision: string;
  /** Date of adoption, ISO 8601. */
  readonly adopted: string;
  /** Last day the decision applies, ISO 8601, when it has a sunset; absent when open-ended. */
  readonly validUntil?: string;
  /** Set when the decision covers only some recipients in the country. */
  readonly condition?: RecipientCondition;
  /** What a reader must check before relying on it. */
  readonly caution?: string;
  /** Where the decision, or the latest act on it, is published. */
  readonly source?: string;
}

export interface AdequacyDecision extends DecisionFacts {
  readonly country: string;
}

export interface OrganisationAdequacyDecision extends DecisionFacts {
  readonly organisation: InternationalOrganisation;
}

export const ADEQUACY_DECISIONS: readonly AdequacyDecision[] = [
  { country: 'AD', name: 'Andorra', decision: 'Commission Decision 2010/625/EU', adopted: '2010-10-19' },
  { country: 'AR', name: 'Argentina', decision: 'Commission Decision 2003/490/EC', adopted: '2003-06-30' },
  {
    country: 'BR',
    name: 'Brazil',
    decision: 'Commission Implementing Decision (EU) 2026/179',
    adopted: '2026-01-26',
    source: 'OJ L of 28 January 2026, http://data.europa.eu/eli/dec_impl/2026/179/oj (mutual: Brazil recognised the EU by ANPD Resolution CD/ANPD No. 32 of 26 January 2026, announced 27 January 2026)',
  },
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
    decision: 'Commission Implementing Decision (EU) 2021/1772, renewed by the Commission on 19 December 2025',
    adopted: '2021-06-28',
    validUntil: '2031-12-27',
    source:
      'the 2021 decision had a sunset (27 June 2025), was extended to 27 December 2025 on 24 June 2025 and renewed on 19 December 2025 for six years, to 27 December 2031 (Commission press release of 19 December 2025)',
  },
  { country: 'UY', name: 'Uruguay', decision: 'Commission Implementing Decision 2012/484/EU', adopted: '2012-08-21' },
  {
    country: 'US',
    name: 'United States (EU-US Data Privacy Framework participants only)',
    decision: 'Commission Implementing Decision (EU) 2023/1795',
    adopted: '2023-07-10',
    condition: 'us_dpf_certified',
    caution:
      'the General Court upheld the EU-US Data Privacy Framework on 3 September 2025 (T-553/23 Latombe v Commission, ECLI:EU:T:2025:831); an appeal to the Court of Justice is pending (C-703/25 P, lodged 31 October 2025): keep SCCs ready as a fallback should the decision fall',
    source: 'http://data.europa.eu/eli/dec_impl/2023/1795/oj; appeal: OJ C/2025/6610 of 22 December 2025',
  },
];

export const ORGANISATION_ADEQUACY_DECISIONS: readonly OrganisationAdequacyDecision[] = [
  {
    organisation: 'european_patent_organisation',
    name: 'European Patent Organisation',
    decision: 'Commission Implementing Decision (EU) 2025/1382',
    adopted: '2025-07-15',
    source: 'notified as C(2025) 4626, OJ L of 18 July 2025: the first adequacy decision for an international organisation',
  },
];

export function adequacyDecisionFor(country: string): AdequacyDecision | undefined {
  return ADEQUACY_DECISIONS.find((d) => d.country === country);
}

export function organisationAdequacyDecisionFor(organisation: string): OrganisationAdequacyDecision | undefined {
  return ORGANISATION_ADEQUACY_DECISIONS.find((d) => d.organisation === organisation);
}

/** Where personal data goes: a third country (ISO 3166-1 alpha-2) or an international organisation. */
export type GdprDestination =
  | { readonly country: string; readonly organisation?: undefined }
  | { readonly organisation: InternationalOrganisation; readonly country?: string };

export function describeDestination(destination: GdprDestination): string {
  return destination.organisation !== undefined ? INTERNATIONAL_ORGANISATIONS[destination.organisation] : destination.country;
}

export type AdequacyCoverage =
  | { readonly covered: true; readonly decision: AdequacyDecision | OrganisationAdequacyDecision }
  | { readonly covered: false; readonly finding: string; readonly decision?: AdequacyDecision | OrganisationAdequacyDecision };

/**
 * Whether an adequacy decision covers this recipient: the destination has one, its condition (if
 * any) is met, and, when `on` (YYYY-MM-DD) is given, the decision still applies that day.
 */
export function adequacyCoversDestination(
  destination: GdprDestination,
  recipientConditions: readonly RecipientCondition[] = [],
  on?: string,
): AdequacyCoverage {
  const decision =
    destination.organisation !== undefined ? organisationAdequacyDecisionFor(destination.organisation) : adequacyDecisionFor(destination.country);
  if (!decision) return { covered: false, finding: `no adequacy decision covers ${describeDestination(destination)}` };
  if (decision.condition && !recipientConditions.includes(decision.condition)) {
    return {
      covered: false,
      decision,
      finding: `the ${decision.name} decision (${decision.decision}, ${decision.adopted}) covers a recipient only if ${RECIPIENT_CONDITIONS[decision.condition]}; that is not recorded (${decision.condition})`,
    };
  }
  if (on !== undefined && decision.validUntil !== undefined && on > decision.validUntil) {
    return {
      covered: false,
      decision,
      finding: `the ${decision.name} decision (${decision.decision}) applied until ${decision.validUntil}; on ${on} it has lapsed`,
    };
  }
  return { covered: true, decision };
}
