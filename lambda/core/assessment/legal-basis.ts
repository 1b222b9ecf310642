/**
 * Does a transfer rule's declared `legalBasis` fit its origin, its purpose, its destination and this
 * year's headcounts? Refusing a rule whose basis does not fit is how a transfer the law no longer
 * allows is stopped at synth (and by `residency assess --rule`) rather than found by a regulator.
 *
 * Three regimes, one family of bases each, chosen by where the data comes from: mainland China
 * (`cac_*`: PIPL Art. 38 and the CAC Provisions 2024), the EU/EEA (`gdpr_*`: GDPR Chapter V) and
 * Singapore (`pdpa_*`: PDPA s. 26 and PDP Regulations 2021 regs 10–12). A basis of another family
 * is refused: GDPR bases do not move Singapore-origin data.
 *
 * Works on a minimal structural view of a rule so it does not depend on the rule schema; that
 * schema imports LEGAL_BASES from here. Fails closed: a basis that needs facts (headcounts, a
 * recipient's certification) is refused when they are not supplied.
 */
import type { RecipientCondition } from './adequacy';
import type { CacAssessmentInput } from './cac';
import { CAC_BASIS_PROVISIONS, checkCacBasis, type CacBasis } from './legal-basis-cac';
import { checkGdprBasis, GDPR_BASIS_PROVISIONS, type GdprBasis } from './legal-basis-gdpr';
import { isEea } from './gdpr';
import { contractNecessityProblem, PDPA_MECHANISMS } from './pdpa';
import { isPurpose, PURPOSE_NAMES, type Purpose } from './purposes';
import { isVocabularyName, vocabularyNames } from './vocabulary';

/** The PDPA bases a rule may declare (Singapore-origin data), with the provision each rests on. */
export const PDPA_BASIS_PROVISIONS = {
  pdpa_contract: PDPA_MECHANISMS.contract,
  pdpa_bcr: PDPA_MECHANISMS.binding_corporate_rules,
  pdpa_certification: PDPA_MECHANISMS.specified_certification,
  pdpa_consent: PDPA_MECHANISMS.consent,
  pdpa_contract_necessity: PDPA_MECHANISMS.contract_necessity,
} as const;
export type PdpaBasis = keyof typeof PDPA_BASIS_PROVISIONS;

/** Every legal basis a transfer rule may declare, with the provision it rests on. */
export const LEGAL_BASIS_PROVISIONS = {
  ...CAC_BASIS_PROVISIONS,
  ...GDPR_BASIS_PROVISIONS,
  ...PDPA_BASIS_PROVISIONS,
} as const;

export type LegalBasis = keyof typeof LEGAL_BASIS_PROVISIONS;

export const LEGAL_BASES = vocabularyNames(LEGAL_BASIS_PROVISIONS);

export function isLegalBasis(name: string): name is LegalBasis {
  return isVocabularyName(LEGAL_BASIS_PROVISIONS, name);
}

/** Where the personal data comes from, which decides the regime (and the family of bases) that governs its transfer. */
export type TransferOrigin = 'CN' | 'EU' | 'SG';

export const ORIGIN_REGIMES: Readonly<Record<TransferOrigin, { readonly prefix: string; readonly regime: string }>> = {
  CN: { prefix: 'cac_', regime: 'PIPL Art. 38 and the CAC Provisions 2024 (mainland China)' },
  EU: { prefix: 'gdpr_', regime: 'GDPR Chapter V, Art. 44–49 (EU/EEA)' },
  SG: { prefix: 'pdpa_', regime: "the PDPA's Transfer Limitation Obligation, PDPA s. 26 and PDP Regulations 2021 regs 10–12 (Singapore)" },
};

/** The regime of data whose home is this ISO country, or undefined when none is modelled. */
export function originOfCountry(country: string): TransferOrigin | undefined {
  if (country === 'CN') return 'CN';
  if (country === 'SG') return 'SG';
  return isEea(country) ? 'EU' : undefined;
}

/** The origin a basis belongs to, by its family. */
export function originOfBasis(basis: LegalBasis): TransferOrigin {
  return basis.startsWith('cac_') ? 'CN' : basis.startsWith('pdpa_') ? 'SG' : 'EU';
}

export function basesFor(origin: TransferOrigin): LegalBasis[] {
  return LEGAL_BASES.filter((b) => originOfBasis(b) === origin);
}

/** The least a rule must say for its basis to be checked. */
export interface RuleForLegalBasis {
  readonly id: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly destination: { readonly country: string; readonly internationalOrganisation?: string };
  /** Marks a rule written for an occasional transfer (GDPR Art. 49(1)(a)–(c), (e)): valid for a short window only. */
  readonly occasional?: boolean;
  readonly validFrom?: string;
  readonly validUntil?: string;
}

/** What the check compares the rule with. */
export interface LegalBasisFacts {
  /**
   * Where the data comes from: a basis of another regime's family is refused.
   * @default - not checked (the caller decides the regime)
   */
  readonly origin?: TransferOrigin;
  /** The exporter's flows this year (as for `assessCac`): needed by every `cac_*` basis. */
  readonly cac?: CacAssessmentInput;
  /** Recorded facts about the recipient that a partial adequacy decision needs (e.g. DPF certification). */
  readonly gdprRecipientConditions?: readonly RecipientCondition[];
  /** The day checked (YYYY-MM-DD): an adequacy decision with a sunset no longer covers a later day. */
  readonly on?: string;
}

export type LegalBasisCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: LegalBasisCheck = { ok: true };

function originProblem(basis: LegalBasis, origin: TransferOrigin | undefined): string | undefined {
  if (origin === undefined || originOfBasis(basis) === origin) return undefined;
  const data = origin === 'SG' ? 'Singapore-origin personal data' : origin === 'CN' ? 'personal information from mainland China' : 'EU/EEA-origin personal data';
  return `${data} leaves under ${ORIGIN_REGIMES[origin].regime}, not under ${ORIGIN_REGIMES[originOfBasis(basis)].regime}: declare one of ${basesFor(origin).join(', ')}`;
}

function checkPdpaBasis(basis: PdpaBasis, purpose: Purpose, country: string): string | undefined {
  if (country === 'SG') return undefined; // not a transfer outside Singapore
  return basis === 'pdpa_contract_necessity' ? contractNecessityProblem(purpose) : undefined;
}

/** Whether the rule's declared legal basis fits; when not, the reason names the rule, the basis and the provision. */
export function checkLegalBasis(rule: RuleForLegalBasis, facts: LegalBasisFacts = {}): LegalBasisCheck {
  const refuse = (why: string): LegalBasisCheck => ({
    ok: false,
    reason: `rule "${rule.id}": legalBasis "${rule.legalBasis}" does not fit: ${why}`,
  });
  const basis = rule.legalBasis;
  if (!isLegalBasis(basis)) return refuse(`it is not a known legal basis (known: ${LEGAL_BASES.join(', ')})`);
  if (!isPurpose(rule.purpose)) return refuse(`purpose "${rule.purpose}" is not a known purpose (known: ${PURPOSE_NAMES.join(', ')})`);
  const why =
    originProblem(basis, facts.origin) ??
    (originOfBasis(basis) === 'CN'
      ? checkCacBasis(basis as CacBasis, rule.purpose, facts.cac)
      : originOfBasis(basis) === 'SG'
        ? checkPdpaBasis(basis as PdpaBasis, rule.purpose, rule.destination.country)
        : checkGdprBasis(basis as GdprBasis, rule.purpose, rule, { recipientConditions: facts.gdprRecipientConditions ?? [], on: facts.on }));
  return why === undefined ? OK : refuse(why);
}
