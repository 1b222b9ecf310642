/**
 * The memo a compliance officer files: facts as supplied, decision, reasons with their provisions,
 * headroom, next steps, date, and a plain statement that it is not legal advice. Markdown, so it
 * reads as text in a terminal and renders in a ticket or a wiki.
 */
import { formatCount, type CacAssessment, type CacMechanism, type Headroom, type HeadcountKind } from '../../lambda/core/assessment/cac';
import { flowExemption, exemptionText } from '../../lambda/core/assessment/cac-exemptions';
import { INTERNATIONAL_ORGANISATIONS, RECIPIENT_CONDITIONS, type GdprAssessment, type GdprMechanism } from '../../lambda/core/assessment/gdpr';
import { PDPA_MECHANISMS, type PdpaAssessment } from '../../lambda/core/assessment/pdpa';
import type { CnAssessmentInput, EuTransferInput, SgTransferInput } from '../../lambda/core/assessment/schema';

export const CAC_MECHANISM_LABELS: Readonly<Record<CacMechanism, string>> = {
  exempt: 'Exempt: no security assessment, standard contract or certification is needed',
  standard_contract_or_certification:
    'Standard contract (filed with the provincial cyberspace administration) or personal information protection certification',
  security_assessment: 'Security assessment by the Cyberspace Administration of China',
};

/** Short names for tables and sentences. */
const CAC_MECHANISM_SHORT: Readonly<Record<CacMechanism, string>> = {
  exempt: 'exempt',
  standard_contract_or_certification: 'standard contract or certification',
  security_assessment: 'security assessment',
};

export const GDPR_MECHANISM_LABELS: Readonly<Record<GdprMechanism, string>> = {
  not_a_transfer: 'Not a Chapter V transfer: the destination applies the GDPR',
  adequacy: 'Adequacy decision (GDPR Art. 45)',
  bcr: 'Binding corporate rules (GDPR Art. 46(2)(b), Art. 47)',
  scc: 'Standard contractual clauses (GDPR Art. 46(2)(c))',
  art49_derogation: 'Derogation for a specific situation (GDPR Art. 49)',
  none: 'NOT ALLOWED: no GDPR Chapter V tool applies',
};

const DISCLAIMER =
  '*Produced by `residency assess` from the figures supplied in the input file; it is only as accurate as those figures. ' +
  'It is not legal advice: have counsel confirm the decision before relying on it, and check the provisions cited against their current official text.*';

const PIPL_DUTIES =
  'Whatever the mechanism, the PIPL duties for outbound personal information remain: tell individuals about the foreign recipient and obtain their separate consent where PIPL Art. 39 requires it, and keep a personal information protection impact assessment (PIPL Art. 55).';

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function headroomRow(label: string, headroom: Headroom): string {
  if (headroom.nextThreshold === null) {
    return `| ${label} | ${formatCount(headroom.counted)} | none: the highest threshold is reached | — | — |`;
  }
  const then = headroom.mechanismAtThreshold ? `${CAC_MECHANISM_SHORT[headroom.mechanismAtThreshold]} (${headroom.provisionAtThreshold ?? ''})` : '—';
  return `| ${label} | ${formatCount(headroom.counted)} | ${formatCount(headroom.nextThreshold)} | ${formatCount(headroom.additionalBeforeThreshold ?? 0)} | ${then} |`;
}

function watchStep(kind: HeadcountKind, h: Headroom): string[] {
  if (h.nextThreshold === null || h.mechanismAtThreshold === null) return [];
  const then = `${CAC_MECHANISM_SHORT[h.mechanismAtThreshold]} is required (${h.provisionAtThreshold ?? ''})`;
  const label = kind === 'personal' ? 'non-sensitive' : 'sensitive';
  if (h.counted === 0 && h.nextThreshold === 1) {
    return [`Sensitive personal information has no de-minimis floor: from the first individual whose ${label} information is sent abroad, ${then}.`];
  }
  const more = h.additionalBeforeThreshold === 0 ? 'the next individual reaches' : `${formatCount(h.additionalBeforeThreshold ?? 0)} more individuals this year stay below`;
  return [`Watch the ${label} headcount (warn at 80% of the next threshold): ${more} ${formatCount(h.nextThreshold)}; from there ${then}.`];
}

function cacNextSteps(input: CnAssessmentInput, result: CacAssessment): string[] {
  const steps: string[] = [];
  if (result.mechanism === 'security_assessment') {
    steps.push(
      'Do not start (or continue) the transfers that need it until the assessment is passed: declare through the provincial cyberspace administration to the CAC (CAC Provisions 2024 Art. 7), after a self-assessment of the transfer risks (Measures for the Security Assessment of Outbound Data Transfers, 2022).',
    );
    if (result.importantData) {
      steps.push('Confirm in writing which data the authorities notified or published as important data (CAC Provisions 2024 Art. 2), and keep that notice with this memo.');
    }
    steps.push('Exempt-purpose flows (Art. 5) may continue meanwhile if they carry no important data; desensitizing at source reduces how many individuals count.');
  } else if (result.mechanism === 'standard_contract_or_certification') {
    steps.push(
      'Sign the CAC standard contract with each foreign recipient and file it with the provincial cyberspace administration within 10 working days of it taking effect (Measures on the Standard Contract for Outbound Transfer of Personal Information, 2023), or obtain personal information protection certification instead.',
    );
  } else {
    steps.push('Keep this memo and the flow inventory as the record of why no mechanism is needed, and re-run the assessment whenever a flow is added or grows.');
  }
  if (!input.ciio) steps.push(...(['personal', 'sensitive'] as const).flatMap((kind) => watchStep(kind, result.headroom[kind])));
  steps.push(PIPL_DUTIES);
  return steps;
}

const KIND_ROW_LABEL: Readonly<Record<HeadcountKind, string>> = { personal: 'Non-sensitive', sensitive: 'Sensitive' };

/** `sections`: further memo sections (e.g. the transfer instruments), placed before the disclaimer. */
export function cacMemo(input: CnAssessmentInput, result: CacAssessment, date: string, sections: readonly string[] = []): string {
  const flowRows = input.flows.map((flow, i) => {
    const exemption = flowExemption(flow, input.freeTradeZone);
    const counts = exemption ? `no (exempt: ${exemptionText(exemption).provision})` : 'yes';
    return `| ${i} | ${flow.purpose} | ${counts} | ${formatCount(flow.personal)} | ${formatCount(flow.sensitive)} | ${yesNo(flow.importantData)} |`;
  });
  const zone = input.freeTradeZone ? [`- Pilot free trade zone: ${input.freeTradeZone.zone}, negative list ${input.freeTradeZone.listReference} (CAC Provisions 2024 Art. 6)`] : [];
  return [
    `# Outbound transfer assessment: mainland China, ${input.year}`,
    '',
    `- Date: ${date}`,
    `- Regime: CAC Provisions on Promoting and Regulating Cross-Border Data Flows (in force 22 March 2024)`,
    `- Exporter is a critical information infrastructure operator (CIIO): ${yesNo(input.ciio)}`,
    ...zone,
    `- **Decision: ${CAC_MECHANISM_LABELS[result.mechanism]}** (\`${result.mechanism}\`)`,
    '',
    '## Facts',
    '',
    `Counts are distinct individuals whose information was sent abroad since 1 January ${input.year}, as supplied. Flows are summed: an individual in two flows counts twice, a conservative upper bound.`,
    '',
    '| # | Purpose | Counts towards thresholds | Non-sensitive | Sensitive | Important data |',
    '|---|---|---|---:|---:|---|',
    ...flowRows,
    '',
    `Counted towards the thresholds: ${formatCount(result.counted.personal)} non-sensitive and ${formatCount(result.counted.sensitive)} sensitive individuals. ` +
      `Not counted (exempt: Art. 4, Art. 5(1)–(3), Art. 6): ${formatCount(result.excluded.personal)} non-sensitive and ${formatCount(result.excluded.sensitive)} sensitive.`,
    '',
    '## Reasons',
    '',
    ...result.reasons.map((r, i) => `${i + 1}. **${r.provision}** (${CAC_MECHANISM_SHORT[r.mechanism]}): ${r.finding}.`),
    '',
    '## Headroom',
    '',
    '| Count | Counted | Next threshold | Further individuals before it | Then required |',
    '|---|---:|---:|---:|---|',
    ...(['personal', 'sensitive'] as const).map((kind) => headroomRow(KIND_ROW_LABEL[kind], result.headroom[kind])),
    '',
    '## Next steps',
    '',
    ...cacNextSteps(input, result).map((step) => `- ${step}`),
    '',
    ...sections,
    '---',
    DISCLAIMER,
    '',
  ].join('\n');
}

function gdprNextSteps(result: GdprAssessment): string[] {
  switch (result.mechanism) {
    case 'not_a_transfer':
      return ['No Chapter V tool is needed; the GDPR applies at the destination as it does at home.'];
    case 'adequacy':
      return [
        'Record the decision relied on in the transfer register, with evidence of any condition (e.g. the recipient\'s Data Privacy Framework listing), and re-check it before each renewal.',
      ];
    case 'bcr':
    case 'scc':
      return [
        'Keep the signed clauses or approved BCRs in the evidence base, with the transfer impact assessment and the supplementary measures it calls for (e.g. keys held by the exporter).',
      ];
    case 'art49_derogation':
      return [
        'Document, for each transfer, why the derogation applies; for repeated transfers put SCCs or BCRs in place instead.',
      ];
    case 'none':
      return [
        'Do not transfer. Put standard contractual clauses or binding corporate rules in place with the recipient, or choose a recipient covered by an adequacy decision.',
      ];
  }
}

export function gdprMemo(input: EuTransferInput, result: GdprAssessment, date: string, sections: readonly string[] = []): string {
  const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : 'none recorded');
  const organisation = input.destination.internationalOrganisation;
  const where = organisation ? INTERNATIONAL_ORGANISATIONS[organisation] : (input.destination.country ?? '');
  return [
    `# Transfer assessment: EU personal data to ${where}`,
    '',
    `- Date: ${date}`,
    '- Regime: GDPR Chapter V (Art. 44–49)',
    `- **Decision: ${GDPR_MECHANISM_LABELS[result.mechanism]}** (\`${result.mechanism}\`)`,
    '',
    '## Facts',
    '',
    organisation ? `- Destination: ${where}, an international organisation (GDPR Art. 4(26))` : `- Destination country: ${where}`,
    `- Recipient conditions recorded: ${list(input.destination.recipientConditions.map((c) => `${c} (${RECIPIENT_CONDITIONS[c]})`))}`,
    `- Safeguards in place: ${list(input.safeguards)}`,
    `- Derogations relied on: ${list(input.derogations)}`,
    `- Occasional transfer (not in the regular course of business): ${yesNo(input.occasional)}`,
    '',
    '## Reasons',
    '',
    ...result.reasons.map((r, i) => `${i + 1}. **${r.provision}**: ${r.finding}.`),
    '',
    ...(result.cautions.length > 0 ? ['## Cautions', '', ...result.cautions.map((c) => `- ${c}.`), ''] : []),
    '## Next steps',
    '',
    ...gdprNextSteps(result).map((step) => `- ${step}`),
    '',
    ...sections,
    '---',
    DISCLAIMER,
    '',
  ].join('\n');
}

export const PDPA_MECHANISM_LABELS: Readonly<Record<PdpaAssessment['mechanism'], string>> = {
  not_a_transfer: 'Not a transfer outside Singapore',
  contract: 'Contract binding the recipient to comparable protection (PDP Regulations 2021 reg 11(1)(b))',
  binding_corporate_rules: 'Binding corporate rules (PDP Regulations 2021 reg 11(1)(c))',
  specified_certification: 'APEC CBPR / PRP certification of the recipient (PDP Regulations 2021 reg 12)',
  consent: 'Consent after a written summary (PDP Regulations 2021 reg 10(2)(a))',
  contract_necessity: 'Necessary for a contract with the individual (PDP Regulations 2021 reg 10(2)(b)–(c))',
  none: 'NOT ALLOWED: no PDPA transfer mechanism is in place',
};

export function pdpaMemo(input: SgTransferInput, result: PdpaAssessment, date: string, sections: readonly string[] = []): string {
  const mechanisms = input.mechanisms.length > 0 ? input.mechanisms.map((m) => `${m} (${PDPA_MECHANISMS[m]})`).join('; ') : 'none recorded';
  return [
    `# Transfer assessment: Singapore personal data to ${input.destination.country}`,
    '',
    `- Date: ${date}`,
    '- Regime: PDPA s. 26 (Transfer Limitation Obligation); Personal Data Protection Regulations 2021 regs 9–12',
    `- **Decision: ${PDPA_MECHANISM_LABELS[result.mechanism]}** (\`${result.mechanism}\`)`,
    '',
    '## Facts',
    '',
    `- Destination country: ${input.destination.country}`,
    `- Mechanisms in place: ${mechanisms}`,
    `- Purpose: ${input.purpose ?? 'not recorded'}`,
    '',
    '## Reasons',
    '',
    ...result.reasons.map((r, i) => `${i + 1}. **${r.provision}**: ${r.finding}.`),
    '',
    ...(result.cautions.length > 0 ? ['## Cautions', '', ...result.cautions.map((c) => `- ${c}.`), ''] : []),
    '## Next steps',
    '',
    result.allowed
      ? '- Keep the contract, rules, certificate or consent summary in the transfer-instrument register, and re-check it before it expires.'
      : '- Do not transfer. Put a contract or binding corporate rules in place with the recipient (reg 11), or rely on its APEC CBPR/PRP certification (reg 12).',
    '',
    ...sections,
    '---',
    DISCLAIMER,
    '',
  ].join('\n');
}
