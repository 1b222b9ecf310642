/**
 * Singapore: personal data leaving Singapore falls under the Transfer Limitation Obligation of the
 * Personal Data Protection Act 2012 (PDPA s. 26: "must not transfer any personal data to a country or
 * territory outside Singapore except in accordance with requirements prescribed under this Act"),
 * whose requirements are Part 3 of the Personal Data Protection Regulations 2021 (regs 9–12):
 *
 * - reg 10(1): before transferring, the organisation ensures the recipient is bound by legally
 *   enforceable obligations to give the data a standard of protection at least comparable to the PDPA;
 * - reg 11: such obligations arise from law, a contract (reg 11(1)(b), 11(2): comparable protection,
 *   and the countries it applies to), binding corporate rules of related organisations (reg 11(1)(c),
 *   11(3)) or another legally binding instrument;
 * - reg 12: a recipient holding a "specified certification" (APEC Cross Border Privacy Rules, or APEC
 *   Privacy Recognition for Processors for a data intermediary) is taken to be so bound;
 * - reg 10(2): the organisation is taken to have met reg 10(1) where the individual consents after a
 *   reasonable written summary of the protection abroad (reg 10(3)–(4)), or the transfer is necessary
 *   for a contract with the individual or entered into at the individual's request, among others.
 *
 * Sources: PDPA 2012 (2020 Rev. Ed.) s. 26; PDP Regulations 2021, S 63/2021, regs 9–12; PDPC Advisory
 * Guidelines on Key Concepts in the PDPA, chapter 19 (Transfer Limitation Obligation).
 * GDPR Chapter V does not govern Singapore-origin data: SG-home rules use these mechanisms.
 */
import { exemptionOf, PURPOSE_NAMES, type Purpose } from './purposes';
import { vocabularyNames } from './vocabulary';

export const PDPA_TRANSFER_LIMITATION = 'PDPA s. 26 (Transfer Limitation Obligation)';

/** The mechanisms of PDP Regulations 2021 regs 10–12, with the provision each rests on. */
export const PDPA_MECHANISMS = {
  contract: 'PDPA s. 26; PDP Regulations 2021 reg 10(1)(b), reg 11(1)(b) and 11(2) (contract imposing legally enforceable obligations of comparable protection)',
  binding_corporate_rules:
    'PDPA s. 26; PDP Regulations 2021 reg 10(1)(b), reg 11(1)(c) and 11(3) (binding corporate rules of related organisations)',
  specified_certification:
    'PDPA s. 26; PDP Regulations 2021 reg 10(1)(b), reg 12 (specified certification: APEC CBPR, or APEC PRP for a data intermediary)',
  consent: 'PDPA s. 26; PDP Regulations 2021 reg 10(2)(a), 10(3)–(4) (consent after a reasonable written summary of the protection abroad)',
  contract_necessity:
    'PDPA s. 26; PDP Regulations 2021 reg 10(2)(b)–(c) (necessary for a contract with the individual, or with a third party at the individual\'s request)',
} as const;
export type PdpaMechanism = keyof typeof PDPA_MECHANISMS;
export const PDPA_MECHANISM_NAMES = vocabularyNames(PDPA_MECHANISMS);

/** Preference order: obligations that bind the recipient first, the individual-based grounds last. */
const PREFERENCE: readonly PdpaMechanism[] = ['binding_corporate_rules', 'contract', 'specified_certification', 'contract_necessity', 'consent'];

export interface PdpaTransferInput {
  /** ISO 3166-1 alpha-2 country of the recipient. */
  readonly destinationCountry: string;
  /** Mechanisms in place for this recipient. */
  readonly mechanisms?: readonly PdpaMechanism[];
  /** The transfer's purpose: contract necessity holds only for a purpose necessary to the individual's contract. */
  readonly purpose?: Purpose;
}

export interface PdpaAssessment {
  readonly mechanism: PdpaMechanism | 'not_a_transfer' | 'none';
  readonly allowed: boolean;
  readonly reasons: readonly { readonly provision: string; readonly finding: string }[];
  readonly cautions: readonly string[];
}

export function contractPurposes(): string {
  return PURPOSE_NAMES.filter((p) => exemptionOf(p) === 'contract_necessity').join(', ');
}

/** Why contract necessity does not hold for a purpose, or undefined when it does. */
export function contractNecessityProblem(purpose: Purpose): string | undefined {
  return exemptionOf(purpose) === 'contract_necessity'
    ? undefined
    : `PDP Regulations 2021 reg 10(2)(b)–(c) covers only transfers necessary for a contract with (or at the request of) the individual; purpose "${purpose}" is not one (fitting purposes: ${contractPurposes()})`;
}

const CONSENT_CAUTION =
  'consent counts only after the individual received a reasonable written summary of the protection abroad, and may not be a condition of a product or service beyond what is reasonable (PDP Regulations 2021 reg 10(3)–(4)); keep the summary given';

export function assessPdpaTransfer(input: PdpaTransferInput): PdpaAssessment {
  if (input.destinationCountry === 'SG') {
    return {
      mechanism: 'not_a_transfer',
      allowed: true,
      reasons: [{ provision: PDPA_TRANSFER_LIMITATION, finding: 'the recipient is in Singapore: no transfer outside Singapore' }],
      cautions: [],
    };
  }
  const recorded = input.mechanisms ?? [];
  const reasons: { provision: string; finding: string }[] = [];
  const usable = recorded.filter((m) => {
    if (m !== 'contract_necessity') return true;
    const problem = input.purpose === undefined ? 'no purpose is recorded to check it against' : contractNecessityProblem(input.purpose);
    if (problem) reasons.push({ provision: PDPA_MECHANISMS.contract_necessity, finding: problem });
    return problem === undefined;
  });
  const chosen = PREFERENCE.find((m) => usable.includes(m));
  if (chosen) {
    return {
      mechanism: chosen,
      allowed: true,
      reasons: [...reasons, ...usable.map((m) => ({ provision: PDPA_MECHANISMS[m], finding: `in place for the recipient in ${input.destinationCountry}` }))],
      cautions: chosen === 'consent' ? [CONSENT_CAUTION] : [],
    };
  }
  return {
    mechanism: 'none',
    allowed: false,
    reasons: [
      ...reasons,
      {
        provision: PDPA_TRANSFER_LIMITATION,
        finding: `no mechanism of PDP Regulations 2021 regs 10–12 is recorded for the recipient in ${input.destinationCountry}: the transfer is not allowed`,
      },
    ],
    cautions: [],
  };
}
