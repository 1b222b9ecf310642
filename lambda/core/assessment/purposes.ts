/**
 * The closed vocabulary of transfer purposes, and which of them the CAC Provisions on Promoting and
 * Regulating Cross-Border Data Flows (in force 22 March 2024) exempt.
 *
 * Closed on purpose: a free-text purpose would let "payment" and "payments-analytics" drift apart
 * from the exemption they claim. A purpose not listed here is refused, and adding one is a reviewed
 * change that has to say whether it is exempt and why.
 *
 * An exempt purpose's individuals do not count towards the Art. 7/Art. 8 thresholds, but the
 * exemptions cover personal information only, never important data (see cac.ts).
 */

import { isVocabularyName, vocabularyNames } from './vocabulary';

/** The three purpose-based exemptions of Art. 5 of the Provisions. */
export type CacExemption = 'contract_necessity' | 'hr_management' | 'emergency';

/** The provision behind each exemption, and what it requires. */
export const EXEMPTION_PROVISIONS: Readonly<Record<CacExemption, { provision: string; requirement: string }>> = {
  contract_necessity: {
    provision: 'CAC Provisions 2024 Art. 5(1)',
    requirement:
      'necessary to conclude or perform a contract to which the individual is a party (e.g. cross-border shopping, delivery, payment, account opening, tickets and hotels, visas, exams)',
  },
  hr_management: {
    provision: 'CAC Provisions 2024 Art. 5(2)',
    requirement:
      "necessary for cross-border human-resources management under lawfully made labour rules and collective contracts (employees' information)",
  },
  emergency: {
    provision: 'CAC Provisions 2024 Art. 5(3)',
    requirement: "necessary in an emergency to protect a natural person's life, health or property",
  },
};

interface PurposeDefinition {
  /** The Art. 5 exemption this purpose falls under, or null when its individuals count towards thresholds. */
  readonly exemption: CacExemption | null;
  /** Why: what makes it exempt, or why it is not. */
  readonly why: string;
}

const NOT_LISTED_IN_ART_5 =
  'not among the Art. 5 exemptions: its individuals count towards the Art. 7/Art. 8 thresholds';

export const PURPOSES = {
  // Art. 5(1): contract necessity. The generic name is kept because the issue and compliance
  // officers use it; the specific ones say which contract.
  contract_necessity: { exemption: 'contract_necessity', why: 'performing a contract the individual is party to' },
  payment_settlement: {
    exemption: 'contract_necessity',
    why: 'settling a payment the payer ordered: cross-border payment is named in Art. 5(1)',
  },
  cross_border_payment: { exemption: 'contract_necessity', why: 'cross-border payment is named in Art. 5(1)' },
  refund_processing: {
    exemption: 'contract_necessity',
    why: 'reversing a payment under the same contract the individual is party to',
  },
  account_opening: { exemption: 'contract_necessity', why: 'cross-border account opening is named in Art. 5(1)' },
  cross_border_shopping: { exemption: 'contract_necessity', why: 'cross-border shopping is named in Art. 5(1)' },
  cross_border_delivery: { exemption: 'contract_necessity', why: 'cross-border delivery is named in Art. 5(1)' },
  travel_booking: { exemption: 'contract_necessity', why: 'ticket and hotel booking is named in Art. 5(1)' },
  visa_application: { exemption: 'contract_necessity', why: 'visa processing is named in Art. 5(1)' },
  exam_services: { exemption: 'contract_necessity', why: 'examination services are named in Art. 5(1)' },
  // Art. 5(2) and 5(3).
  hr_management: { exemption: 'hr_management', why: 'cross-border HR management under lawful labour rules' },
  emergency: { exemption: 'emergency', why: "protecting a natural person's life, health or property in an emergency" },
  // Not exempt. Where a purpose sounds close to a contract, the conservative reading counts it:
  // Art. 5(1) requires the transfer to be *necessary* for the individual's contract.
  marketing_analytics: { exemption: null, why: `marketing and analytics: ${NOT_LISTED_IN_ART_5}` },
  fraud_risk_control: {
    exemption: null,
    why: `risk control serves the processor, not the performance of the individual's contract: ${NOT_LISTED_IN_ART_5}`,
  },
  customer_support: {
    exemption: null,
    why: `support outsourced abroad is not necessary to perform the contract: ${NOT_LISTED_IN_ART_5}`,
  },
  regulatory_reporting: { exemption: null, why: `reporting to foreign authorities: ${NOT_LISTED_IN_ART_5}` },
  group_reporting: { exemption: null, why: `intra-group management reporting: ${NOT_LISTED_IN_ART_5}` },
  it_operations: { exemption: null, why: `hosting or operating systems abroad: ${NOT_LISTED_IN_ART_5}` },
} as const satisfies Record<string, PurposeDefinition>;

export type Purpose = keyof typeof PURPOSES;

export const PURPOSE_NAMES = vocabularyNames(PURPOSES);

export function isPurpose(name: string): name is Purpose {
  return isVocabularyName(PURPOSES, name);
}

/** The Art. 5 exemption a purpose falls under, or null when its individuals count towards thresholds. */
export function exemptionOf(purpose: Purpose): CacExemption | null {
  return PURPOSES[purpose].exemption;
}

/** Why a purpose is (or is not) exempt, for reasons and memos. */
export function purposeRationale(purpose: Purpose): string {
  return PURPOSES[purpose].why;
}
