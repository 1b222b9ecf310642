/**
 * Whether a `cac_*` legal basis fits a rule's purpose and the exporter's flows this year (CAC
 * Provisions on Promoting and Regulating Cross-Border Data Flows, in force 22 March 2024, and the
 * certification measures in force 1 January 2026). Returns why not, or undefined when it fits.
 */
import { assessCac, formatCount, mechanismRank, type CacAssessment, type CacAssessmentInput, type CacFlow } from './cac';
import { ART4_PROVISION, ART4_REQUIREMENT, ART6_PROVISION } from './cac-exemptions';
import { CERTIFICATION_MEASURES } from './cac-measures';
import { EXEMPTION_PROVISIONS, exemptionOf, PURPOSE_NAMES, type CacExemption, type Purpose } from './purposes';

/** The CAC bases a rule may declare, with the provision each rests on. */
export const CAC_BASIS_PROVISIONS = {
  cac_contract_necessity: EXEMPTION_PROVISIONS.contract_necessity.provision,
  cac_hr_management: EXEMPTION_PROVISIONS.hr_management.provision,
  cac_emergency: EXEMPTION_PROVISIONS.emergency.provision,
  cac_exempt_below_threshold: 'CAC Provisions 2024 Art. 5(4)',
  cac_exempt_collected_abroad: `${ART4_PROVISION} (personal information collected and produced abroad, processed in China and sent back)`,
  cac_ftz_outside_negative_list: `${ART6_PROVISION} (data outside a pilot free trade zone's negative list)`,
  cac_standard_contract: 'CAC Provisions 2024 Art. 8 (standard contract, filed)',
  cac_certification: `CAC Provisions 2024 Art. 8; ${CERTIFICATION_MEASURES}`,
  cac_security_assessment: 'CAC Provisions 2024 Art. 7',
} as const;
export type CacBasis = keyof typeof CAC_BASIS_PROVISIONS;

const EXEMPTION_BASES: Partial<Record<CacBasis, CacExemption>> = {
  cac_contract_necessity: 'contract_necessity',
  cac_hr_management: 'hr_management',
  cac_emergency: 'emergency',
};

function purposesWith(exemption: CacExemption): string {
  return PURPOSE_NAMES.filter((p) => exemptionOf(p) === exemption).join(', ');
}

function indexed(cac: CacAssessmentInput, purpose: Purpose): { flow: CacFlow; index: number }[] {
  return cac.flows.map((flow, index) => ({ flow, index })).filter(({ flow }) => flow.purpose === purpose);
}

function art4Problem(own: { flow: CacFlow; index: number }[]): string | undefined {
  const not = own.filter(({ flow }) => flow.collectedAbroad !== true).map(({ index }) => `flows[${index}]`);
  return not.length === 0
    ? undefined
    : `${ART4_PROVISION} covers only flows that ${ART4_REQUIREMENT}; ${not.join(', ')} ${not.length === 1 ? 'is' : 'are'} not recorded as such ("collectedAbroad": true)`;
}

function art6Problem(cac: CacAssessmentInput, own: { flow: CacFlow; index: number }[]): string | undefined {
  const zone = cac.freeTradeZone;
  if (!zone) {
    return `${ART6_PROVISION} exempts only data outside a pilot free trade zone's negative list, sent by a processor in the zone; the flows supplied name no freeTradeZone`;
  }
  const problems = own.flatMap(({ flow, index }) => {
    if (flow.negativeListEntries === undefined) return [`flows[${index}] is not assessed against the list (negativeListEntries missing), so it counts as listed`];
    if (flow.negativeListEntries.length > 0) return [`flows[${index}] falls under ${flow.negativeListEntries.join(', ')} of the ${zone.zone} negative list (${zone.listReference}) and needs a mechanism`];
    return [];
  });
  return problems.length === 0 ? undefined : `${ART6_PROVISION} exempts only data outside the zone's negative list: ${problems.join('; ')}`;
}

/** The count finding that decides the personal-information mechanism, as "provision: finding". */
function decidingCount(assessment: CacAssessment): string {
  const deciding = assessment.reasons.find((r) => r.measure !== undefined && r.mechanism === assessment.personalInformationMechanism);
  return deciding ? `${deciding.provision}: ${deciding.finding}` : `${assessment.personalInformationMechanism} is required`;
}

function countsText(assessment: CacAssessment): string {
  return `${formatCount(assessment.counted.personal)} non-sensitive and ${formatCount(assessment.counted.sensitive)} sensitive individuals counted this year`;
}

function ciioProblem(basis: CacBasis): string {
  if (basis === 'cac_exempt_below_threshold') {
    return 'the Art. 5(4) exemption is open only to processors other than CIIOs; the exporter is a CIIO, so any non-exempt personal information needs cac_security_assessment (CAC Provisions 2024 Art. 7(1))';
  }
  if (basis === 'cac_certification') {
    return `personal information protection certification is open only to processors that are not CIIOs (${CERTIFICATION_MEASURES}); the exporter is a CIIO and needs cac_security_assessment (CAC Provisions 2024 Art. 7(1))`;
  }
  return 'the exporter is a CIIO: any non-exempt personal information needs cac_security_assessment (CAC Provisions 2024 Art. 7(1))';
}

export function checkCacBasis(basis: CacBasis, purpose: Purpose, cac: CacAssessmentInput | undefined): string | undefined {
  if (!cac) return 'a cac_* basis is checked against the exporter\'s flows this year, and none were supplied';
  const own = indexed(cac, purpose);
  if (own.length === 0) {
    return `the flows supplied have no flow for purpose "${purpose}": this rule's transfers would go uncounted`;
  }
  if (basis === 'cac_security_assessment') return undefined;
  if (own.some(({ flow }) => flow.importantData)) {
    const certification = basis === 'cac_certification' ? `; certification is not available when important data leaves (${CERTIFICATION_MEASURES})` : '';
    return `purpose "${purpose}" carries important data: only cac_security_assessment fits (CAC Provisions 2024 Art. 7; the Art. 4, 5 and 6 exemptions cover personal information only)${certification}`;
  }
  const exemption = EXEMPTION_BASES[basis];
  if (exemption) {
    return exemptionOf(purpose) === exemption
      ? undefined
      : `${EXEMPTION_PROVISIONS[exemption].provision} covers only transfers ${EXEMPTION_PROVISIONS[exemption].requirement}; purpose "${purpose}" is not one (fitting purposes: ${purposesWith(exemption)})`;
  }
  if (basis === 'cac_exempt_collected_abroad') return art4Problem(own);
  if (basis === 'cac_ftz_outside_negative_list') return art6Problem(cac, own);
  if (exemptionOf(purpose) !== null) return undefined; // exempt purpose: any counted-flow basis over-complies
  if (cac.ciio) return ciioProblem(basis);
  const assessment = assessCac(cac);
  const required = assessment.personalInformationMechanism;
  if (basis === 'cac_exempt_below_threshold' && required !== 'exempt') {
    return `the Art. 5(4) exemption holds only below 100,000 individuals' non-sensitive personal information (sensitive personal information is outside it, Art. 8 applies from the first individual), for an exporter that is not a CIIO; ${countsText(assessment)}, and ${decidingCount(assessment)}`;
  }
  if (mechanismRank(required) > mechanismRank('standard_contract_or_certification')) {
    if (basis === 'cac_certification') {
      return `certification covers only 100,000 to fewer than 1,000,000 individuals' non-sensitive or fewer than 10,000 individuals' sensitive personal information, and counts may not be split to avoid a security assessment (${CERTIFICATION_MEASURES}); the exporter's ${countsText(assessment)} require a security assessment (CAC Provisions 2024 Art. 7(2))`;
    }
    return `${countsText(assessment)} require a security assessment (CAC Provisions 2024 Art. 7(2)): ${basis} is no longer sufficient`;
  }
  return undefined;
}
