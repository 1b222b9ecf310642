import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/**
 * cfn-guard with the AWS Control Tower proactive controls, as this app registers it, and the
 * catalogue of those controls (CT id, guard rule name, resource types) that acknowledgements and
 * the evidence report need.
 *
 * Conflicts with our design are acknowledged per construct (see `guardRuleId`), never by
 * disabling a control for the whole app, so every other resource is still checked by it.
 */

/** The plugin's name; CDK namespaces guard rule ids with it (`cdk-validator-cfnguard::<rule>`). */
export const GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const CONTROL_TOWER_RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

export interface ControlTowerRule {
  /** The Control Tower id auditors know, e.g. `CT.CLOUDWATCH.PR.2`. */
  readonly controlId: string;
  /** The guard rule name the plugin reports, e.g. `cloudwatch_log_group_retention_period_check`. */
  readonly ruleName: string;
  readonly title: string;
  /** CloudFormation types the control evaluates. */
  readonly reportsOn: readonly string[];
}

let catalogue: readonly ControlTowerRule[] | undefined;

/** Every bundled Control Tower control, read from the rule files' headers and messages. */
export function controlTowerRules(): readonly ControlTowerRule[] {
  catalogue ??= fs
    .readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .sort()
    .flatMap((file) => parseRuleFile(fs.readFileSync(path.join(CONTROL_TOWER_RULES_DIR, file), 'utf8')));
  return catalogue;
}

function parseRuleFile(text: string): ControlTowerRule[] {
  const ruleName = /^rule (\S+) when is_cfn_template/m.exec(text)?.[1];
  const message = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]:\s*(.+)/.exec(text);
  const reportsOn = /^# Reports on:\n((?:#\s{2,}\S.*\n)+)/m.exec(text)?.[1];
  if (ruleName === undefined || message === null) return [];
  return [
    {
      controlId: message[1],
      ruleName,
      title: message[2].trim(),
      reportsOn: (reportsOn ?? '').split('\n').map((line) => line.replace(/^#\s*/, '').trim()).filter((type) => type.includes('::')),
    },
  ];
}

/**
 * The id to acknowledge a Control Tower control with, from its CT id:
 * `Validations.of(construct).acknowledge({ id: guardRuleId('CT.CLOUDWATCH.PR.2'), reason })`,
 * or `ruleId: guardRuleId(...)` in the acknowledgement register. CDK core matches it against the
 * guard findings of that construct and below; cfn-guard itself has no per-resource suppression
 * that the Control Tower rules honour.
 */
export function guardRuleId(controlId: string): string {
  const rule = controlTowerRules().find((r) => r.controlId === controlId);
  if (rule === undefined) {
    throw new Error(`unknown Control Tower control "${controlId}"; expected an id such as CT.CLOUDWATCH.PR.2`);
  }
  return `${GUARD_PLUGIN_NAME}::${rule.ruleName}`;
}

/** Where the plugin runs cfn-guard from on this machine (the plugin's own platform mapping). */
export function guardBinaryPath(): string {
  const platform = os.platform() === 'darwin' ? 'macos' : 'ubuntu';
  const architecture = os.arch() === 'arm64' ? 'aarch64' : 'x86_64';
  return path.join(PACKAGE_DIR, 'bin', platform, architecture, 'cfn-guard');
}

/**
 * Makes sure the bundled cfn-guard binary can run. npm keeps the executable bit from the package
 * tarball today, but an install through a tool that drops file modes (some caches, zip artifacts)
 * would otherwise fail at synth with a bare EACCES from the plugin.
 */
export function ensureGuardExecutable(binary = guardBinaryPath()): void {
  try {
    fs.accessSync(binary, fs.constants.X_OK);
    return;
  } catch {
    // not executable (or missing): try to fix below
  }
  try {
    fs.chmodSync(binary, 0o755);
    fs.accessSync(binary, fs.constants.X_OK);
  } catch (err) {
    throw new Error(
      `cfn-guard at ${binary} cannot be executed (${err instanceof Error ? err.message : String(err)}); reinstall @cdklabs/cdk-validator-cfnguard or run: chmod +x ${binary}`,
      { cause: err },
    );
  }
}

export interface ResidencyGuardOptions {
  /**
   * Extra guard rule files or folders of our own.
   * @default - none: the Control Tower controls only
   */
  readonly extraRules?: string[];
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Every `.guard` file under `rulesPath` (a file or a folder), sorted. */
function guardFiles(rulesPath: string): string[] {
  if (!fs.statSync(rulesPath).isDirectory()) return [rulesPath];
  return fs
    .readdirSync(rulesPath, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .sort()
    .map((file) => path.join(rulesPath, file));
}

/** The resource types a rule file names (in its header and its selectors); empty: it names none. */
function typesNamedBy(file: string): Set<string> {
  return new Set(fs.readFileSync(file, 'utf8').match(RESOURCE_TYPE) ?? []);
}

/** Resource types of the templates cfn-guard is asked to read. */
function templateTypes(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const file of templatePaths) {
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type?: unknown }> };
    for (const resource of Object.values(template.Resources ?? {})) if (typeof resource.Type === 'string') types.add(resource.Type);
  }
  return types;
}

/** How many times this process ran cfn-guard (one run reads every template and every rule file). */
let guardRuns = 0;
export function guardRunCount(): number {
  return guardRuns;
}

/**
 * cfn-guard as the plugin runs it, once per validation (CDK calls a plugin once per assembly with
 * every template), but only with the rule files that can apply: a Control Tower control whose
 * resource types are in no template is not applicable to any resource, and cfn-guard's cost grows
 * with rules × resources. A rule file that names no resource type is always run. Nothing is
 * disabled: a control applicable to any resource of any template is evaluated on all of them.
 */
class ResidencyGuardValidator implements IPolicyValidationPlugin {
  readonly name = GUARD_PLUGIN_NAME;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly ruleTypes: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(rulePaths: readonly string[]) {
    const all = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: [], rules: [...rulePaths] });
    this.version = all.version;
    this.ruleIds = all.ruleIds;
    this.ruleTypes = new Map([CONTROL_TOWER_RULES_DIR, ...rulePaths].flatMap(guardFiles).map((file) => [file, typesNamedBy(file)]));
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const present = templateTypes(context.templatePaths);
    const applicable = [...this.ruleTypes].filter(([, types]) => types.size === 0 || [...types].some((t) => present.has(t))).map(([file]) => file);
    if (applicable.length === 0 || context.templatePaths.length === 0) return { success: true, violations: [] };
    guardRuns += 1;
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: applicable }).validate(context);
  }
}

/** The cfn-guard validator of this app: every Control Tower control on, none disabled. */
export function residencyGuardValidator(options: ResidencyGuardOptions = {}): IPolicyValidationPlugin {
  ensureGuardExecutable();
  return new ResidencyGuardValidator(options.extraRules ?? []);
}
