import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, version as esbuildVersion } from 'esbuild';

/** How a function's TypeScript entry is bundled. */
export interface EsbuildCodeOptions {
  /** esbuild target matching the runtime, e.g. `node22`. */
  readonly target: string;
  /** The runtime the bundle runs on (its SAM build image is what CDK would bundle in with Docker). */
  readonly runtime: lambda.Runtime;
  /**
   * Modules left to the runtime instead of bundled.
   * @default ['@aws-sdk/*'] - the SDK v3 the Node.js runtimes ship
   */
  readonly externalModules?: string[];
  /**
   * More entries bundled into the same asset, by output name without `.js` (e.g. a worker thread's
   * entry `{ 'gateway-worker': '.../gateway-worker.ts' }` → `gateway-worker.js` next to `index.js`,
   * found at runtime through `__dirname`). Each is bundled whole, on its own.
   * @default none - the asset holds `index.js` only
   */
  readonly extraEntries?: Readonly<Record<string, string>>;
}

/**
 * Bundles in this process through esbuild's API. `NodejsFunction` runs the same esbuild, but as
 * `npx --no-install esbuild` in a shell per function: about 0.4 s of npm start-up each, measured,
 * for 50 ms of bundling (`npm run bench:synth`). The options are the ones `NodejsFunction` would pass
 * for `minify: true, sourceMap: true, sourcesContent: false`, CommonJS, `index.js`.
 */
class InProcessEsbuild implements ILocalBundling {
  constructor(
    private readonly entry: string,
    private readonly options: Required<Pick<EsbuildCodeOptions, 'target' | 'externalModules' | 'extraEntries'>>,
  ) {}

  public tryBundle(outputDir: string): boolean {
    const result = buildSync({
      entryPoints: { index: this.entry, ...this.options.extraEntries },
      outdir: outputDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: this.options.target,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: this.options.externalModules,
      logLevel: 'silent',
    });
    const warnings = result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
    if (warnings.length > 0) throw new Error(`bundling ${[this.entry, ...Object.values(this.options.extraEntries)].join(', ')} gave warnings (fix them, a bundle must be clean):\n${warnings.join('\n')}`);
    return true;
  }
}

const PROJECT_ROOT = path.join(__dirname, '..', '..');
/** What a function bundle can read: the data-plane code, the judgements it shares with the packs, the locked dependencies. */
const BUNDLE_INPUTS = ['lambda', 'lib', 'package-lock.json'];

let inputsDigest: string | undefined;
/** One digest of every bundle input (paths and contents), computed once per process. */
function bundleInputsDigest(): string {
  if (inputsDigest !== undefined) return inputsDigest;
  const hash = createHash('sha256');
  for (const input of BUNDLE_INPUTS) {
    const full = path.join(PROJECT_ROOT, input);
    const files = fs.statSync(full).isDirectory()
      ? (fs.readdirSync(full, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts') || f.endsWith('.json')).sort().map((f) => path.join(input, f))
      : [input];
    for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(path.join(PROJECT_ROOT, file))).update('\0');
  }
  inputsDigest = hash.digest('hex');
  return inputsDigest;
}

/**
 * Lambda code from a TypeScript entry, bundled by esbuild at synth (no Docker).
 *
 * The asset's hash is computed from what the bundle is made of, before bundling: the entry, the
 * esbuild version and options, and every file under `lambda/` and `lib/` (this file, with the build
 * options, among them) with the locked dependencies (`package-lock.json`): a change to any of them
 * is a new asset. So a synth into a
 * cloud assembly that already holds this asset (`cdk synth` again, `cdk diff`, `cdk deploy`) reuses
 * it, as CDK does for every asset whose hash is known before bundling, instead of bundling again.
 * When the stack is not bundled (`aws:cdk:bundling-stacks`), CDK stages the entry's folder unbundled.
 */
export function esbuildCode(entry: string, options: EsbuildCodeOptions): lambda.Code {
  const extraEntries = options.extraEntries ?? {};
  for (const name of Object.keys(extraEntries)) {
    if (name === 'index' || !/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`esbuildCode: extra entry name "${name}" must be letters, digits, _ or - and not "index" (the handler's)`);
  }
  const settings = { target: options.target, externalModules: options.externalModules ?? ['@aws-sdk/*'] };
  const bundler = new InProcessEsbuild(entry, { ...settings, extraEntries });
  const extras = Object.fromEntries(Object.entries(extraEntries).map(([name, file]) => [name, path.relative(PROJECT_ROOT, file)]));
  const assetHash = createHash('sha256')
    .update(JSON.stringify({ entry: path.relative(PROJECT_ROOT, entry), ...(Object.keys(extras).length === 0 ? {} : { extras }), esbuild: esbuildVersion, settings, inputs: bundleInputsDigest() }))
    .digest('hex');
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.CUSTOM,
    assetHash,
    bundling: {
      image: options.runtime.bundlingImage,
      local: bundler,
    },
  });
}
