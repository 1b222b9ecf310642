import * as path from 'path';
import { AssetHashType, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

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
    private readonly options: Required<Pick<EsbuildCodeOptions, 'target' | 'externalModules'>>,
  ) {}

  public tryBundle(outputDir: string): boolean {
    const result = buildSync({
      entryPoints: [this.entry],
      outfile: path.join(outputDir, 'index.js'),
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
    if (warnings.length > 0) throw new Error(`bundling ${this.entry} gave warnings (fix them, a bundle must be clean):\n${warnings.join('\n')}`);
    return true;
  }
}

/**
 * Lambda code from a TypeScript entry, bundled by esbuild at synth (no Docker). The asset's hash is
 * the bundle's own (`AssetHashType.OUTPUT`): a change anywhere in what the entry imports changes it.
 * When the stack is not bundled (`aws:cdk:bundling-stacks`), CDK stages the entry's folder unbundled.
 */
export function esbuildCode(entry: string, options: EsbuildCodeOptions): lambda.Code {
  const bundler = new InProcessEsbuild(entry, { target: options.target, externalModules: options.externalModules ?? ['@aws-sdk/*'] });
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: options.runtime.bundlingImage,
      local: bundler,
    },
  });
}
