/**
 * The transfer instruments a legal basis needs: the documents a regulator or auditor asks for
 * before believing that a transfer rule's `legalBasis` is real. One table, read by the register
 * schema, the synth check, the evidence page and the `residency assess` memo.
 */
import { RECIPIENT_CONDITIONS, adequacyCoversDestination, INTERNATIONAL_ORGANISATIONS, type RecipientCondition } from '../adequacy';
import {
  CERTIFICATION_MEASURES,
  PIA_PROVISION,
  SECURITY_ASSESSMENT_MEASURES,
  SECURITY_ASSESSMENT_VALIDITY,
  STANDARD_CONTRACT_MEASURES,
} from '../cac-measures';
import { GDPR_SAFEGUARDS } from '../gdpr';
import type { LegalBasis } from '../legal-basis';
import { PDPA_MECHANISMS } from '../pdpa';
import { isVocabularyName, vocabularyNames } from '../vocabulary';

export interface InstrumentKindInfo {
  /** What it is: "CAC standard contract". */
  readonly label: string;
  /** What the register must say about it. */
  readonly needs: string;
  /** The provision that asks for it. */
  readonly provision: string;
  /** The key holding its principal date (signed, approved, issued, assessed...). */
  readonly dateKey: string;
  /** Whether its age is limited by `impactAssessmentMaxAgeDays` (PIA, TIA). */
  readonly reviewed?: true;
}

export const INSTRUMENT_KINDS = {
  cn_standard_contract: {
    label: 'CAC standard contract',
    needs: 'reference, signature date, filing reference and filing date',
    provision: `CAC Provisions 2024 Art. 8; ${STANDARD_CONTRACT_MEASURES}, Art. 7 (filed within 10 working days of taking effect)`,
    dateKey: 'signedOn',
  },
  cac_security_assessment: {
    label: 'CAC security assessment approval',
    needs: 'approval reference, approval date and expiry',
    provision: `CAC Provisions 2024 Art. 7; ${SECURITY_ASSESSMENT_MEASURES}; ${SECURITY_ASSESSMENT_VALIDITY}`,
    dateKey: 'approvedOn',
  },
  cn_certification: {
    label: 'personal information outbound transfer certificate',
    needs: 'certificate number, certification body, issue date and expiry',
    provision: `CAC Provisions 2024 Art. 8; ${CERTIFICATION_MEASURES} (certificate valid 3 years)`,
    dateKey: 'issuedOn',
  },
  pia: {
    label: 'personal information protection impact assessment (PIA)',
    needs: 'report reference and assessment date',
    provision: PIA_PROVISION,
    dateKey: 'assessedOn',
    reviewed: true,
  },
  gdpr_scc: {
    label: 'standard contractual clauses (SCCs)',
    needs: 'module and signature date',
    provision: `${GDPR_SAFEGUARDS.scc}; Commission Implementing Decision (EU) 2021/914 of 4 June 2021`,
    dateKey: 'signedOn',
  },
  gdpr_bcr: {
    label: 'binding corporate rules (BCRs)',
    needs: 'lead supervisory authority and approval date',
    provision: GDPR_SAFEGUARDS.bcr,
    dateKey: 'approvedOn',
  },
  tia: {
    label: 'transfer impact assessment (TIA)',
    needs: 'report reference and assessment date',
    provision: 'CJEU C-311/18 Schrems II (16 July 2020); EDPB Recommendations 01/2020 on supplementary measures',
    dateKey: 'assessedOn',
    reviewed: true,
  },
  dpa: {
    label: 'data processing agreement (DPA)',
    needs: 'signature date and the sub-processor list with its date',
    provision: 'GDPR Art. 28(3) and 28(2) (sub-processors); PIPL Art. 21 (entrusted processing); PDPA s. 24 and PDPC guidance on data intermediaries',
    dateKey: 'signedOn',
  },
  recipient_condition: {
    label: 'recipient condition evidence',
    needs: "the condition (e.g. the recipient's Data Privacy Framework listing) and the day it was verified",
    provision: 'GDPR Art. 45 (partial adequacy decisions)',
    dateKey: 'verifiedOn',
  },
  pdpa_contract: {
    label: 'PDPA transfer contract',
    needs: 'signature date and the countries or territories it covers',
    provision: PDPA_MECHANISMS.contract,
    dateKey: 'signedOn',
  },
  pdpa_bcr: {
    label: 'PDPA binding corporate rules',
    needs: 'adoption date and the countries or territories they cover',
    provision: PDPA_MECHANISMS.binding_corporate_rules,
    dateKey: 'adoptedOn',
  },
  pdpa_certification: {
    label: 'APEC CBPR or PRP certification',
    needs: 'scheme, certificate reference, issue date and expiry',
    provision: PDPA_MECHANISMS.specified_certification,
    dateKey: 'issuedOn',
  },
  pdpa_consent: {
    label: 'consent summary',
    needs: 'the version of the written summary of protection abroad given before consent, and its date',
    provision: PDPA_MECHANISMS.consent,
    dateKey: 'summaryIssuedOn',
  },
} as const satisfies Record<string, InstrumentKindInfo>;

export type InstrumentKind = keyof typeof INSTRUMENT_KINDS;
export const INSTRUMENT_KIND_NAMES = vocabularyNames(INSTRUMENT_KINDS);

export function isInstrumentKind(name: string): name is InstrumentKind {
  return isVocabularyName(INSTRUMENT_KINDS, name);
}

/** The instruments each legal basis needs, whoever the recipient is. */
export const BASIS_INSTRUMENTS: Readonly<Record<LegalBasis, readonly InstrumentKind[]>> = {
  cac_contract_necessity: ['pia'],
  cac_hr_management: ['pia'],
  cac_emergency: ['pia'],
  cac_exempt_below_threshold: ['pia'],
  cac_exempt_collected_abroad: ['pia'],
  cac_ftz_outside_negative_list: ['pia'],
  cac_standard_contract: ['cn_standard_contract', 'pia'],
  cac_certification: ['cn_certification', 'pia'],
  cac_security_assessment: ['cac_security_assessment', 'pia'],
  gdpr_adequacy: [],
  gdpr_scc: ['gdpr_scc', 'tia'],
  gdpr_bcr: ['gdpr_bcr', 'tia'],
  gdpr_art49_explicit_consent: [],
  gdpr_art49_contract_performance: [],
  gdpr_art49_contract_in_interest: [],
  gdpr_art49_public_interest: [],
  gdpr_art49_legal_claims: [],
  gdpr_art49_vital_interests: [],
  gdpr_art49_public_register: [],
  gdpr_art49_compelling_legitimate_interests: [],
  pdpa_contract: ['pdpa_contract'],
  pdpa_bcr: ['pdpa_bcr'],
  pdpa_certification: ['pdpa_certification'],
  pdpa_consent: ['pdpa_consent'],
  pdpa_contract_necessity: [],
};

export const RECIPIENT_ROLES = ['controller', 'processor'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export function isRecipientRole(value: unknown): value is RecipientRole {
  return (RECIPIENT_ROLES as readonly unknown[]).includes(value);
}

/** One instrument a rule needs: its kind and, for a recipient condition, which one. */
export interface InstrumentRequirement {
  readonly kind: InstrumentKind;
  readonly condition?: RecipientCondition;
  /** Why this rule needs it. */
  readonly because: string;
}

export interface RuleNeedsView {
  readonly legalBasis: LegalBasis;
  readonly destination: { readonly country: string; readonly internationalOrganisation?: string };
  /** @default 'controller' */
  readonly recipientRole?: RecipientRole;
}

/**
 * What a rule needs: its basis's instruments, a DPA with a sub-processor list when the recipient
 * is a processor, and for adequacy with a condition (DPF, PIPEDA) evidence of that condition.
 */
export function requiredInstruments(rule: RuleNeedsView): InstrumentRequirement[] {
  const needs: InstrumentRequirement[] = BASIS_INSTRUMENTS[rule.legalBasis].map((kind) => ({ kind, because: `legalBasis "${rule.legalBasis}"` }));
  if (rule.recipientRole === 'processor') needs.push({ kind: 'dpa', because: 'recipientRole "processor"' });
  if (rule.legalBasis === 'gdpr_adequacy') {
    const organisation = rule.destination.internationalOrganisation;
    const destination =
      organisation !== undefined && isVocabularyName(INTERNATIONAL_ORGANISATIONS, organisation)
        ? { organisation, country: rule.destination.country }
        : { country: rule.destination.country };
    const decision = adequacyCoversDestination(destination, Object.keys(RECIPIENT_CONDITIONS) as RecipientCondition[]).decision;
    if (decision?.condition) {
      needs.push({ kind: 'recipient_condition', condition: decision.condition, because: `the ${decision.name} decision (${RECIPIENT_CONDITIONS[decision.condition]})` });
    }
  }
  return needs;
}
