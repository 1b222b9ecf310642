import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { esbuildCode } from '../../lib/constructs/esbuild-code';

/**
 * Code bundled in-process by esbuild: a real bundle (CommonJS, the SDK left external, a source map),
 * bundled once per cloud assembly (a second synth into the same folder reuses the asset), and not
 * at all when the stack is not bundled. Bundles for real: without the suites' no-bundling context.
 */
const ENTRY = join(__dirname, '..', '..', 'lambda', 'default-security-group', 'handler.ts');
const dirs: string[] = [];
let savedContext: string | undefined;

beforeAll(() => {
  savedContext = process.env.CDK_CONTEXT_JSON;
  delete process.env.CDK_CONTEXT_JSON;
});
afterAll(() => {
  if (savedContext !== undefined) process.env.CDK_CONTEXT_JSON = savedContext;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes one function into `outdir`; returns the assets CDK said it bundled and the template. */
function synth(outdir: string, context: Record<string, unknown> = {}): { bundled: string[]; template: Template } {
  const bundled: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const line = String(chunk);
    if (line.startsWith('Bundling asset')) bundled.push(line.trim());
    return true;
  });
  try {
    // CDK stages (and bundles) an asset when the code is bound to its function, at construction.
    const app = new App({ outdir, context, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'ap-southeast-1' } });
    new lambda.Function(stack, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: esbuildCode(ENTRY, { target: 'node22', runtime: lambda.Runtime.NODEJS_22_X }) });
    app.synth();
    return { bundled, template: Template.fromStack(stack) };
  } finally {
    spy.mockRestore();
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'esbuild-code-'));
  dirs.push(dir);
  return dir;
}

test('bundles the entry into a CommonJS index.js that exports the handler, with the SDK external and a source map', () => {
  const outdir = tempDir();
  const { bundled } = synth(outdir);
  expect(bundled).toEqual(['Bundling asset S/F/Code/Stage...']);
  const [asset] = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  expect(readdirSync(join(outdir, asset as string)).sort()).toEqual(['index.js', 'index.js.map']);
  const code = readFileSync(join(outdir, asset as string, 'index.js'), 'utf8');
  const required: string[] = [];
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)(
    (name: string) => {
      required.push(name);
      if (name.startsWith('@aws-sdk/')) return new Proxy({}, { get: () => class {} });
      return jest.requireActual(name);
    },
    module,
    module.exports,
  );
  expect(typeof module.exports.handler).toBe('function');
  expect(required).toContain('@aws-sdk/client-ec2');
  expect(JSON.parse(readFileSync(join(outdir, asset as string, 'index.js.map'), 'utf8'))).toMatchObject({ version: 3 });
});

test('a second synth into the same cloud assembly reuses the bundle; the asset hash does not change', () => {
  const outdir = tempDir();
  const first = synth(outdir);
  const second = synth(outdir);
  expect(first.bundled).toHaveLength(1);
  expect(second.bundled).toEqual([]);
  const codeOf = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0]?.Properties.Code;
  expect(codeOf(second.template)).toEqual(codeOf(first.template));
});

test('a stack that is not bundled (aws:cdk:bundling-stacks) is not bundled', () => {
  const { bundled } = synth(tempDir(), { 'aws:cdk:bundling-stacks': [] });
  expect(bundled).toEqual([]);
});
