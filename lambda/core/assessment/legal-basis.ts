/**
 * Does a transfer rule's declared `legalBasis` fit its purpose, its destination and this year's
 * headcounts? Refusing a rule whose basis does not fit is how a transfer the law no longer allows is
 * stopped at synth (and by `residency assess --rule`) rather than found by a regulator.
 *
 * Works on a minimal structural view of a rule so it does not depend on the rule schema; that
 * schema imports LEGAL_BASES from here. Fails closed: a basis that needs facts (headcounts, a
 * recipient's certification) is refused when they are not supplied.
 */
import { assessCac, formatCount, mechanismRank, type CacAssessmentInput } from './cac';
import {
  ART49_DEROGATIONS,
  GDPR_SAFEGUARDS,
  adequacyCovers,
  adequacyDecisionFor,
  isEea,
  type Art49Derogation,
  type RecipientCondition,
} from './gdpr';
import { EXEMPTION_PROVISIONS, exemptionOf, isPurpose, PURPOSE_NAMES, type CacExemption, type Purpose } from './purposes';
import { isVocabularyName, vocabularyNames } from './vocabulary';

/** Every legal basis a transfer rule may declare, with the provision it rests on. */
export const LEGAL_BASIS_PROVISIONS = {
  cac_contract_necessity: EXEMPTION_PROVISIONS.contract_necessity.provision,
  cac_hr_management: EXEMPTION_PROVISIONS.hr_management.provision,
  cac_emergency: EXEMPTION_PROVISIONS.emergency.provision,
  cac_exempt_below_threshold: 'CAC Provisions 2024 Art. 5(4)',
  cac_standard_contract: 'CAC Provisions 2024 Art. 8 (standard contract, filed)',
  cac_certification: 'CAC Provisions 2024 Art. 8 (personal information protection certification)',
  cac_security_assessment: 'CAC Provisions 2024 Art. 7',
  gdpr_adequacy: 'GDPR Art. 45',
  gdpr_scc: GDPR_SAFEGUARDS.scc,
  gdpr_bcr: GDPR_SAFEGUARDS.bcr,
  gdpr_art49_explicit_consent: ART49_DEROGATIONS.explicit_consent,
  gdpr_art49_contract_performance: ART49_DEROGATIONS.contract_performance,
  gdpr_art49_contract_in_interest: ART49_DEROGATIONS.contract_in_interest,
  gdpr_art49_public_interest: ART49_DEROGATIONS.public_interest,
  gdpr_art49_legal_claims: ART49_DEROGATIONS.legal_claims,
  gdpr_art49_vital_interests: ART49_DEROGATIONS.vital_interests,
  gdpr_art49_public_register: ART49_DEROGATIONS.public_register,
  gdpr_art49_compelling_legitimate_interests: ART49_DEROGATIONS.compelling_legitimate_interests,
} as const satisfies Record<string, string> & Record<`gdpr_art49_${Art49Derogation}`, string>;

export type LegalBasis = keyof typeof LEGAL_BASIS_PROVISIONS;

export const LEGAL_BASES = vocabularyNames(LEGAL_BASIS_PROVISIONS);

export function isLegalBasis(name: string): name is LegalBasis {
  return isVocabularyName(LEGAL_BASIS_PROVISIONS, name);
}

/** The least a rule must say for its basis to be checked. */
export interface RuleForLegalBasis {
  readonly id: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly destination: { readonly country: string };
}

/** What the check compares the rule with. */
export interface LegalBasisFacts {
  /** The exporter's flows this year (as for `assessCac`): needed by every `cac_*` basis. */
  readonly cac?: CacAssessmentInput;
  /** Recorded facts about the recipient that a partial adequacy decision needs (e.g. DPF certification). */
  readonly gdprRecipientConditions?: readonly RecipientCondition[];
}

export type LegalBasisCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: LegalBasisCheck = { ok: true };

const EXEMPTION_BASES: Partial<Record<LegalBasis, CacExemption>> = {
  cac_contract_necessity: 'contract_necessity',
  cac_hr_management: 'hr_management',
  cac_emergency: 'emergency',
};

function purposesWith(exemption: CacExemption): string {
  return PURPOSE_NAMES.filter((p) => exemptionOf(p) === exemption).join(', ');
}

function checkCac(basis: LegalBasis, purpose: Purpose, cac: CacAssessmentInput | undefined): string | undefined {
  if (!cac) return 'a cac_* basis is checked against the exporter\'s flows this year, and none were supplied';
  const ownFlows = cac.flows.filter((flow) => flow.purpose === purpose);
  if (ownFlows.length === 0) {
    return `the flows supplied have no flow for purpose "${purpose}": this rule's transfers would go uncounted`;
  }
  if (basis === 'cac_security_assessment') return undefined;
  if (ownFlows.some((flow) => flow.importantData)) {
    return `purpose "${purpose}" carries important data: only cac_security_assessment fits (CAC Provisions 2024 Art. 7; the Art. 5 exemptions cover personal information only)`;
  }
  const exemption = EXEMPTION_BASES[basis];
  if (exemption) {
    return exemptionOf(purpose) === exemption
      ? undefined
      : `${EXEMPTION_PROVISIONS[exemption].provision} covers only transfers ${EXEMPTION_PROVISIONS[exemption].requirement}; purpose "${purpose}" is not one (fitting purposes: ${purposesWith(exemption)})`;
  }
  if (exemptionOf(purpose) !== null) return undefined; // exempt purpose: any counted-flow basis over-complies
  if (cac.ciio) {
    return 'the exporter is a CIIO: any non-exempt personal information needs cac_security_assessment (CAC Provisions 2024 Art. 7(1))';
  }
  const assessment = assessCac(cac);
  const required = assessment.personalInformationMechanism;
  const counts = `${formatCount(assessment.counted.personal)} non-sensitive and ${formatCount(assessment.counted.sensitive)} sensitive individuals counted this year`;
  if (basis === 'cac_exempt_below_threshold' && required !== 'exempt') {
    return `the Art. 5(4) exemption holds only below 100,000 non-sensitive and with no sensitive individuals; ${counts} require ${required}`;
  }
  if (mechanismRank(required) > mechanismRank('standard_contract_or_certification')) {
    return `${counts} require a security assessment (CAC Provisions 2024 Art. 7(2)): ${basis} is no longer sufficient`;
  }
  return undefined;
}

function art49Derogation(basis: LegalBasis): Art49Derogation | undefined {
  const prefix = 'gdpr_art49_';
  if (!basis.startsWith(prefix)) return undefined;
  const name = basis.slice(prefix.length);
  return isVocabularyName(ART49_DEROGATIONS, name) ? name : undefined;
}

function checkGdpr(
  basis: LegalBasis,
  purpose: Purpose,
  country: string,
  recipientConditions: readonly RecipientCondition[],
): string | undefined {
  if (isEea(country)) return undefined; // GDPR applies at the destination: no Chapter V tool is needed.
  if (basis === 'gdpr_adequacy') {
    const adequacy = adequacyCovers(country, recipientConditions);
    return adequacy.covered ? undefined : `GDPR Art. 45: ${adequacy.finding}`;
  }
  const derogation = art49Derogation(basis);
  if (!derogation) return undefined; // SCCs and BCRs can serve any third country.
  const decision = adequacyDecisionFor(country);
  if (decision && (!decision.condition || recipientConditions.includes(decision.condition))) {
    return `Art. 49 applies only in the absence of an adequacy decision or safeguards; ${decision.name} has ${decision.decision}: declare gdpr_adequacy`;
  }
  if (derogation === 'compelling_legitimate_interests') {
    return 'the Art. 49(1) second-subparagraph derogation covers only transfers that are not repetitive; a standing transfer rule is repetitive';
  }
  if (derogation === 'contract_performance' && exemptionOf(purpose) !== 'contract_necessity') {
    return `Art. 49(1)(b) needs the transfer to be necessary for a contract with the data subject; purpose "${purpose}" is not (fitting purposes: ${purposesWith('contract_necessity')})`;
  }
  if (derogation === 'vital_interests' && exemptionOf(purpose) !== 'emergency') {
    return `Art. 49(1)(f) covers vital interests only; purpose "${purpose}" is not an emergency`;
  }
  return undefined;
}

/** Whether the rule's declared legal basis fits; when not, the reason names the rule, the basis and the provision. */
export function checkLegalBasis(rule: RuleForLegalBasis, facts: LegalBasisFacts = {}): LegalBasisCheck {
  const refuse = (why: string): LegalBasisCheck => ({
    ok: false,
    reason: `rule "${rule.id}": legalBasis "${rule.legalBasis}" does not fit: ${why}`,
  });
  if (!isLegalBasis(rule.legalBasis)) return refuse(`it is not a known legal basis (known: ${LEGAL_BASES.join(', ')})`);
  if (!isPurpose(rule.purpose)) return refuse(`purpose "${rule.purpose}" is not a known purpose (known: ${PURPOSE_NAMES.join(', ')})`);
  const why = rule.legalBasis.startsWith('cac_')
    ? checkCac(rule.legalBasis, rule.purpose, facts.cac)
    : checkGdpr(rule.legalBasis, rule.purpose, rule.destination.country, facts.gdprRecipientConditions ?? []);
  return why === undefined ? OK : refuse(why);
}

