import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What an evidence report judges: the commit and profile the assembly was synthesized from (recorded
 * at synth, since a later `residency report` may run on another checkout), the versions of the
 * check libraries, and the SHA-256 of every template file read.
 */

export const PROVENANCE_FILE = 'provenance.json';

export interface Commit {
  readonly sha: string;
  /** Uncommitted changes (untracked files included, ignored ones not) in the work tree at synth. */
  readonly dirty: boolean;
}

export interface SynthProvenance {
  readonly synthesizedAt: string;
  /** Absent outside a git work tree (or without git). */
  readonly commit?: Commit;
  /** The `residency:profile` the app was synthesized with. */
  readonly profile?: string;
  /** Versions of the check libraries installed at synth, by package name. */
  readonly tools: Readonly<Record<string, string>>;
}

export interface TemplateHash {
  readonly file: string;
  readonly sha256: string;
}

/** The packages whose checks the report shows, and which packs each one runs. */
export const CHECK_LIBRARIES = {
  'cdk-nag': ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'],
  '@cdklabs/cdk-validator-cfnguard': ['cdk-validator-cfnguard'],
} as const satisfies Record<string, readonly string[]>;

/** The installed version of a package, read from its package.json; undefined when not installed. */
export function installedVersion(packageName: string, from = __dirname): string | undefined {
  try {
    const file = require.resolve(`${packageName}/package.json`, { paths: [from] });
    const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** `git rev-parse HEAD` and whether the tree has changes, in `cwd`; undefined outside git. */
export function currentCommit(cwd: string): Commit | undefined {
  const git = (args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 10_000 });
  const head = git(['rev-parse', '--verify', 'HEAD']);
  if (head.status !== 0 || !/^[0-9a-f]{40,64}$/.test(head.stdout.trim())) return undefined;
  const status = git(['status', '--porcelain']);
  return { sha: head.stdout.trim(), dirty: status.status !== 0 || status.stdout.trim().length > 0 };
}

/** Records the commit, profile and check-library versions into the assembly, at synth. */
export function recordProvenance(assemblyDir: string, options: { readonly profile?: string; readonly cwd?: string; readonly now?: Date } = {}): SynthProvenance {
  const commit = currentCommit(options.cwd ?? process.cwd());
  const tools = Object.fromEntries(
    Object.keys(CHECK_LIBRARIES).flatMap((name) => {
      const version = installedVersion(name);
      return version === undefined ? [] : [[name, version]];
    }),
  );
  const provenance: SynthProvenance = {
    synthesizedAt: (options.now ?? new Date()).toISOString(),
    ...(commit ? { commit } : {}),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    tools,
  };
  fs.writeFileSync(path.join(assemblyDir, PROVENANCE_FILE), `${JSON.stringify(provenance, undefined, 2)}\n`);
  return provenance;
}

/** The provenance recorded at synth; undefined when the assembly has none; an error names a broken file. */
export function readProvenance(assemblyDir: string): SynthProvenance | undefined {
  const file = path.join(assemblyDir, PROVENANCE_FILE);
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const p = parsed as Partial<SynthProvenance> | null;
  if (p === null || typeof p !== 'object' || typeof p.synthesizedAt !== 'string' || typeof p.tools !== 'object' || p.tools === null) {
    throw new Error(`${file}: expected {"synthesizedAt": string, "tools": object, ...}`);
  }
  if (p.commit !== undefined && (typeof p.commit.sha !== 'string' || typeof p.commit.dirty !== 'boolean')) {
    throw new Error(`${file}: "commit" must be {"sha": string, "dirty": boolean}`);
  }
  return p as SynthProvenance;
}

/** SHA-256 of each template file, in the order given. */
export function templateHashes(assemblyDir: string, templateFiles: readonly string[]): TemplateHash[] {
  return templateFiles.map((file) => ({ file, sha256: createHash('sha256').update(fs.readFileSync(path.join(assemblyDir, file))).digest('hex') }));
}

/** The version of the library that runs `pack`, when it is one of ours to look up. */
export function libraryVersionOf(pack: string, tools: Readonly<Record<string, string>>): string | undefined {
  const library = Object.entries(CHECK_LIBRARIES).find(([, packs]) => (packs as readonly string[]).includes(pack))?.[0];
  return library === undefined ? undefined : tools[library];
}
