import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';

/**
 * The one evaluation of an app: every rule's outcome on every resource, recorded once during synth
 * on the live construct tree (cdk-nag packs) and from the validation report (cfn-guard and any
 * other plugin), written into the cloud assembly as `residency-evaluation.json`. The evidence
 * files (HTML, SARIF, control matrix) and `residency report` only read it.
 */

export const EVALUATION_FILE = 'residency-evaluation.json';
export const EVALUATION_FORMAT = 1;

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule said about one resource it applies to. Not-applicable results are counted per rule. */
export const OUTCOME_STATUSES = ['pass', 'fail', 'acknowledged'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

const acknowledgementSchema = z.object({
  /** The id the acknowledgement names (`AwsSolutions-IAM5[Action::s3:*]`, `cdk-validator-cfnguard::<rule>`). */
  id: z.string(),
  reason: z.string(),
  /** Construct path the acknowledgement was made on (the finding's construct or an ancestor). */
  at: z.string(),
  owner: z.string().optional(),
  reviewBy: z.string().optional(),
});

const outcomeSchema = z.object({
  pack: z.string(),
  /** The rule, without a finding suffix (for cfn-guard: the Control Tower id). */
  ruleId: z.string(),
  /** The id an acknowledgement names. */
  findingId: z.string(),
  status: z.enum(OUTCOME_STATUSES),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  constructPath: z.string(),
  stackPath: z.string().optional(),
  templateFile: z.string().optional(),
  logicalId: z.string().optional(),
  /** The rule threw on this resource: it could not evaluate it (recorded as a failure). */
  ruleError: z.string().optional(),
  acknowledgement: acknowledgementSchema.optional(),
});

const ruleSchema = z.object({
  pack: z.string(),
  ruleId: z.string(),
  info: z.string(),
  explanation: z.string().optional(),
  level: z.enum(SEVERITIES),
  /** Resources the rule looked at and found not applicable. */
  notApplicable: z.number().int().nonnegative(),
});

const policySchema = z.object({
  homeRegion: z.string().optional(),
  allowedRegions: z.array(z.string()),
  maxLogRetentionDays: z.number(),
});

const packSchema = z.object({
  name: z.string(),
  version: z.string().optional(),
  /** Whether passes are recorded (every NagPack; cfn-guard from its controls' resource types). */
  passesKnown: z.boolean(),
  /** For CrossBorder: the residency policy it checked against. */
  policy: policySchema.optional(),
});

const recordSchema = z.object({
  format: z.literal(EVALUATION_FORMAT),
  /** The configuration profile the app was synthesized with (`residency:profile`). */
  profile: z.string().optional(),
  generatedAt: z.string(),
  packs: z.array(packSchema),
  rules: z.array(ruleSchema),
  outcomes: z.array(outcomeSchema),
  /** What the evaluation could not see, for the report to say so. */
  gaps: z.array(z.string()),
});

export type RecordedAcknowledgement = z.infer<typeof acknowledgementSchema>;
export type RecordedOutcome = z.infer<typeof outcomeSchema>;
export type RecordedRule = z.infer<typeof ruleSchema>;
export type RecordedPack = z.infer<typeof packSchema>;
export type EvaluationRecord = z.infer<typeof recordSchema>;

/** Where the record of the assembly in `assemblyDir` lives. */
export function evaluationFile(assemblyDir: string): string {
  return path.join(assemblyDir, EVALUATION_FILE);
}

/**
 * The evaluation record of the cloud assembly in `assemblyDir`. Throws, naming the file, when there
 * is none (the app was not synthesized with the evidence writer) or it does not have this shape.
 */
export function readEvaluation(assemblyDir: string): EvaluationRecord {
  const file = evaluationFile(assemblyDir);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found: synthesize the app with synthWithEvidence (bin/app.ts does) to record its evaluation`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes the record into the assembly (validated first, so a reader never meets a bad one). */
export function writeEvaluation(assemblyDir: string, record: EvaluationRecord): string {
  const file = evaluationFile(assemblyDir);
  fs.writeFileSync(file, `${JSON.stringify(recordSchema.parse(record), undefined, 1)}\n`);
  return file;
}

/** Unacknowledged error findings: a synth with any of them must fail. */
export function unacknowledgedErrors(record: EvaluationRecord): RecordedOutcome[] {
  return record.outcomes.filter((o) => o.status === 'fail' && o.severity === 'error');
}
