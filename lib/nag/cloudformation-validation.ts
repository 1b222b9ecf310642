import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CloudFormationValidatePlugin, type IPolicyValidationContext, type PolicyValidationPluginReport } from 'aws-cdk-lib';

/**
 * CDK's own CloudFormation validation (what `App` adds by itself when `builtinCloudFormationValidation`
 * is on), run on a worker thread while the packs run on this one.
 *
 * CDK calls the validation plugins one after the other on the main thread, and its CloudFormation
 * validation was the longest of them: ~2.9 s of the default profile's synth (its engine, rules
 * compiled to WebAssembly, starts in ~1.6 s, then reads every template), before any pack ran. Now the
 * first plugin to run (`StartValidations` in guard.ts) hands the templates to a worker, and this
 * plugin, registered last, collects the worker's report, by then usually ready. It is the same
 * plugin class with the same rules, so CDK treats it as its built-in one and adds no second; its
 * findings fail synth as CDK's do.
 *
 * One worker per process, kept for the next app (the fixture of every profile in the tests), holding
 * one plugin instance: the engine is started once and reused while it covers the resource types.
 * The worker never keeps a finished process alive. A run that fails or does not finish within
 * `TIMEOUT_MS` fails the validation, as the plugin throwing in this thread would.
 */

const TIMEOUT_MS = 10 * 60_000;

/** What the worker is given: the context without its construct tree (the plugin reads only the templates). */
type TemplatesContext = Pick<IPolicyValidationContext, 'templatePaths' | 'stackTemplates' | 'accountId' | 'region'>;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { CloudFormationValidatePlugin } = require(workerData.cdk);
const plugin = new CloudFormationValidatePlugin();
parentPort.on('message', ({ context, port, done }) => {
  let result;
  try {
    result = { report: plugin.validate(context) };
  } catch (err) {
    result = { error: String((err && err.stack) || err) };
  }
  port.postMessage(result);
  port.close();
  const flag = new Int32Array(done);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let worker: Worker | undefined;

/** How many validations this process collected from the worker (the others ran in this thread). */
let collected = 0;
export function threadedValidationCount(): number {
  return collected;
}

function validationWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(WORKER, { eval: true, workerData: { cdk: require.resolve('aws-cdk-lib') } });
    worker.unref();
    // A worker that ended (an error) is replaced at the next start. A run it held fails by its timeout.
    worker.on('error', () => (worker = undefined));
    worker.on('exit', () => (worker = undefined));
  }
  return worker;
}

interface StartedRun {
  readonly key: string;
  readonly port: MessagePort;
  readonly done: Int32Array;
}

const keyOf = (context: Pick<IPolicyValidationContext, 'templatePaths'>): string => JSON.stringify(context.templatePaths);

/** The validation CDK would run, started on the worker thread for `context`'s templates; collected by `validate`. */
export class ThreadedCloudFormationValidate extends CloudFormationValidatePlugin {
  private started: StartedRun | undefined;

  /** Hands the templates to the worker; returns at once. */
  start(context: IPolicyValidationContext): void {
    const templates: TemplatesContext = {
      templatePaths: [...context.templatePaths],
      stackTemplates: context.stackTemplates.map((s) => ({ ...s })),
      ...(context.accountId === undefined ? {} : { accountId: context.accountId }),
      ...(context.region === undefined ? {} : { region: context.region }),
    };
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    validationWorker().postMessage({ context: templates, port: port2, done: done.buffer }, [port2]);
    this.started?.port.close();
    this.started = { key: keyOf(context), port: port1, done };
  }

  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const started = this.started;
    this.started = undefined;
    if (started === undefined || started.key !== keyOf(context)) {
      started?.port.close();
      return super.validate(context);
    }
    try {
      if (Atomics.wait(started.done, 0, 0, TIMEOUT_MS) === 'timed-out') {
        throw new Error(`CloudFormation validation did not finish within ${TIMEOUT_MS / 60_000} minutes`);
      }
      const result = receiveMessageOnPort(started.port)?.message as { report?: PolicyValidationPluginReport; error?: string } | undefined;
      if (result?.report === undefined) throw new Error(`CloudFormation validation failed: ${result?.error ?? 'the worker sent no report'}`);
      collected += 1;
      return result.report;
    } finally {
      started.port.close();
    }
  }
}
