import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkRuleInstruments } from '../lambda/core/assessment/instruments/check';
import type { InstrumentRegister } from '../lambda/core/assessment/instruments/schema';
import { summarizeRegister, type RegisterRecord } from '../lambda/core/assessment/instruments/summary';
import { checkLegalBasis, ORIGIN_REGIMES, originOfCountry } from '../lambda/core/assessment/legal-basis';
import { CnAssessmentInputSchema, type CnAssessmentInput } from '../lambda/core/assessment/schema';
import { countryOf } from '../lambda/core/regions';
import { loadTransferRule, type TransferRule, TransferRuleError } from '../lambda/core/transfer-rule';
import { ConfigError, type ResidencyConfig } from './config';
import { EMPTY_REGISTER, readInstrumentRegister, registerPathFor } from './instrument-register';
import { JsonSyntaxError, parseJsonText } from '../lambda/core/json/syntax-error';

export interface ApprovedTransfers {
  readonly rules: readonly TransferRule[];
  /** The exporter's declared flows this year, when the home jurisdiction is China. */
  readonly assessment?: CnAssessmentInput;
  /** The rules folder's transfer-instrument register, with the rules relying on each instrument. */
  readonly register: RegisterRecord;
}

function readJson(path: string, shownAs: string, problems: string[]): unknown {
  try {
    return parseJsonText(readFileSync(path, 'utf8'), shownAs);
  } catch (err) {
    problems.push(err instanceof JsonSyntaxError ? err.message : `${shownAs}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
}

function readAssessment(config: ResidencyConfig, appDir: string, problems: string[]): CnAssessmentInput | undefined {
  if (!config.assessmentFile) return undefined;
  const shownAs = config.assessmentFile;
  const raw = readJson(join(appDir, config.assessmentFile), shownAs, problems);
  if (raw === undefined) return undefined;
  const parsed = CnAssessmentInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(...parsed.error.issues.map((i) => `${shownAs}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  return undefined;
}

function readRegister(rulesDir: string, appDir: string, problems: string[]): { register: InstrumentRegister; shownAs: string } {
  const path = registerPathFor(rulesDir);
  const shownAs = relative(appDir, path);
  const read = readInstrumentRegister(path, shownAs);
  if (read.ok) return { register: read.register, shownAs: read.exists ? shownAs : `${shownAs} (the file does not exist)` };
  problems.push(...read.problems);
  return { register: EMPTY_REGISTER, shownAs };
}

/** Today's date (UTC) as `YYYY-MM-DD`: rule and instrument dates are whole UTC days. */
function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Loads the approved transfer rules (the whitelist) at synth: every `*.json` in the rules folder is
 * validated (shape, dates against `now`), its destination must be an allowed region and not home,
 * its legal basis must belong to the regime of the data's origin (CAC for China, GDPR for the
 * EU/EEA, PDPA for Singapore) and fit its purpose and, for a Chinese home, this year's declared
 * flows; the instruments it names (in `instruments/register.json` of the folder) must cover what its
 * basis needs and be in force (not expired, PIA/TIA not older than `impactAssessmentMaxAgeDays`).
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

  const assessment = readAssessment(config, appDir, problems);
  const register = readRegister(rulesDir, appDir, problems);
  const homeCountry = countryOf(config.homeRegion);
  const origin = originOfCountry(homeCountry);
  const today = isoDay(now);

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
    const instruments = checkRuleInstruments(rule, register.register, {
      today,
      maxAssessmentAgeDays: config.impactAssessmentMaxAgeDays,
      ruleSource: shownAs,
      registerSource: register.shownAs,
    });
    problems.push(...instruments.problems);
    if (origin === undefined) {
      problems.push(
        `${shownAs}: legalBasis "${rule.legalBasis}": no transfer regime is modelled for data whose home is ${homeCountry} (${config.homeRegion}); modelled: ${Object.entries(ORIGIN_REGIMES).map(([o, r]) => `${o}: ${r.prefix}*`).join(', ')}`,
      );
    } else {
      const verdict = checkLegalBasis(rule, { origin, cac: assessment, gdprRecipientConditions: instruments.recipientConditions, on: today });
      if (!verdict.ok) problems.push(`${shownAs}: ${verdict.reason}`);
    }
    rules.push(rule);
  }
  if (problems.length > 0) throw new ConfigError('transfer rules', problems);
  return {
    rules,
    assessment,
    register: {
      source: relative(appDir, registerPathFor(rulesDir)),
      impactAssessmentMaxAgeDays: config.impactAssessmentMaxAgeDays,
      instruments: summarizeRegister(register.register, rules, config.impactAssessmentMaxAgeDays),
    },
  };
}
