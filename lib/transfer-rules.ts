import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkLegalBasis } from '../lambda/core/assessment/legal-basis';
import { CnAssessmentInputSchema, type CnAssessmentInput } from '../lambda/core/assessment/schema';
import { countryOf } from '../lambda/core/regions';
import { loadTransferRule, type TransferRule, TransferRuleError } from '../lambda/core/transfer-rule';
import { ConfigError, type ResidencyConfig } from './config';

export interface ApprovedTransfers {
  readonly rules: readonly TransferRule[];
  /** The exporter's declared flows this year, when the home jurisdiction is China. */
  readonly assessment?: CnAssessmentInput;
}

function readJson(path: string, shownAs: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`${shownAs}: cannot be read as JSON (${(err as Error).message})`);
    return undefined;
  }
}

/**
 * Loads the approved transfer rules (the whitelist) at synth: every `*.json` in the rules folder is
 * validated (shape, dates against `now`), its destination must be an allowed region and not home,
 * and, for a Chinese home, its legal basis must fit its purpose and this year's declared flows.
 * Every problem is collected; any problem fails synth with a message naming file, key and value.
 */
export function loadApprovedTransfers(config: ResidencyConfig, appDir: string, now: Date): ApprovedTransfers {
  const problems: string[] = [];
  const rulesDir = join(appDir, config.transferRulesDir);
  let files: string[];
  try {
    files = readdirSync(rulesDir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new ConfigError('transfer rules', [`transferRulesDir: cannot read ${rulesDir} (${(err as Error).message})`]);
  }
  if (files.length === 0) problems.push(`transferRulesDir: ${config.transferRulesDir} holds no *.json rule: nothing would ever be allowed to leave`);

  let assessment: CnAssessmentInput | undefined;
  const homeCountry = countryOf(config.homeRegion);
  if (config.assessmentFile) {
    const shownAs = config.assessmentFile;
    const raw = readJson(join(appDir, config.assessmentFile), shownAs, problems);
    if (raw !== undefined) {
      const parsed = CnAssessmentInputSchema.safeParse(raw);
      if (parsed.success) assessment = parsed.data;
      else problems.push(...parsed.error.issues.map((i) => `${shownAs}: ${i.path.join('.') || '(root)'}: ${i.message}`));
    }
  }

  const rules: TransferRule[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const shownAs = relative(appDir, join(rulesDir, file));
    const raw = readJson(join(rulesDir, file), shownAs, problems);
    if (raw === undefined) continue;
    let rule: TransferRule;
    try {
      rule = loadTransferRule(raw, shownAs, now);
    } catch (err) {
      if (err instanceof TransferRuleError) {
        problems.push(err.message);
        continue;
      }
      throw err;
    }
    const clash = ids.get(rule.id);
    if (clash) problems.push(`${shownAs}: id "${rule.id}" is also used by ${clash}`);
    ids.set(rule.id, shownAs);
    if (!config.allowedDestinationRegions.includes(rule.destination.region)) {
      problems.push(
        `${shownAs}: destination.region: got "${rule.destination.region}"; must be one of the allowed destination regions (${config.allowedDestinationRegions.join(', ') || 'none'})`,
      );
    }
    if (homeCountry === 'CN') {
      const verdict = checkLegalBasis(rule, { cac: assessment });
      if (!verdict.ok) problems.push(`${shownAs}: ${verdict.reason}`);
    } else if (rule.legalBasis.startsWith('cac_')) {
      problems.push(`${shownAs}: legalBasis "${rule.legalBasis}" is a CAC basis, but the home region ${config.homeRegion} is not in China`);
    } else {
      const verdict = checkLegalBasis(rule);
      if (!verdict.ok) problems.push(`${shownAs}: ${verdict.reason}`);
    }
    rules.push(rule);
  }
  if (problems.length > 0) throw new ConfigError('transfer rules', problems);
  return { rules, assessment };
}
