import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import type { Severity } from '../evaluation/record';

/**
 * Reads the policy-validation report CDK writes into the cloud assembly after running the
 * validation plugins (cdk-nag packs, cfn-guard, CDK's built-in template validation):
 * `validation-report.json` always (aws-cdk-lib 2.276: `cxapi.VALIDATION_REPORT_FILE`), and the
 * older `policy-validation-report.json` only with context `@aws-cdk/core:validationReportJson`.
 * Only the first carries acknowledged ("suppressed") violations with their reasons.
 *
 * cdk-nag filters findings acknowledged on the construct before CDK sees them, so those are not
 * in this report; they are in the templates' `cdk_nag.rules_to_suppress` metadata instead.
 */

export const VALIDATION_REPORT_FILE = 'validation-report.json';
export const LEGACY_VALIDATION_REPORT_FILE = 'policy-validation-report.json';

export type { Severity } from '../evaluation/record';

export interface ReportedFinding {
  readonly pluginName: string;
  readonly ruleName: string;
  readonly description: string;
  readonly fix?: string;
  readonly severity: Severity;
  readonly constructPath: string;
  /** Relative to the cloud assembly; set by CDK for template-based plugins (cfn-guard), not for cdk-nag. */
  readonly templatePath?: string;
  readonly logicalId?: string;
  /** Set for an acknowledged finding. */
  readonly acknowledgement?: { readonly id: string; readonly reason: string; readonly at?: string };
}

export interface PluginReport {
  readonly pluginName: string;
  readonly pluginVersion?: string;
  readonly findings: readonly ReportedFinding[];
}

const constructSchema = z.object({
  constructPath: z.string().optional(),
  cloudFormationResource: z.object({ templatePath: z.string(), logicalId: z.string() }).optional(),
});
const violationSchema = z.object({
  ruleName: z.string(),
  description: z.string().default(''),
  suggestedFix: z.string().optional(),
  severity: z.string().optional(),
  violatingConstructs: z.array(constructSchema).default([]),
});
const suppressedSchema = violationSchema.extend({
  acknowledgedId: z.string(),
  reason: z.string().optional(),
  acknowledgedAt: z.string().optional(),
});
const reportSchema = z.object({
  pluginReports: z.array(
    z.object({
      pluginName: z.string(),
      pluginVersion: z.string().optional(),
      violations: z.array(violationSchema).default([]),
      suppressedViolations: z.array(suppressedSchema).optional(),
    }),
  ),
});
const legacyReportSchema = z.object({
  pluginReports: z.array(
    z.object({
      version: z.string().optional(),
      summary: z.object({ pluginName: z.string() }),
      violations: z.array(
        z.object({
          ruleName: z.string(),
          description: z.string().default(''),
          fix: z.string().optional(),
          severity: z.string().optional(),
          violatingConstructs: z
            .array(z.object({ constructPath: z.string().optional(), templatePath: z.string().optional(), resourceLogicalId: z.string().optional() }))
            .default([]),
        }),
      ),
    }),
  ),
});

/** CDK reads a missing severity as an error; `fatal` is one too; a plugin's custom level is a warning. */
export function normalizeSeverity(severity: string | undefined): Severity {
  const lower = (severity ?? 'error').toLowerCase();
  if (lower === 'error' || lower === 'fatal') return 'error';
  return lower === 'info' ? 'info' : 'warning';
}

function findingsOf(pluginName: string, violation: z.infer<typeof violationSchema>, acknowledgement?: ReportedFinding['acknowledgement']): ReportedFinding[] {
  return violation.violatingConstructs.map((c) => ({
    pluginName,
    ruleName: violation.ruleName,
    description: violation.description,
    fix: violation.suggestedFix,
    severity: normalizeSeverity(violation.severity),
    constructPath: c.constructPath ?? '',
    templatePath: c.cloudFormationResource?.templatePath,
    logicalId: c.cloudFormationResource?.logicalId,
    acknowledgement,
  }));
}

/**
 * The plugin reports of a cloud assembly, or undefined when it has none (no plugin ran).
 * Throws when a report file exists but does not have the expected shape.
 */
export function readValidationReport(assemblyDir: string): PluginReport[] | undefined {
  const current = path.join(assemblyDir, VALIDATION_REPORT_FILE);
  if (fs.existsSync(current)) {
    const report = reportSchema.parse(JSON.parse(fs.readFileSync(current, 'utf8')));
    return report.pluginReports.map((plugin) => ({
      pluginName: plugin.pluginName,
      pluginVersion: plugin.pluginVersion,
      findings: [
        ...plugin.violations.flatMap((v) => findingsOf(plugin.pluginName, v)),
        ...(plugin.suppressedViolations ?? []).flatMap((v) =>
          findingsOf(plugin.pluginName, v, { id: v.acknowledgedId, reason: v.reason ?? '', at: v.acknowledgedAt }),
        ),
      ],
    }));
  }
  const legacy = path.join(assemblyDir, LEGACY_VALIDATION_REPORT_FILE);
  if (!fs.existsSync(legacy)) return undefined;
  const report = legacyReportSchema.parse(JSON.parse(fs.readFileSync(legacy, 'utf8')));
  return report.pluginReports.map((plugin) => ({
    pluginName: plugin.summary.pluginName,
    pluginVersion: plugin.version,
    findings: plugin.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        pluginName: plugin.summary.pluginName,
        ruleName: v.ruleName,
        description: v.description,
        fix: v.fix,
        severity: normalizeSeverity(v.severity),
        constructPath: c.constructPath ?? '',
        templatePath: c.templatePath === 'N/A' ? undefined : c.templatePath,
        logicalId: c.resourceLogicalId === 'N/A' ? undefined : c.resourceLogicalId,
      })),
    ),
  }));
}
