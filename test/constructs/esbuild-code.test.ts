import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Worker } from 'node:worker_threads';
import { esbuildCode } from '../../lib/constructs/esbuild-code';
import { compileTransferRule } from '../../lambda/core/desensitize';
import { Inventory } from '../../lambda/core/scan';
import { tokenKeyFromBytes } from '../../lambda/core/tokens';
import { loadTransferRule } from '../../lambda/core/transfer-rule';
import { ruleBatchRunner, ruleBatchTask, type RuleBatchOutcome } from '../../lambda/gateway/rule-batch';
import type { BatchReply } from '../../lambda/shared/batch-pool';

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
function synth(outdir: string, context: Record<string, unknown> = {}, extraEntries?: Record<string, string>): { bundled: string[]; template: Template } {
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
    new lambda.Function(stack, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: esbuildCode(ENTRY, { target: 'node22', runtime: lambda.Runtime.NODEJS_22_X, ...(extraEntries === undefined ? {} : { extraEntries }) }) });
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

test('extra entries are bundled into the same asset, next to index.js, and run there: the gateway worker desensitizes a batch as the handler would', async () => {
  const worker = join(__dirname, '..', '..', 'lambda', 'gateway', 'gateway-worker.ts');
  const outdir = tempDir();
  const { template } = synth(outdir, {}, { 'gateway-worker': worker });
  const [asset] = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
  expect(readdirSync(join(outdir, asset as string)).sort()).toEqual(['gateway-worker.js', 'gateway-worker.js.map', 'index.js', 'index.js.map']);
  // Another asset than the same entry without it.
  const codeOf = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0]?.Properties.Code;
  expect(codeOf(template)).not.toEqual(codeOf(synth(tempDir()).template));

  const now = new Date('2026-06-01T00:00:00Z');
  const rulePath = join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json');
  const plan = compileTransferRule(loadTransferRule(JSON.parse(readFileSync(rulePath, 'utf8')), rulePath, now), tokenKeyFromBytes(randomBytes(32)));
  const batch = Buffer.from(`${JSON.stringify({ txn: { tradeNo: '2026060122001234567890123456' }, payer: { idNumber: '11010519491231002X' } })}\nnot json\n`);
  const expected = ruleBatchRunner([{ plan }], undefined, new Inventory()).run(new Uint8Array(batch));
  const thread = new Worker(join(outdir, asset as string, 'gateway-worker.js'), { workerData: ruleBatchTask([{ plan }], undefined) });
  try {
    const reply = await new Promise<BatchReply<RuleBatchOutcome, unknown>>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
      thread.postMessage({ type: 'batch', bytes: new Uint8Array(batch) });
    });
    expect(reply.type).toBe('outcome');
    const outcome = (reply as { outcome: RuleBatchOutcome }).outcome;
    expect(outcome.results.map((r) => ({ ...r, output: Buffer.from(r.output as Uint8Array).toString('utf8') }))).toEqual(expected.results);
    expect(outcome.results[0]?.quarantine.map((q) => q.line)).toEqual([2]);
  } finally {
    await thread.terminate();
  }
});

test('an extra entry may not be named index, the handler', () => {
  expect(() => esbuildCode(ENTRY, { target: 'node22', runtime: lambda.Runtime.NODEJS_22_X, extraEntries: { index: ENTRY } })).toThrow(/extra entry name "index"/);
});
