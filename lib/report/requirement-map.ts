import { PCI_DSS_PACK, pciDss401RequirementsOf } from '../compliance/pci-dss-401';
import { CROSS_BORDER_PACK_NAME } from '../nag/cross-border-checks';
import { CROSS_BORDER_RULES, crossBorderRuleId } from '../nag/cross-border-rules';
import { DOMAIN_REQUIREMENTS, type RequirementId } from '../nag/requirements';

/**
 * Maps rules to the requirements an auditor looks for: our domain requirements for CrossBorder
 * rules, the control ids the cdk-nag compliance packs print in each rule's message
 * ("... - (Control IDs: 3.4, 8.2.1)."), and the Control Tower id for cfn-guard controls.
 */

export interface Requirement {
  /** Unique key, e.g. `domain:residency`, `PCI DSS 4.0.1:3.5.1`, `Control Tower:CT.S3.PR.1`. */
  readonly key: string;
  /** The framework: `Domain`, `PCI DSS 4.0.1`, `NIST 800-53 R5`, `HIPAA Security`, `Control Tower`, or a pack name. */
  readonly framework: string;
  readonly id: string;
  readonly title: string;
}

const FRAMEWORK_OF_PACK: Readonly<Record<string, string>> = {
  'NIST.800.53.R5': 'NIST 800-53 R5',
  'NIST.800.53.R4': 'NIST 800-53 R4',
  'HIPAA.Security': 'HIPAA Security',
};

/**
 * Control ids printed at the end of a cdk-nag rule message, e.g. `AU-9(3)`, `164.312(b)`, each
 * once in the order printed (some messages list an id twice, e.g. NIST `AC-17(1)`).
 */
export function controlIdsIn(message: string): string[] {
  const listed = /\(Control IDs?: (.*)\)\.?\s*$/.exec(message)?.[1];
  return listed === undefined ? [] : [...new Set(listed.split(/,\s*/).map((id) => id.trim()).filter((id) => id.length > 0))];
}

export function domainRequirement(id: RequirementId): Requirement {
  const requirement = DOMAIN_REQUIREMENTS[id];
  return { key: `domain:${id}`, framework: 'Domain', id, title: `${requirement.title} (${requirement.references.join('; ')})` };
}

const CROSS_BORDER_REQUIREMENTS = new Map(CROSS_BORDER_RULES.map((d) => [crossBorderRuleId(d), d.requirements]));

/** The requirements one rule serves; a rule without any maps to its pack as a framework of its own. */
export function requirementsOf(pack: string, ruleId: string, message: string, controlTowerTitle?: string): Requirement[] {
  if (pack === CROSS_BORDER_PACK_NAME) return (CROSS_BORDER_REQUIREMENTS.get(ruleId) ?? []).map(domainRequirement);
  // The PCI pack prints retired PCI DSS 3.2.1 ids: its findings are reported against PCI DSS 4.0.1.
  if (pack === PCI_DSS_PACK) return pciDss401RequirementsOf(ruleId);
  if (controlTowerTitle !== undefined) {
    return [{ key: `Control Tower:${ruleId}`, framework: 'Control Tower', id: ruleId, title: controlTowerTitle }];
  }
  const framework = FRAMEWORK_OF_PACK[pack];
  const controls = framework === undefined ? [] : controlIdsIn(message);
  if (framework === undefined || controls.length === 0) {
    return [{ key: `${pack}:${ruleId}`, framework: pack, id: ruleId, title: message.replace(/\s*-\s*\(Control IDs?: .*\)\.?\s*$/, '') }];
  }
  return controls.map((id) => ({ key: `${framework}:${id}`, framework, id, title: `${framework} control ${id}` }));
}
