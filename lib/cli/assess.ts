/**
 * `residency assess`: which mechanism this year's transfers need (CAC Provisions 2024 for China,
 * GDPR Chapter V for EU data), and whether a transfer rule's declared legal basis still fits.
 *
 * Exit codes: 0 decided (or the rule fits); 1 the transfer is not allowed (EU: no Chapter V tool)
 * or the rule's legal basis does not fit; 2 bad usage or bad input (one line naming field and value).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { assessCac } from '../../lambda/core/assessment/cac';
import { assessGdprTransfer } from '../../lambda/core/assessment/gdpr';
import { checkLegalBasis, type LegalBasisFacts } from '../../lambda/core/assessment/legal-basis';
import {
  AssessmentInputSchema,
  RuleForLegalBasisSchema,
  type AssessmentInput,
  type CnAssessmentInput,
  type EuTransferInput,
} from '../../lambda/core/assessment/schema';
import { describeShape } from '../../lambda/core/shapes';
import { loadTransferRule, TransferRuleError, type TransferRule } from '../../lambda/core/transfer-rule';
import { describeIssue } from '../config';
import { cacMemo, gdprMemo } from './assess-memo';
import { CliError, type CliIo } from './io';

const USAGE = `usage: residency assess --in FILE [--format json|markdown] [--date YYYY-MM-DD]
       residency assess --rule RULE.json --in FILE [--format json|markdown]

  --in FILE       the year's flows: {"jurisdiction":"CN","year":2026,"ciio":false,"flows":[{"purpose":"marketing_analytics","personal":150000,"sensitive":0,"importantData":false}]}
                  or an EU transfer: {"jurisdiction":"EU","destination":{"country":"US","recipientConditions":["us_dpf_certified"]},"safeguards":["scc"],"derogations":[]}
  --rule FILE     a transfer rule (id, purpose, legalBasis, destination.country): check that its legalBasis fits --in;
                  a whole rule (with fields) is validated too, and the fields that leave are listed with their shapes
  --format        json (default) or markdown (the memo to file)
  --date          the memo's date (default: today, UTC)

exit: 0 decided / rule fits; 1 transfer not allowed or rule does not fit; 2 bad usage or input`;

type Format = 'json' | 'markdown';

const BAD_INPUT = 2;
const REFUSED = 1;

interface Options {
  readonly inPath: string;
  readonly rulePath?: string;
  readonly format: Format;
  readonly date: string;
}

function parseOptions(args: string[]): Options | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        in: { type: 'string' },
        rule: { type: 'string' },
        format: { type: 'string', default: 'json' },
        date: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)} (see --help)`, BAD_INPUT);
  }
  if (values.help) return 'help';
  if (values.in === undefined) throw new CliError('--in FILE is required (see --help)', BAD_INPUT);
  if (values.format !== 'json' && values.format !== 'markdown') {
    throw new CliError(`--format: got "${values.format}"; must be json or markdown`, BAD_INPUT);
  }
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new CliError(`--date: got "${date}"; must be a date such as 2026-03-31`, BAD_INPUT);
  }
  return { inPath: values.in, rulePath: values.rule, format: values.format, date };
}

function readJson(flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${flag} ${path}: cannot read the file (${code ?? String(err)})`, BAD_INPUT);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${flag} ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, BAD_INPUT);
  }
}

function parseWith<T>(schema: z.ZodType<T>, flag: string, path: string, raw = readJson(flag, path)): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`${flag} ${path}: ${parsed.error.issues.map((issue) => describeIssue(issue, raw)).join('; ')}`, BAD_INPUT);
  }
  return parsed.data;
}

function assessCn(input: CnAssessmentInput, options: Options, io: CliIo): number {
  const result = assessCac(input);
  if (options.format === 'markdown') {
    io.stdout(cacMemo(input, result, options.date));
  } else {
    const { mechanism, reasons, headroom, personalInformationMechanism, importantData, counted, excluded } = result;
    const report = { mechanism, reasons, headroom, jurisdiction: input.jurisdiction, year: input.year, ciio: input.ciio };
    io.stdout(`${JSON.stringify({ ...report, personalInformationMechanism, importantData, counted, excluded }, null, 2)}\n`);
  }
  return 0;
}

function assessEu(input: EuTransferInput, options: Options, io: CliIo): number {
  const result = assessGdprTransfer({
    destinationCountry: input.destination.country,
    recipientConditions: input.destination.recipientConditions,
    safeguards: input.safeguards,
    derogations: input.derogations,
  });
  if (options.format === 'markdown') {
    io.stdout(gdprMemo(input, result, options.date));
  } else {
    // GDPR has no headcount thresholds: headroom is null so the output keeps one shape.
    const { mechanism, reasons, allowed, cautions, adequacyDecision } = result;
    const report = { mechanism, reasons, headroom: null, jurisdiction: input.jurisdiction, destination: input.destination };
    io.stdout(`${JSON.stringify({ ...report, allowed, cautions, adequacyDecision }, null, 2)}\n`);
  }
  return result.allowed ? 0 : REFUSED;
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
    if (err instanceof TransferRuleError) throw new CliError(err.message, BAD_INPUT);
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
  const basisJurisdiction = rule.legalBasis.startsWith('gdpr_') ? 'EU' : rule.legalBasis.startsWith('cac_') ? 'CN' : undefined;
  if (basisJurisdiction && basisJurisdiction !== input.jurisdiction) {
    throw new CliError(
      `--rule ${options.rulePath}: legalBasis "${rule.legalBasis}" is checked against ${basisJurisdiction} input, but --in ${options.inPath} is ${input.jurisdiction}`,
      BAD_INPUT,
    );
  }
  let facts: LegalBasisFacts;
  if (input.jurisdiction === 'CN') {
    facts = { cac: input };
  } else {
    if (input.destination.country !== rule.destination.country) {
      throw new CliError(
        `--rule ${options.rulePath}: destination.country "${rule.destination.country}" differs from --in destination.country "${input.destination.country}"`,
        BAD_INPUT,
      );
    }
    facts = { gdprRecipientConditions: input.destination.recipientConditions };
  }
  const check = checkLegalBasis(rule, facts);
  const reason = check.ok ? undefined : check.reason;
  if (options.format === 'markdown') {
    const verdict = check.ok ? 'fits' : 'does NOT fit';
    io.stdout(
      `# Legal basis check: rule "${rule.id}"\n\n- Date: ${options.date}\n- Purpose: ${rule.purpose}\n- Destination: ${rule.destination.country}\n` +
        `- **Legal basis \`${rule.legalBasis}\` ${verdict}**${reason ? `: ${reason}` : ''}\n` +
        (leaving ? leavingLines(leaving) : ''),
    );
  } else {
    const result = { rule: rule.id, purpose: rule.purpose, legalBasis: rule.legalBasis, destination: rule.destination.country, fits: check.ok, reason, ...(leaving ? { leaves: leaving.fields, otherFields: leaving.otherFields } : {}) };
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  }
  if (reason) io.stderr(`residency assess: ${reason}\n`);
  return check.ok ? 0 : REFUSED;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const input = parseWith(AssessmentInputSchema, '--in', options.inPath);
  if (options.rulePath !== undefined) return checkRule(input, { ...options, rulePath: options.rulePath }, io);
  return input.jurisdiction === 'CN' ? assessCn(input, options, io) : assessEu(input, options, io);
}
