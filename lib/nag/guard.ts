import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type App, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Worker } from 'worker_threads';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ThreadedCloudFormationValidate } from './cloudformation-validation';

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

const RESOURCE_TYPE_NAME = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
/** A resource type as the rule's code writes it: in quotes. */
const QUOTED_RESOURCE_TYPE = /['"](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)['"]/g;

/**
 * The resource types a rule file's header says the control reports on: the line after `# Reports on:`,
 * comma-separated (`AWS::IAM::Policy, AWS::IAM::Role, AWS::IAM::User, AWS::IAM::Group`), each spelled
 * as the rule's code spells it (two headers write `AWS::AutoScaling::AutoscalingGroup` for the
 * `AWS::AutoScaling::AutoScalingGroup` their code selects). Empty when the file has no such header.
 */
export function reportedTypes(text: string, inCode: ReadonlySet<string> = typesInCode(text)): string[] {
  const line = /^# Reports on:[ \t]*\r?\n#[ \t]*(.*)$/m.exec(text)?.[1] ?? '';
  const spelled = new Map([...inCode].map((type) => [type.toLowerCase(), type]));
  return line
    .split(',')
    .map((type) => type.trim())
    .filter((type) => RESOURCE_TYPE_NAME.test(type))
    .map((type) => spelled.get(type.toLowerCase()) ?? type);
}

/** The resource types a rule file's code selects (written in quotes). */
function typesInCode(text: string): Set<string> {
  return new Set([...text.matchAll(QUOTED_RESOURCE_TYPE)].map((m) => m[1] as string));
}

function parseRuleFile(text: string): ControlTowerRule[] {
  const ruleName = /^rule (\S+) when is_cfn_template/m.exec(text)?.[1];
  const message = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]:\s*(.+)/.exec(text);
  if (ruleName === undefined || message === null) return [];
  return [
    {
      controlId: message[1],
      ruleName,
      title: message[2].trim(),
      reportsOn: reportedTypes(text),
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

/** A resource's `Metadata` (CDK's construct path, asset data) named as a key in a rule file: `Metadata` as a word. */
const METADATA_KEY = /\bMetadata\b/;

/**
 * What a rule file says it reads: the resource types its header says it reports on (empty: no such
 * header), the types it names anywhere (empty: none), and whether it names `Metadata`.
 */
interface RuleFacts {
  readonly reports: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  readonly namesMetadata: boolean;
}

function ruleFacts(file: string): RuleFacts {
  const text = fs.readFileSync(file, 'utf8');
  const inCode = typesInCode(text);
  const reported = reportedTypes(text, inCode);
  // A header naming a type the code never selects is not trusted: the file is judged by what it names.
  const reports = reported.every((type) => inCode.has(type)) ? new Set(reported) : new Set<string>();
  return { reports, types: new Set(text.match(RESOURCE_TYPE) ?? []), namesMetadata: METADATA_KEY.test(text) };
}

/**
 * Whether a rule file can find anything among the resource types present: one it reports on is there
 * (a control reports only on the resources it evaluates; the other types it names are ones it looks up,
 * such as the bucket a distribution reads from), or, for a file without that header, one it names is
 * there or it names none.
 */
function canApply(facts: RuleFacts, present: ReadonlySet<string>): boolean {
  const types = facts.reports.size > 0 ? facts.reports : facts.types;
  return types.size === 0 || [...types].some((type) => present.has(type));
}

type Template = { Resources?: Record<string, { Type?: unknown; Metadata?: unknown }> };

/** The templates cfn-guard is asked to read, parsed. */
function readTemplates(templatePaths: readonly string[]): Template[] {
  return templatePaths.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Template);
}

/**
 * The rule files the validator runs over templates holding the resource types `present`: the Control
 * Tower controls, then `extraRules`, each kept when it can apply (`canApply`).
 */
export function applicableRuleFiles(present: ReadonlySet<string>, extraRules: readonly string[] = []): string[] {
  return filesThatApply(ruleFilesWithFacts(extraRules), present);
}

/** Every rule file the validator may run (the Control Tower controls, then `extraRules`), with what it reads. */
function ruleFilesWithFacts(extraRules: readonly string[]): Map<string, RuleFacts> {
  return new Map([CONTROL_TOWER_RULES_DIR, ...extraRules].flatMap(guardFiles).map((file) => [file, ruleFacts(file)]));
}

function filesThatApply(rules: ReadonlyMap<string, RuleFacts>, present: ReadonlySet<string>): string[] {
  return [...rules].filter(([, facts]) => canApply(facts, present)).map(([file]) => file);
}

/** Every bundled Control Tower rule file. */
export function controlTowerRuleFiles(): string[] {
  return guardFiles(CONTROL_TOWER_RULES_DIR);
}

function templateTypes(templates: readonly Template[]): Set<string> {
  const types = new Set<string>();
  for (const template of templates) for (const resource of Object.values(template.Resources ?? {})) if (typeof resource.Type === 'string') types.add(resource.Type);
  return types;
}

/**
 * The templates without each resource's `Metadata` (no Control Tower control reads it; it is a third
 * of a template's bytes, and cfn-guard's time grows with them), written under `dir`, one folder each
 * with the file name kept, so CDK finds a finding's construct by the template's name and logical id.
 * Returns copy → original.
 */
function withoutMetadata(templatePaths: readonly string[], templates: readonly Template[], dir: string): Map<string, string> {
  const copies = new Map<string, string>();
  for (const [i, original] of templatePaths.entries()) {
    const template = templates[i] as Template;
    for (const resource of Object.values(template.Resources ?? {})) delete resource.Metadata;
    const copy = path.join(dir, String(i), path.basename(original));
    fs.mkdirSync(path.dirname(copy));
    fs.writeFileSync(copy, JSON.stringify(template));
    copies.set(copy, original);
  }
  return copies;
}

/** How many times this process ran cfn-guard (one run reads every template and every rule file). */
let guardRuns = 0;
export function guardRunCount(): number {
  return guardRuns;
}
/** How many of those runs were started early, beside the packs (`earlyValidations`). */
let earlyGuardRuns = 0;
export function earlyGuardRunCount(): number {
  return earlyGuardRuns;
}

/** The worker that runs cfn-guard (through the plugin, so its parsing is the plugin's own) off the main thread. */
const GUARD_WORKER = `
const { workerData } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
const done = new Int32Array(workerData.done);
let result;
try {
  const { CfnGuardValidator } = require(workerData.plugin);
  const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: workerData.rules }).validate({ templatePaths: workerData.templatePaths });
  result = { report };
} catch (err) {
  result = { error: String((err && err.stack) || err) };
}
try { writeFileSync(workerData.out, JSON.stringify(result)); } finally { Atomics.store(done, 0, 1); Atomics.notify(done, 0); }
`;

/** How long the plugin waits for a cfn-guard run it started before it gives up (a hung binary fails synth, it never passes). */
const GUARD_TIMEOUT_MS = 10 * 60_000;

/** A cfn-guard run started ahead of the plugin's turn, on a worker thread. */
interface StartedRun {
  readonly key: string;
  readonly done: Int32Array;
  readonly out: string;
  readonly dir: string;
  /** The template cfn-guard read → the assembly's template it stands for. */
  readonly originals: ReadonlyMap<string, string>;
}

/**
 * cfn-guard as the plugin runs it, once per validation (CDK calls a plugin once per assembly with
 * every template), but only with the rule files that can apply (`canApply`): a Control Tower control
 * that reports on no resource type of any template is not applicable to any resource, and cfn-guard's
 * cost grows with rules × resources (each rule file reads the whole template: ~40 ms a file on the
 * home template). Judged by the types a control reports on, not every type its file names, the
 * default profile runs 31 of the 237 files, not 56. A rule file of our own without the header is
 * run when a type it names is present or it names none. Nothing is disabled: a control applicable
 * to any resource of any template is evaluated on all of them.
 *
 * The run can be started early (`start`, by the plugin registered before the packs:
 * `earlyValidations`), so that cfn-guard works on another core while the packs work on this one;
 * `validate` then waits for that run.
 * Either way it is the same single cfn-guard process over the same templates and rules.
 */
class ResidencyGuardValidator implements IPolicyValidationPlugin {
  readonly name = GUARD_PLUGIN_NAME;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly rules: ReadonlyMap<string, RuleFacts>;
  private started: StartedRun | undefined;

  constructor(rulePaths: readonly string[]) {
    const all = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: [], rules: [...rulePaths] });
    this.version = all.version;
    this.ruleIds = all.ruleIds;
    this.rules = ruleFilesWithFacts(rulePaths);
  }

  private applicableRules(templates: readonly Template[]): string[] {
    return filesThatApply(this.rules, templateTypes(templates));
  }

  /** Starts the run over these templates on a worker thread; `validate` with the same templates collects it. */
  start(templatePaths: readonly string[]): void {
    const templates = readTemplates(templatePaths);
    const rules = this.applicableRules(templates);
    if (rules.length === 0 || templatePaths.length === 0) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'residency-guard-'));
    const done = new Int32Array(new SharedArrayBuffer(4));
    const out = path.join(dir, 'result.json');
    // Copies without Metadata unless a rule file names it (then cfn-guard reads the assembly's own).
    const copies = rules.some((file) => this.rules.get(file)?.namesMetadata) ? new Map<string, string>() : withoutMetadata(templatePaths, templates, dir);
    const worker = new Worker(GUARD_WORKER, {
      eval: true,
      workerData: { plugin: require.resolve('@cdklabs/cdk-validator-cfnguard'), rules, templatePaths: copies.size > 0 ? [...copies.keys()] : [...templatePaths], out, done: done.buffer },
    });
    // The worker ends by itself; it must not keep a finished synth alive.
    worker.unref();
    guardRuns += 1;
    earlyGuardRuns += 1;
    this.started = { key: JSON.stringify([...templatePaths]), done, out, dir, originals: copies };
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const started = this.started;
    this.started = undefined;
    if (started !== undefined && started.key === JSON.stringify(context.templatePaths)) return this.collect(started);
    if (started !== undefined) fs.rmSync(started.dir, { recursive: true, force: true });
    const applicable = this.applicableRules(readTemplates(context.templatePaths));
    if (applicable.length === 0 || context.templatePaths.length === 0) return { success: true, violations: [] };
    guardRuns += 1;
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: applicable }).validate(context);
  }

  /** Waits for the started run (the main thread is busy synthesizing anyway) and returns its report, or throws its error. */
  private collect(run: StartedRun): PolicyValidationPluginReport {
    try {
      if (Atomics.wait(run.done, 0, 0, GUARD_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`cfn-guard did not finish within ${GUARD_TIMEOUT_MS / 60_000} minutes`);
      }
      const result = JSON.parse(fs.readFileSync(run.out, 'utf8')) as { report?: PolicyValidationPluginReport; error?: string };
      if (result.report === undefined) throw new Error(`cfn-guard failed: ${result.error ?? 'no report'}`);
      // Findings name the assembly's templates, as a run on them would.
      for (const violation of result.report.violations) {
        for (const resource of violation.violatingResources) {
          const original = resource.templatePath === undefined ? undefined : run.originals.get(resource.templatePath);
          if (original !== undefined) (resource as { templatePath: string }).templatePath = original;
        }
      }
      return result.report;
    } finally {
      fs.rmSync(run.dir, { recursive: true, force: true });
    }
  }
}

/**
 * The first plugin CDK runs: it starts cfn-guard and CDK's CloudFormation validation on worker threads
 * and reports nothing itself (a report with no violation is left out of CDK's validation report), so
 * both work on the other core while the packs work on this one.
 */
class StartValidations implements IPolicyValidationPlugin {
  readonly name = 'residency-start-validations';

  constructor(
    private readonly guard: ResidencyGuardValidator,
    private readonly cloudFormation: ThreadedCloudFormationValidate,
  ) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.guard.start(context.templatePaths);
    this.cloudFormation.start(context);
    return { success: true, violations: [] };
  }
}

/** One per process, as CDK keeps its own built-in one (`CloudFormationValidatePlugin._singletonInstance`). */
let sharedValidation: ThreadedCloudFormationValidate | undefined;

/** The plugins that run cfn-guard and CDK's CloudFormation validation beside the packs: `first` registered before them, `last` after. */
export interface EarlyValidations {
  readonly first: IPolicyValidationPlugin;
  /** CDK's CloudFormation validation (the same plugin class, so CDK adds no built-in one of its own). */
  readonly last: IPolicyValidationPlugin;
}

/**
 * cfn-guard and CDK's CloudFormation validation (what `App` adds by itself when
 * `builtinCloudFormationValidation` is on) started together, ahead of the packs, on worker threads:
 * register `first` before the packs and `last` after them and the guard. Measured on the default
 * profile: the CloudFormation validation was ~2.9 s of the synth's main thread before it ran here.
 * Undefined when the app has the built-in validation off (the `App` prop, or `CDK_VALIDATION=false`):
 * then nothing is added and cfn-guard runs in its turn.
 */
export function earlyValidations(app: App, guard: IPolicyValidationPlugin): EarlyValidations | undefined {
  if (!app._builtinCloudFormationValidation || process.env.CDK_VALIDATION === 'false') return undefined;
  if (!(guard instanceof ResidencyGuardValidator)) return undefined;
  sharedValidation ??= new ThreadedCloudFormationValidate();
  return { first: new StartValidations(guard, sharedValidation), last: sharedValidation };
}

/** The cfn-guard validator of this app: every Control Tower control on, none disabled. */
export function residencyGuardValidator(options: ResidencyGuardOptions = {}): IPolicyValidationPlugin {
  ensureGuardExecutable();
  return new ResidencyGuardValidator(options.extraRules ?? []);
}
