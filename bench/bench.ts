/**
 * `npm run bench [-- --records N --workers N --repeat N]`
 *
 * Generates synthetic payment records (bench/out/, git-ignored), then times, on the same file in
 * the same run: the floor (a bare JSON.parse + JSON.stringify pass, one core), `scan` and
 * `desensitize` through the real CLI code with 1 worker, with N workers, and with the command's
 * default settings (no flags: as many workers as the machine has available cores). Prints
 * records/s, the ratio to the floor and the projected time for the 5 million records of the
 * inventory in DOMAIN.md, then the acceptance ratio: desensitize with default settings over the
 * floor (target: at most 2). Each timing is the best of --repeat runs: other processes on a shared
 * machine only ever slow a run.
 *
 * Then the gateway (bench/gateway-bench.ts, in a child process so that its peak RSS is its own): a
 * --gateway-bytes object (default 1 GB) of the same records, streamed from a mocked S3 GetObject
 * body through the gateway's real code into multipart uploads that are hashed and discarded. Prints
 * its peak RSS (target: at most 512 MB) and records/s against the CLI's desensitize passes above
 * (target: the CLI's default settings at most 2x as fast as the gateway's), with the deployed
 * function's thread count (threadsForMemory(DEFAULT_GATEWAY_MEMORY_MB)) and with one thread.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { DEFAULT_GATEWAY_MEMORY_MB } from '../lib/config';
import { run as desensitize, TOKEN_KEY_ENV } from '../lib/cli/desensitize';
import { threadsForMemory } from '../lambda/shared/lambda-cpu';
import type { CliIo } from '../lib/cli/io';
import { run as scan } from '../lib/cli/scan';
import { seededRandom, syntheticRecord } from './synthetic-records';

const PROJECTED_RECORDS = 5_000_000;
const OUT = join(__dirname, 'out');
const RULE = join(__dirname, '..', 'rules', 'cn-home', 'sg-settlement.json');
const TARGET_RATIO = 2;
const GATEWAY_RSS_LIMIT_MB = 512;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    records: { type: 'string', default: '200000' },
    workers: { type: 'string' },
    repeat: { type: 'string', default: '2' },
    'gateway-bytes': { type: 'string', default: String(1e9) },
  },
});
const recordCount = Number(values.records);
const workers = Number(values.workers ?? Math.max(2, availableParallelism()));
const defaultWorkers = availableParallelism();
const repeat = Number(values.repeat);

function generate(path: string, count: number): void {
  const random = seededRandom(20260322);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify(syntheticRecord(random, i)));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function floorPass(input: string, output: string): void {
  const text = readFileSync(input, 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) if (line !== '') out.push(JSON.stringify(JSON.parse(line)));
  writeFileSync(output, `${out.join('\n')}\n`);
}

const captured: string[] = [];
const quietIo: CliIo = { stdout: (text) => captured.push(text), stderr: () => undefined };

interface Timing {
  readonly label: string;
  /** Wall-clock seconds of the fastest run. */
  readonly seconds: number;
  /** CPU seconds of that run, all threads: unlike wall time, barely moved by other processes. */
  readonly cpuSeconds: number;
}

async function best(label: string, once: () => Promise<void> | void): Promise<Timing> {
  let fastest: Timing = { label, seconds: Infinity, cpuSeconds: Infinity };
  for (let i = 0; i < repeat; i++) {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    await once();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    if (seconds < fastest.seconds) fastest = { label, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
  return fastest;
}

async function expectExit(code: Promise<number>): Promise<void> {
  const exit = await code;
  if (exit !== 0) throw new Error(`command exited ${exit}: ${captured.join('')}`);
}

/**
 * How many cores this process actually gets right now: N threads spin for half a second and the
 * CPU time they receive is divided by the wall time. On a shared machine this is often less than
 * the core count, and parallel passes can only be judged against it.
 */
async function coresAvailable(threads: number): Promise<number> {
  const spin = `const end = Date.now() + 500; while (Date.now() < end); require('node:worker_threads').parentPort.postMessage(0);`;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  await Promise.all(Array.from({ length: threads }, () => new Promise((resolve) => new Worker(spin, { eval: true }).once('message', resolve))));
  const cpu = process.cpuUsage(cpuBefore);
  return (cpu.user + cpu.system) / 1000 / (Date.now() - started);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const input = join(OUT, 'records.jsonl');
  generate(input, recordCount);
  process.env[TOKEN_KEY_ENV] = randomBytes(32).toString('hex');
  const megabytes = statSync(input).size / 1e6;
  const available = await coresAvailable(workers);
  console.log(
    `${recordCount.toLocaleString('en-US')} synthetic records (${megabytes.toFixed(1)} MB), ${availableParallelism()} cores ` +
      `(${available.toFixed(1)} available to ${workers} busy threads just now), load average ${loadavg()[0].toFixed(1)}, best of ${repeat}`,
  );

  const desensitizeWith = (n?: number) => () =>
    expectExit(
      desensitize(
        ['--rule', RULE, '--in', input, '--out', join(OUT, `out-${n ?? 'default'}.jsonl`), '--quarantine', join(OUT, `quarantine-${n ?? 'default'}.jsonl`), ...(n === undefined ? [] : ['--workers', String(n)])],
        quietIo,
      ),
    );
  const scanWith = (n: number) => () => expectExit(scan(['--in', input, '--workers', String(n)], quietIo));

  const floor = await best('floor: JSON.parse + JSON.stringify, 1 core', () => floorPass(input, join(OUT, 'floor.jsonl')));
  const results = [
    floor,
    await best('scan, 1 worker', scanWith(1)),
    await best(`scan, ${workers} workers`, scanWith(workers)),
    await best('desensitize, 1 worker', desensitizeWith(1)),
    ...(workers === defaultWorkers ? [] : [await best(`desensitize, ${workers} workers`, desensitizeWith(workers))]),
    await best(`desensitize, default settings (${defaultWorkers} workers)`, desensitizeWith()),
  ];
  const byDefault = results[results.length - 1];

  console.log(`\n${'pass'.padEnd(44)}${'records/s'.padStart(12)}${'x floor'.padStart(10)}${'5M records'.padStart(13)}${'CPU s'.padStart(9)}${'CPU x floor'.padStart(13)}`);
  for (const { label, seconds, cpuSeconds } of results) {
    const rate = recordCount / seconds;
    console.log(
      label.padEnd(44) +
        Math.round(rate).toLocaleString('en-US').padStart(12) +
        (seconds / floor.seconds).toFixed(2).padStart(10) +
        `${(PROJECTED_RECORDS / rate).toFixed(1)} s`.padStart(13) +
        cpuSeconds.toFixed(2).padStart(9) +
        (cpuSeconds / floor.cpuSeconds).toFixed(2).padStart(13),
    );
  }
  console.log(`cores available at the end: ${(await coresAvailable(workers)).toFixed(1)} of ${availableParallelism()}`);
  const ratio = byDefault.seconds / floor.seconds;
  console.log(
    `\ndesensitize with default settings / floor = ${ratio.toFixed(2)} (target: at most ${TARGET_RATIO.toFixed(2)}): ${ratio <= TARGET_RATIO ? 'within' : 'OVER'}`,
  );
  const sameOrder = sha256(join(OUT, 'out-1.jsonl')) === sha256(join(OUT, 'out-default.jsonl'));
  console.log(`output with ${defaultWorkers} workers identical to 1 worker (order kept): ${sameOrder ? 'yes' : 'NO'}`);
  const summary = captured.filter((line) => line.startsWith('{"read"')).pop();
  if (summary) console.log(`last desensitize summary: ${summary.trim()}`);
  if (!sameOrder) process.exitCode = 1;

  const cliOne = results.find((r) => r.label === 'desensitize, 1 worker') as Timing;
  const scanOne = results.find((r) => r.label === 'scan, 1 worker') as Timing;
  const cli = {
    oneWorker: recordCount / cliOne.seconds,
    byDefault: recordCount / byDefault.seconds,
    defaultWorkers,
    cpuPerRecordOneWorker: cliOne.cpuSeconds / recordCount,
    cpuPerRecordByDefault: byDefault.cpuSeconds / recordCount,
    cpuPerRecordScanAndDesensitize: (scanOne.cpuSeconds + cliOne.cpuSeconds) / recordCount,
  };
  if (!gatewayPass(input, cli)) process.exitCode = 1;
}

interface GatewayResult {
  readonly threads: number;
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  readonly parts: number;
}

/**
 * The deployed gateway's thread count: one per whole vCPU its memory buys (`gatewayMemoryMB`, by
 * default 3,538 MB = 2 vCPUs, https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
const GATEWAY_THREADS = threadsForMemory(DEFAULT_GATEWAY_MEMORY_MB);

/** One gateway run on the large object, in a child process (its peak RSS, worker threads included, is its own). */
function gatewayRun(input: string, threads: number): GatewayResult {
  const child = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), join(__dirname, 'gateway-bench.ts'), '--records-file', input, '--bytes', String(values['gateway-bytes']), '--threads', String(threads)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`gateway bench failed (exit ${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as GatewayResult;
}

/** The gateway on one large object with its default threads and with one; returns whether both targets are met by the default. */
function gatewayPass(
  input: string,
  cli: {
    oneWorker: number;
    byDefault: number;
    defaultWorkers: number;
    cpuPerRecordOneWorker: number;
    cpuPerRecordByDefault: number;
    cpuPerRecordScanAndDesensitize: number;
  },
): boolean {
  const loadBefore = loadavg()[0];
  const runs = [gatewayRun(input, GATEWAY_THREADS), ...(GATEWAY_THREADS === 1 ? [] : [gatewayRun(input, 1)])];
  const verdict = (r: number): string => (r <= TARGET_RATIO ? 'within' : 'OVER');
  const micros = (seconds: number): string => `${(seconds * 1e6).toFixed(1)} µs`;
  let pass = true;
  for (const result of runs) {
    const rate = result.records / result.seconds;
    const rssWithin = result.peakRssMB <= GATEWAY_RSS_LIMIT_MB;
    const threads = `${result.threads} thread${result.threads === 1 ? '' : 's'}${result.threads === GATEWAY_THREADS ? ', the default' : ''}`;
    console.log(
      `\ngateway (${threads}): ${(result.bytes / 1e9).toFixed(2)} GB object (${result.records.toLocaleString('en-US')} records) streamed from a mocked S3 body into ` +
        `${result.parts} multipart parts, one rule, in ${result.seconds.toFixed(1)} s (${result.cpuSeconds.toFixed(1)} CPU s, all threads)`,
    );
    console.log(`  peak RSS of the process, workers included: ${result.peakRssMB.toFixed(0)} MB (target: at most ${GATEWAY_RSS_LIMIT_MB} MB): ${rssWithin ? 'within' : 'OVER'}`);
    console.log(
      `  records/s: gateway ${Math.round(rate).toLocaleString('en-US')}, CLI desensitize 1 worker ${Math.round(cli.oneWorker).toLocaleString('en-US')}, ` +
        `CLI default settings (${cli.defaultWorkers} workers) ${Math.round(cli.byDefault).toLocaleString('en-US')}`,
    );
    console.log(`  CLI 1 worker / gateway: ${(cli.oneWorker / rate).toFixed(2)}; CLI default / gateway: ${(cli.byDefault / rate).toFixed(2)}`);
    console.log(
      `  CPU per record: gateway ${micros(result.cpuSeconds / result.records)} (inventory and rule in one pass), CLI desensitize ${micros(cli.cpuPerRecordOneWorker)} ` +
        `(gateway / CLI ${(result.cpuSeconds / result.records / cli.cpuPerRecordOneWorker).toFixed(2)}, barely moved by other processes), ` +
        `CLI scan + desensitize (the two commands a declaration's inventory and output need) ${micros(cli.cpuPerRecordScanAndDesensitize)}`,
    );
    if (result.threads === GATEWAY_THREADS) {
      const ratio = cli.byDefault / rate;
      console.log(
        `CLI / gateway, the default settings of each (CLI ${cli.defaultWorkers} workers, gateway ${GATEWAY_THREADS} threads): ${ratio.toFixed(2)} ` +
          `(target: at most ${TARGET_RATIO.toFixed(2)}): ${verdict(ratio)}; peak RSS ${rssWithin ? 'within' : 'OVER'}`,
      );
      // What the wall-clock ratio would be if both got the cores they ask for: other jobs barely move CPU time.
      console.log(`  CPU per record, gateway (${GATEWAY_THREADS} threads) / CLI default settings: ${(result.cpuSeconds / result.records / cli.cpuPerRecordByDefault).toFixed(2)}`);
      pass = rssWithin && ratio <= TARGET_RATIO;
    }
  }
  console.log(`load average ${loadBefore.toFixed(1)} before the gateway passes, ${loadavg()[0].toFixed(1)} after`);
  return pass;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
