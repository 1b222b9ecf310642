/**
 * Whether a `gdpr_*` legal basis fits a rule (GDPR Chapter V). Returns why not, or undefined when it
 * fits. A rule is a standing channel unless it says `"occasional": true` and is valid for a short
 * window: Art. 49(1)(a)–(c) and (e) serve occasional transfers only.
 */
import {
  adequacyCoversDestination,
  INTERNATIONAL_ORGANISATIONS,
  type GdprDestination,
  type RecipientCondition,
} from './adequacy';
import { ART49_DEROGATIONS, ART49_OCCASIONAL_SOURCE, GDPR_SAFEGUARDS, isEea, isOccasionalOnly, type Art49Derogation } from './gdpr';
import { exemptionOf, PURPOSE_NAMES, type Purpose } from './purposes';
import { isVocabularyName } from './vocabulary';

export const GDPR_BASIS_PROVISIONS = {
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
export type GdprBasis = keyof typeof GDPR_BASIS_PROVISIONS;

/**
 * Longest validity window of a rule marked `"occasional": true`: a one-off window for a transfer
 * outside the regular course of business, not a channel. Project policy (the EDPB gives no number);
 * anything longer is the regular, repeated transfer Art. 49 does not serve.
 */
export const ART49_OCCASIONAL_RULE_MAX_DAYS = 31;

/** The part of a rule the GDPR check reads. */
export interface GdprRuleView {
  readonly destination: { readonly country: string; readonly internationalOrganisation?: string };
  readonly occasional?: boolean;
  readonly validFrom?: string;
  readonly validUntil?: string;
}

function art49Derogation(basis: GdprBasis): Art49Derogation | undefined {
  const prefix = 'gdpr_art49_';
  if (!basis.startsWith(prefix)) return undefined;
  const name = basis.slice(prefix.length);
  return isVocabularyName(ART49_DEROGATIONS, name) ? name : undefined;
}

/** "GDPR Art. 49(1)(b)" out of the derogation's description. */
function shortName(derogation: Art49Derogation): string {
  return ART49_DEROGATIONS[derogation].replace(/ \(.*$/, '');
}

/** Days from validFrom to validUntil, both inclusive; undefined when either is missing or not a date. */
export function validityDays(from: string | undefined, until: string | undefined): number | undefined {
  if (from === undefined || until === undefined) return undefined;
  const days = (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  return Number.isFinite(days) ? days : undefined;
}

function occasionalProblem(rule: GdprRuleView, derogation: Art49Derogation): string | undefined {
  const days = validityDays(rule.validFrom, rule.validUntil);
  const window = days === undefined ? '' : ` (valid ${rule.validFrom} to ${rule.validUntil}, ${days} days)`;
  if (rule.occasional !== true) {
    return `${shortName(derogation)} serves occasional transfers only (${ART49_OCCASIONAL_SOURCE}); this rule is a standing transfer channel${window}, not marked "occasional": true: rely on gdpr_scc or gdpr_bcr, or write a rule for the occasional transfer ("occasional": true, valid at most ${ART49_OCCASIONAL_RULE_MAX_DAYS} days)`;
  }
  if (days === undefined) return `an occasional rule needs validFrom and validUntil: its window (at most ${ART49_OCCASIONAL_RULE_MAX_DAYS} days) is what keeps it occasional`;
  if (days > ART49_OCCASIONAL_RULE_MAX_DAYS) {
    return `an occasional rule may be valid at most ${ART49_OCCASIONAL_RULE_MAX_DAYS} days (${ART49_OCCASIONAL_SOURCE}: not regular, not a channel); this one is valid ${days} days (${rule.validFrom} to ${rule.validUntil})`;
  }
  return undefined;
}

function destinationOf(rule: GdprRuleView): GdprDestination | string {
  const organisation = rule.destination.internationalOrganisation;
  if (organisation === undefined) return { country: rule.destination.country };
  return isVocabularyName(INTERNATIONAL_ORGANISATIONS, organisation)
    ? { organisation, country: rule.destination.country }
    : `destination.internationalOrganisation "${organisation}" is not a known international organisation (known: ${Object.keys(INTERNATIONAL_ORGANISATIONS).join(', ')})`;
}

export function checkGdprBasis(
  basis: GdprBasis,
  purpose: Purpose,
  rule: GdprRuleView,
  facts: { readonly recipientConditions: readonly RecipientCondition[]; readonly on?: string },
): string | undefined {
  const destination = destinationOf(rule);
  if (typeof destination === 'string') return destination;
  if (destination.organisation === undefined && isEea(destination.country)) return undefined; // the GDPR applies at the destination
  if (basis === 'gdpr_adequacy') {
    const adequacy = adequacyCoversDestination(destination, facts.recipientConditions, facts.on);
    return adequacy.covered ? undefined : `GDPR Art. 45: ${adequacy.finding}`;
  }
  const derogation = art49Derogation(basis);
  if (!derogation) return undefined; // SCCs and BCRs can serve any third country or organisation.
  const adequacy = adequacyCoversDestination(destination, facts.recipientConditions, facts.on);
  if (adequacy.covered) {
    return `Art. 49 applies only in the absence of an adequacy decision or safeguards; ${adequacy.decision.name} has ${adequacy.decision.decision}: declare gdpr_adequacy`;
  }
  if (derogation === 'compelling_legitimate_interests') {
    return 'the Art. 49(1) second-subparagraph derogation covers only transfers that are not repetitive; a transfer rule lets the transfer repeat';
  }
  if (isOccasionalOnly(derogation)) {
    const problem = occasionalProblem(rule, derogation);
    if (problem) return problem;
  }
  if (derogation === 'contract_performance' && exemptionOf(purpose) !== 'contract_necessity') {
    return `Art. 49(1)(b) needs the transfer to be necessary for a contract with the data subject; purpose "${purpose}" is not (fitting purposes: ${PURPOSE_NAMES.filter((p) => exemptionOf(p) === 'contract_necessity').join(', ')})`;
  }
  if (derogation === 'vital_interests' && exemptionOf(purpose) !== 'emergency') {
    return `Art. 49(1)(f) covers vital interests only; purpose "${purpose}" is not an emergency`;
  }
  return undefined;
}
