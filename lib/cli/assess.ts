/**
 * `residency assess`: which mechanism this year's transfers need (CAC Provisions 2024 for China,
 * GDPR Chapter V for EU data), and whether a transfer rule's declared legal basis still fits.
 *
 * Exit codes: 0 decided (or the rule fits); 1 the transfer is not allowed (EU: no Chapter V tool)
 * or the rule's legal basis does not fit; 2 bad usage or bad input (one line naming field and value).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { assessCac } from '../../lambda/core/assessment/cac';
import { assessGdprTransfer } from '../../lambda/core/assessment/gdpr';
import { checkRuleInstruments } from '../../lambda/core/assessment/instruments/check';
import { isRecipientRole } from '../../lambda/core/assessment/instruments/kinds';
import { checkLegalBasis, type LegalBasisFacts } from '../../lambda/core/assessment/legal-basis';
import { assessPdpaTransfer } from '../../lambda/core/assessment/pdpa';
import {
  AssessmentInputSchema,
  RuleForLegalBasisSchema,
  type AssessmentInput,
  type CnAssessmentInput,
  type EuTransferInput,
  type SgTransferInput,
} from '../../lambda/core/assessment/schema';
import { describeShape } from '../../lambda/core/shapes';
import { loadTransferRule, TransferRuleError, type TransferRule } from '../../lambda/core/transfer-rule';
import { describeIssue, IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS, IMPACT_ASSESSMENT_MAX_AGE_DAYS } from '../config';
import { readInstrumentRegister, registerPathForRule } from '../instrument-register';
import { cacMemo, gdprMemo, pdpaMemo } from './assess-memo';
import { instrumentsForMechanism, instrumentsForRule, kindsForCac, kindsForGdpr, kindsForPdpa, type LoadedRegister } from './assess-register';
import { CliError, type CliIo } from './io';
import { parseFlags } from './options';
import { parseJsonText } from '../../lambda/core/json/syntax-error';

const USAGE = `usage: residency assess --in FILE [--format json|markdown] [--date YYYY-MM-DD] [--register FILE]
       residency assess --rule RULE.json --in FILE [--format json|markdown] [--register FILE]

  --in FILE       the year's flows: {"jurisdiction":"CN","year":2026,"ciio":false,"flows":[{"purpose":"marketing_analytics","personal":150000,"sensitive":0,"importantData":false}]}
                  (optional: "freeTradeZone" with its negative list, and per flow "collectedAbroad" (Art. 4) or "negativeListEntries" (Art. 6))
                  or an EU transfer: {"jurisdiction":"EU","destination":{"country":"US","recipientConditions":["us_dpf_certified"]},"safeguards":["scc"],"derogations":[],"occasional":false}
                  (an international organisation: "destination":{"internationalOrganisation":"european_patent_organisation"})
                  or a Singapore transfer: {"jurisdiction":"SG","destination":{"country":"US"},"mechanisms":["contract"],"purpose":"payment_settlement"}
  --rule FILE     a transfer rule: check that its legalBasis fits --in, and its instruments against the register;
                  a whole rule (with fields) is validated too, and the fields that leave are listed with their shapes
  --register FILE the transfer-instrument register (default with --rule: instruments/register.json next to the rule)
  --assessment-max-age DAYS  oldest a PIA/TIA may be (default ${IMPACT_ASSESSMENT_MAX_AGE_DAYS}, as the config's impactAssessmentMaxAgeDays)
  --format        json (default) or markdown (the memo to file, citing the register)
  --date          the memo's date and the day instruments are checked on (default: today, UTC)

exit: 0 decided / rule fits; 1 transfer not allowed or rule does not fit; 2 bad usage or input`;

type Format = 'json' | 'markdown';

const BAD_INPUT = 2;
const REFUSED = 1;

interface Options {
  readonly inPath: string;
  readonly rulePath?: string;
  readonly registerPath?: string;
  readonly maxAssessmentAgeDays: number;
  readonly format: Format;
  readonly date: string;
}

function parseOptions(args: string[]): Options | 'help' {
  const values = parseFlags(args, {
      in: { type: 'string' },
      rule: { type: 'string' },
      register: { type: 'string' },
      'assessment-max-age': { type: 'string' },
      format: { type: 'string', default: 'json' },
      date: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
  if (values.help) return 'help';
  if (values.in === undefined) throw new CliError('--in FILE is required (see --help)', BAD_INPUT);
  if (values.format !== 'json' && values.format !== 'markdown') {
    throw new CliError(`--format: got "${values.format}"; must be json or markdown`, BAD_INPUT);
  }
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new CliError(`--date: got "${date}"; must be a date such as 2026-03-31`, BAD_INPUT);
  }
  const age = values['assessment-max-age'] === undefined ? IMPACT_ASSESSMENT_MAX_AGE_DAYS : Number(values['assessment-max-age']);
  if (!Number.isInteger(age) || age < 1 || age > IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS) {
    throw new CliError(`--assessment-max-age: got "${values['assessment-max-age']}"; must be a whole number of days from 1 to ${IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS}`, BAD_INPUT);
  }
  return { inPath: values.in, rulePath: values.rule, registerPath: values.register, maxAssessmentAgeDays: age, format: values.format, date };
}

/** The register given with --register, or the one next to --rule when it exists. */
function loadRegister(options: Options): LoadedRegister | undefined {
  const path = options.registerPath ?? (options.rulePath === undefined ? undefined : registerPathForRule(options.rulePath));
  if (path === undefined) return undefined;
  const read = readInstrumentRegister(path, path);
  if (!read.ok) throw new CliError(`--register ${path}: ${read.problems.join('; ')}`, REFUSED);
  if (!read.exists) {
    if (options.registerPath !== undefined) throw new CliError(`--register ${path}: cannot read the file (ENOENT)`, REFUSED);
    return undefined;
  }
  return { register: read.register, shownAs: path, maxAssessmentAgeDays: options.maxAssessmentAgeDays };
}

function readJson(flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${flag} ${path}: cannot read the file (${code ?? String(err)})`, REFUSED);
  }
  try {
    return parseJsonText(text, path);
  } catch (err) {
    throw new CliError(`${flag} ${err instanceof Error ? err.message : String(err)}`, REFUSED);
  }
}

function parseWith<T>(schema: z.ZodType<T>, flag: string, path: string, raw = readJson(flag, path)): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`${flag} ${path}: ${parsed.error.issues.map((issue) => describeIssue(issue, raw)).join('; ')}`, REFUSED);
  }
  return parsed.data;
}

function assessCn(input: CnAssessmentInput, options: Options, io: CliIo): number {
  const result = assessCac(input);
  if (options.format === 'markdown') {
    io.stdout(cacMemo(input, result, options.date, instrumentsForMechanism(kindsForCac(result.mechanism), loadRegister(options), options.date)));
  } else {
    const { mechanism, reasons, headroom, personalInformationMechanism, importantData, counted, excluded } = result;
    const report = { mechanism, reasons, headroom, jurisdiction: input.jurisdiction, year: input.year, ciio: input.ciio };
    io.stdout(`${JSON.stringify({ ...report, personalInformationMechanism, importantData, counted, excluded }, null, 2)}\n`);
  }
  return 0;
}

function assessEu(input: EuTransferInput, options: Options, io: CliIo): number {
  const facts = {
    recipientConditions: input.destination.recipientConditions,
    safeguards: input.safeguards,
    derogations: input.derogations,
    occasional: input.occasional,
    on: options.date,
  };
  const organisation = input.destination.internationalOrganisation;
  const result = assessGdprTransfer(
    organisation !== undefined
      ? { ...facts, destinationOrganisation: organisation, destinationCountry: input.destination.country }
      : { ...facts, destinationCountry: input.destination.country ?? '' },
  );
  if (options.format === 'markdown') {
    io.stdout(gdprMemo(input, result, options.date, instrumentsForMechanism(kindsForGdpr(result), loadRegister(options), options.date)));
  } else {
    // GDPR has no headcount thresholds: headroom is null so the output keeps one shape.
    const { mechanism, reasons, allowed, cautions, adequacyDecision } = result;
    const report = { mechanism, reasons, headroom: null, jurisdiction: input.jurisdiction, destination: input.destination };
    io.stdout(`${JSON.stringify({ ...report, allowed, cautions, adequacyDecision }, null, 2)}\n`);
  }
  return result.allowed ? 0 : REFUSED;
}

function assessSg(input: SgTransferInput, options: Options, io: CliIo): number {
  const result = assessPdpaTransfer({ destinationCountry: input.destination.country, mechanisms: input.mechanisms, purpose: input.purpose });
  if (options.format === 'markdown') {
    io.stdout(pdpaMemo(input, result, options.date, instrumentsForMechanism(kindsForPdpa(result), loadRegister(options), options.date)));
  } else {
    const { mechanism, reasons, allowed, cautions } = result;
    io.stdout(`${JSON.stringify({ mechanism, reasons, headroom: null, jurisdiction: input.jurisdiction, destination: input.destination, allowed, cautions }, null, 2)}\n`);
  }
  return result.allowed ? 0 : REFUSED;
}

function destinationsDiffer(input: AssessmentInput, rule: z.output<typeof RuleForLegalBasisSchema>): string | undefined {
  if (input.jurisdiction === 'CN') return undefined;
  const wanted = input.jurisdiction === 'EU' && input.destination.internationalOrganisation !== undefined
    ? { key: 'destination.internationalOrganisation', rule: rule.destination.internationalOrganisation, input: input.destination.internationalOrganisation }
    : { key: 'destination.country', rule: rule.destination.country, input: input.destination.country };
  return wanted.rule === wanted.input ? undefined : `${wanted.key} "${wanted.rule ?? ''}" differs from --in ${wanted.key} "${wanted.input ?? ''}"`;
}

/** One field a rule lets leave, as the memo lists it. */
interface LeavingField {
  readonly field: string;
  readonly transform: string;
  readonly shape?: string;
  readonly onMismatch?: string;
}

/**
 * A whole rule (one whose `fields` map paths to transforms) is validated as the gateway would (bare `keep`, unsafe patterns and
 * every other schema problem refused), with its validity dates left to the gateway: it is the legal
 * basis that is assessed here. Returns what leaves, or undefined for a legal-basis-only excerpt.
 */
function leavingFields(raw: unknown, path: string): { fields: LeavingField[]; otherFields: string } | undefined {
  const declared = typeof raw === 'object' && raw !== null && 'fields' in raw ? raw.fields : undefined;
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return undefined;
  const validFrom = (raw as { validFrom?: unknown }).validFrom;
  const inside = typeof validFrom === 'string' && !Number.isNaN(Date.parse(validFrom)) ? new Date(`${validFrom}T00:00:00Z`) : new Date();
  let rule: TransferRule;
  try {
    rule = loadTransferRule(raw, `--rule ${path}`, inside);
  } catch (err) {
    if (err instanceof TransferRuleError) throw new CliError(err.message, REFUSED);
    throw err;
  }
  const fields = Object.entries(rule.fields).map(([field, spec]): LeavingField =>
    typeof spec === 'string' ? { field, transform: spec } : { field, transform: 'keep', shape: describeShape(spec.keep), onMismatch: spec.onMismatch ?? 'quarantine' },
  );
  return { fields, otherFields: rule.otherFields };
}

function leavingLines(leaving: { fields: readonly LeavingField[]; otherFields: string }): string {
  const lines = leaving.fields.map((f) => `  - \`${f.field}\`: ${f.transform}${f.shape ? ` (shape: ${f.shape}; a value of another shape: ${f.onMismatch})` : ''}`);
  return `- What leaves (fields not named: ${leaving.otherFields}):\n${lines.join('\n')}\n`;
}

function checkRule(input: AssessmentInput, options: Options & { rulePath: string }, io: CliIo): number {
  const raw = readJson('--rule', options.rulePath);
  const rule = parseWith(RuleForLegalBasisSchema, '--rule', options.rulePath, raw);
  const leaving = leavingFields(raw, options.rulePath);
  if (rule.legalBasis.startsWith('cac_') && input.jurisdiction !== 'CN') {
    throw new CliError(
      `--rule ${options.rulePath}: legalBasis "${rule.legalBasis}" is checked against CN input (the exporter's flows this year), but --in ${options.inPath} is ${input.jurisdiction}`,
      REFUSED,
    );
  }
  const differs = destinationsDiffer(input, rule);
  if (differs) throw new CliError(`--rule ${options.rulePath}: ${differs}`, REFUSED);
  const register = loadRegister(options);
  const instruments =
    register === undefined
      ? undefined
      : checkRuleInstruments(
          {
            ...rule,
            destination: { ...rule.destination, recipient: rule.destination.recipient ?? '' },
            recipientRole: isRecipientRole(rule.recipientRole) ? rule.recipientRole : undefined,
            validUntil: rule.validUntil ?? options.date,
          },
          register.register,
          { today: options.date, maxAssessmentAgeDays: options.maxAssessmentAgeDays, ruleSource: options.rulePath, registerSource: register.shownAs },
        );
  const facts: LegalBasisFacts =
    input.jurisdiction === 'CN'
      ? { origin: 'CN', cac: input, on: options.date }
      : input.jurisdiction === 'EU'
        ? { origin: 'EU', gdprRecipientConditions: [...input.destination.recipientConditions, ...(instruments?.recipientConditions ?? [])], on: options.date }
        : { origin: 'SG', on: options.date };
  const check = checkLegalBasis(rule, facts);
  const problems = [...(check.ok ? [] : [check.reason]), ...(instruments?.problems ?? [])];
  const fits = problems.length === 0;
  if (options.format === 'markdown') {
    const verdict = check.ok ? 'fits' : 'does NOT fit';
    io.stdout(
      [
        `# Legal basis check: rule "${rule.id}"`,
        '',
        `- Date: ${options.date}`,
        `- Purpose: ${rule.purpose}`,
        `- Destination: ${rule.destination.internationalOrganisation ?? rule.destination.country}`,
        `- **Legal basis \`${rule.legalBasis}\` ${verdict}**${check.ok ? '' : `: ${check.reason}`}`,
        `- **Instruments: ${instruments === undefined ? 'not checked (no register)' : instruments.problems.length === 0 ? 'complete and in force' : `${instruments.problems.length} problem(s)`}**`,
        ...(leaving ? [leavingLines(leaving).trimEnd()] : []),
        '',
        ...instrumentsForRule(rule, register, instruments?.problems ?? [], options.date),
      ].join('\n'),
    );
  } else {
    const result = {
      rule: rule.id,
      purpose: rule.purpose,
      legalBasis: rule.legalBasis,
      destination: rule.destination.internationalOrganisation ?? rule.destination.country,
      fits,
      reason: check.ok ? undefined : check.reason,
      instruments: instruments === undefined ? null : { register: register?.shownAs, problems: instruments.problems },
      ...(leaving ? { leaves: leaving.fields, otherFields: leaving.otherFields } : {}),
    };
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  }
  for (const problem of problems) io.stderr(`residency assess: ${problem}\n`);
  return fits ? 0 : REFUSED;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (options.registerPath !== undefined) loadRegister(options); // a bad --register is a usage error, whatever the format
  const input = parseWith(AssessmentInputSchema, '--in', options.inPath);
  if (options.rulePath !== undefined) return checkRule(input, { ...options, rulePath: options.rulePath }, io);
  if (input.jurisdiction === 'CN') return assessCn(input, options, io);
  return input.jurisdiction === 'EU' ? assessEu(input, options, io) : assessSg(input, options, io);
}
