/**
 * Transfer rules: one JSON file per approved cross-border transfer, the whitelist the gateway
 * enforces. The zod schema below is the single source of truth; `schemas/transfer-rule.schema.json`
 * is generated from it (a test keeps the two equal) for editors and reviewers.
 *
 * A rule is refused before any record is read when it is malformed, names an unknown transform or
 * region, names a country that is not the region's, or is expired or not yet valid. `purpose` and
 * `legalBasis` are checked here for shape only: whether the basis fits the purpose and the year's
 * headcounts is the legal-basis assessment's decision, made with it.
 */
import { z } from 'zod';
import { INTERNATIONAL_ORGANISATION_NAMES } from './assessment/adequacy';
import { RECIPIENT_ROLES, type RecipientRole } from './assessment/instruments/kinds';
import { INSTRUMENT_ID } from './assessment/instruments/schema';
import { withoutIdentifiers } from './diagnostics';
import { errorMessage } from './errors';
import { enumMemberProblem, patternProblem } from './pattern-safety';
import { countryOf, isKnownRegion, KNOWN_REGIONS } from './regions';
import { DEFAULT_DECIMAL, MISMATCH_ACTIONS, NAMED_SHAPES, type KeepRule, type Shape } from './shapes';

export const TRANSFORMS = ['keep', 'drop', 'last4', 'mask_pan', 'token', 'redact'] as const;
export type Transform = (typeof TRANSFORMS)[number];

/** The transforms a rule names by themselves; `keep` always comes with a shape (`{"keep": "decimal"}`). */
export const PLAIN_TRANSFORMS = ['drop', 'last4', 'mask_pan', 'token', 'redact'] as const;
export type PlainTransform = (typeof PLAIN_TRANSFORMS)[number];

/** What a rule says about one field. */
export type FieldRule = PlainTransform | KeepRule;

/** The transform a field rule applies (`keep` for a shape). */
export function transformOf(field: FieldRule): Transform {
  return typeof field === 'string' ? field : 'keep';
}

export const OTHER_FIELDS_TRANSFORMS = ['drop', 'redact'] as const;
export type OtherFieldsTransform = (typeof OTHER_FIELDS_TRANSFORMS)[number];

export interface TransferRule {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly destination: {
    readonly region: string;
    readonly country: string;
    readonly recipient: string;
    /** Set when the recipient is an international organisation (GDPR Art. 4(26)). */
    readonly internationalOrganisation?: string;
  };
  /** Whether the recipient acts for itself or on the exporter's behalf; a processor needs a DPA. Absent: controller. */
  readonly recipientRole?: RecipientRole;
  /** A rule for an occasional transfer (GDPR Art. 49(1)(a)-(c), (e)): valid for a short window only. */
  readonly occasional?: boolean;
  /** Ids of the instruments, in the rules folder's instruments/register.json, that back the legal basis. */
  readonly instruments?: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  /** First day the rule applies (UTC, inclusive), `YYYY-MM-DD`. */
  readonly validFrom: string;
  /** Last day the rule applies (UTC, inclusive), `YYYY-MM-DD`. */
  readonly validUntil: string;
  /** Dotted field path → transform, or `{ keep: shape }`. Paths missing from a record are fine. */
  readonly fields: Readonly<Record<string, FieldRule>>;
  /** What happens to every field not named in `fields`. */
  readonly otherFields: OtherFieldsTransform;
}

const SNAKE_CASE = /^[a-z][a-z0-9_]{0,63}$/;
const FIELD_PATH = /^[^.\s]+(?:\.[^.\s]+)*$/;
const ISO_DATE = 'expected a real calendar date written YYYY-MM-DD';

const SHAPE_LIST =
  `${NAMED_SHAPES.map((name) => `"${name}"`).join(', ')}, {"enum": [...]}, {"pattern": "^...$"}, ` +
  '{"decimal": {"maxIntegerDigits": n, "maxFractionDigits": n}}, {"integer": {"min": n, "max": n}}';
const BARE_KEEP =
  `a kept field must state the shape it may carry, e.g. {"keep": "decimal"} or {"keep": {"pattern": "^[0-9]{28}$"}}; shapes: ${SHAPE_LIST}`;
const FIELD_RULE_EXPECTED = `expected one of ${PLAIN_TRANSFORMS.join(', ')}, or {"keep": <shape>}`;

const DIGITS = (min: number) => `expected a whole number from ${min} to 30`;
const SAFE_INT = `expected a whole number between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;

const shapeSchema = z
  .union(
    [
      z.enum(NAMED_SHAPES, `expected a shape: ${SHAPE_LIST}`).describe(
        'decimal: a JSON number or string such as 1280.50 (at most 15 integer and 8 fraction digits); integer: whole number of at most 15 digits; ' +
          'boolean: true/false; currency: an ISO 4217 code such as "CNY"; date: ISO 8601 YYYY-MM-DD; timestamp: ISO 8601 date-time such as 2026-03-01T10:00:00+08:00',
      ),
      z.strictObject({
        enum: z
          .array(z.union([z.string(), z.number(), z.boolean()]))
          .min(1, 'expected at least one value')
          .max(1000, 'expected at most 1000 values')
          .describe('The only values the field may carry (compared as text).'),
      }),
      z.strictObject({
        pattern: z.string().describe('A regular expression anchored ^...$ (Unicode mode) that the whole value must match; checked for catastrophic backtracking and against sample identifiers.'),
      }),
      z.strictObject({
        decimal: z.strictObject({
          maxIntegerDigits: z.int(DIGITS(1)).min(1, DIGITS(1)).max(30, DIGITS(1)).optional().describe(`@default ${DEFAULT_DECIMAL.maxIntegerDigits}`),
          maxFractionDigits: z.int(DIGITS(0)).min(0, DIGITS(0)).max(30, DIGITS(0)).optional().describe(`@default ${DEFAULT_DECIMAL.maxFractionDigits}`),
        }),
      }),
      z.strictObject({
        integer: z.strictObject({ min: z.int(SAFE_INT).optional(), max: z.int(SAFE_INT).optional() }).describe('Inclusive bounds; by default 15 digits either side of 0.'),
      }),
    ],
    { error: `expected a shape: ${SHAPE_LIST}` },
  )
  .describe('The shape a kept value may have.');

const fieldRuleSchema = z.union(
  [
    z.enum(PLAIN_TRANSFORMS, { error: (issue) => (issue.input === 'keep' ? BARE_KEEP : FIELD_RULE_EXPECTED) }),
    z.strictObject({
      keep: shapeSchema,
      onMismatch: z
        .enum(MISMATCH_ACTIONS, `expected one of ${MISMATCH_ACTIONS.join(', ')}`)
        .default('quarantine')
        .describe('A value of another shape: the record is quarantined (default), or the value replaced by [REDACTED].'),
    }),
  ],
  { error: FIELD_RULE_EXPECTED },
);

const transferRuleSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected 1-63 lower-case letters, digits or dashes, not starting with a dash')
      .describe('Stable identifier of the approved transfer.'),
    version: z.int('expected a whole number').positive('expected a whole number of 1 or more').describe('Bumped on every change.'),
    description: z.string().optional(),
    destination: z.strictObject({
      region: z.enum(KNOWN_REGIONS as [string, ...string[]], `expected a known AWS region: ${KNOWN_REGIONS.join(', ')}`),
      country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "SG"'),
      recipient: z.string().trim().min(1, 'expected the legal name of the receiving party'),
      internationalOrganisation: z
        .enum(INTERNATIONAL_ORGANISATION_NAMES, `expected one of ${INTERNATIONAL_ORGANISATION_NAMES.join(', ')}`)
        .optional()
        .describe('Set when the recipient is an international organisation (GDPR Art. 4(26)): Chapter V applies wherever its seat is.'),
    }),
    recipientRole: z
      .enum(RECIPIENT_ROLES, `expected one of ${RECIPIENT_ROLES.join(', ')}`)
      .optional()
      .describe('controller (default) or processor; a processor recipient needs a DPA with its sub-processor list in the register.'),
    occasional: z
      .boolean('expected true or false')
      .optional()
      .describe('true for a rule serving one occasional transfer (GDPR Art. 49(1)(a)-(c), (e); recital 111): valid at most 31 days.'),
    instruments: z
      .array(z.string().regex(INSTRUMENT_ID, 'expected an instrument id: 1-63 lower-case letters, digits or dashes'))
      .refine((ids) => new Set(ids).size === ids.length, 'expected each instrument id once')
      .optional()
      .describe("Ids of the transfer instruments in this folder's instruments/register.json that back the legal basis (contracts, filings, approvals, DPAs, PIAs/TIAs)."),
    purpose: z.string().regex(SNAKE_CASE, 'expected a snake_case purpose such as "payment_settlement"'),
    legalBasis: z.string().regex(SNAKE_CASE, 'expected a snake_case legal basis such as "cac_contract_necessity"'),
    validFrom: z.iso.date(ISO_DATE),
    validUntil: z.iso.date(ISO_DATE),
    fields: z
      .record(
        z.string().regex(FIELD_PATH, 'expected a dotted field path such as "payer.idNumber" (no spaces, no empty segments)'),
        fieldRuleSchema,
      )
      .refine((fields) => Object.keys(fields).length > 0, 'expected at least one field: a rule that names none transfers nothing')
      .describe('Dotted field path to a transform, or to {"keep": <shape>}; fields not named follow otherFields.'),
    otherFields: z.enum(OTHER_FIELDS_TRANSFORMS, `expected one of ${OTHER_FIELDS_TRANSFORMS.join(', ')}`).default('drop'),
  })
  .describe('A transfer rule: which fields of which records may leave the home region, and how each is desensitized.');

/** The published JSON Schema (draft 2020-12) of a rule file. */
export function transferRuleJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(transferRuleSchema, { io: 'input' });
  const properties = generated.properties as Record<string, Record<string, unknown>>;
  // zod's refinement (at least one field) has no JSON Schema form of its own; state it for editors too.
  properties.fields = { ...properties.fields, minProperties: 1 };
  return {
    $schema,
    $id: 'https://payment-data-residency/schemas/transfer-rule.schema.json',
    title: 'Transfer rule',
    ...generated,
    properties,
  };
}

/** All problems found in one rule, each naming the key, the value and what was expected. */
export class TransferRuleError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'TransferRuleError';
  }
}

function describeKey(path: readonly PropertyKey[]): string {
  let key = '';
  for (const segment of path) {
    const text = String(segment);
    key += FIELD_PATH.test(text) && !text.includes('.') ? (key === '' ? text : `.${text}`) : `[${JSON.stringify(text)}]`;
  }
  return key === '' ? '(top level)' : key;
}

/** A rule value as an error may echo it: truncated, and never an identifier (a pattern or name may hold one). */
function describeValue(value: unknown): string {
  const text = withoutIdentifiers(JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The branch of a union the input was meant for: one whose type fits and whose required keys are
 * there. Its issues say more than the union's own message.
 */
function intendedBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const misfit = (i: z.core.$ZodIssue): boolean =>
    i.path.length === 0
      ? i.code === 'invalid_type' || (i.code === 'invalid_value' && typeof i.input !== 'string')
      : i.path.length === 1 && i.code === 'invalid_type' && i.input === undefined;
  const fitting = branches.filter((issues) => !issues.some(misfit));
  return fitting.length === 1 ? fitting[0] : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'invalid_union') {
    const branch = intendedBranch(issue.errors);
    if (branch !== undefined) return branch.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] }));
  }
  return [describeOne(issue)];
}

function describeOne(issue: z.core.$ZodIssue): string {
  const key = describeKey(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${key}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  if (issue.code === 'invalid_key') return `key ${key}: ${issue.issues.map((i) => i.message).join('; ')}`;
  if (issue.input === undefined) return `key ${key}: missing; it is required`;
  const expectation = issue.message.replace(/^Invalid (?:input|option): /, '');
  return `key ${key}: value ${describeValue(issue.input)}: ${expectation}`;
}

function overlappingPaths(paths: readonly string[]): string[] {
  const problems: string[] = [];
  const sorted = [...paths].sort();
  for (let i = 0; i + 1 < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].startsWith(sorted[i]); j++) {
      if (sorted[j].startsWith(`${sorted[i]}.`)) {
        problems.push(`key fields: "${sorted[i]}" and "${sorted[j]}" overlap; name either the object or fields inside it, not both`);
      }
    }
  }
  return problems;
}

/** What the schema cannot say about a shape: a pattern's safety, identifiers in an enum, empty ranges. */
function shapeProblems(key: string, shape: Shape): string[] {
  if (typeof shape === 'string') return [];
  if ('pattern' in shape) {
    const problem = patternProblem(shape.pattern);
    return problem === undefined ? [] : [`key ${key}.pattern: value ${describeValue(shape.pattern)}: the pattern ${problem}`];
  }
  if ('enum' in shape) {
    return shape.enum.flatMap((member, index) => {
      const problem = enumMemberProblem(member);
      // The member itself is not shown: it may be the identifier.
      return problem === undefined ? [] : [`key ${key}.enum[${index}]: the value ${problem}`];
    });
  }
  if ('integer' in shape && shape.integer.min !== undefined && shape.integer.max !== undefined && shape.integer.min > shape.integer.max) {
    return [`key ${key}.integer: min ${shape.integer.min} is above max ${shape.integer.max}; no value could match`];
  }
  return [];
}

function consistencyProblems(rule: TransferRule): string[] {
  const problems: string[] = [];
  const { region, country } = rule.destination;
  if (isKnownRegion(region) && countryOf(region) !== country) {
    problems.push(`key destination.country: value "${country}": expected "${countryOf(region)}", the country of region ${region}`);
  }
  if (rule.validFrom > rule.validUntil) {
    problems.push(`key validUntil: value "${rule.validUntil}": expected a date on or after validFrom (${rule.validFrom})`);
  }
  for (const [path, field] of Object.entries(rule.fields)) {
    if (path.split('.').includes('__proto__')) problems.push(`key fields[${JSON.stringify(path)}]: "__proto__" is not a field name`);
    if (typeof field !== 'string') problems.push(...shapeProblems(describeKey(['fields', path, 'keep']), field.keep));
  }
  return [...problems, ...overlappingPaths(Object.keys(rule.fields))];
}

/** Today's date (UTC) as `YYYY-MM-DD`: rule dates are whole UTC days. */
function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Validates a parsed rule file and checks it is in force at `now`. Throws a TransferRuleError
 * listing every problem (prefixed by `source`, usually the file name).
 */
export function loadTransferRule(json: unknown, source: string, now: Date): TransferRule {
  const parsed = transferRuleSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new TransferRuleError(source, parsed.error.issues.flatMap(describeIssue));
  const rule: TransferRule = parsed.data;
  const problems = consistencyProblems(rule);
  if (problems.length > 0) throw new TransferRuleError(source, problems);
  const today = isoDay(now);
  if (today < rule.validFrom) {
    throw new TransferRuleError(source, [`rule "${rule.id}" is not yet valid: validFrom ${rule.validFrom} is after today (${today}, UTC)`]);
  }
  if (today > rule.validUntil) {
    throw new TransferRuleError(source, [`rule "${rule.id}" has expired: validUntil ${rule.validUntil} is before today (${today}, UTC)`]);
  }
  return rule;
}

/** `loadTransferRule` for the text of a rule file. */
export function parseTransferRule(text: string, source: string, now: Date): TransferRule {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TransferRuleError(source, [`not valid JSON (${errorMessage(err)})`]);
  }
  return loadTransferRule(json, source, now);
}
