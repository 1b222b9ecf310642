/**
 * The gateway on one large raw object, in its own process (so its peak RSS is its own):
 * `tsx bench/gateway-bench.ts --records-file FILE --bytes N [--threads N]`.
 *
 * The object is the records of FILE (the bench's generated records, the ones the CLI passes are
 * timed on) repeated until N bytes, served as GetObject's body by a generator Readable in 64 KiB
 * chunks: never a buffer of the object. The gateway's real code runs on it: `transferObject` over the
 * real S3 ports (`s3TransferPorts`: the streamed read, the multipart uploads), with an S3 client whose
 * UploadPart hashes each part and discards it. Declaring and counting are in-memory fakes (they are
 * one call per object). --threads is the gateway's thread count (default: the deployed function's,
 * `threadsForMemory(DEFAULT_GATEWAY_MEMORY_MB)`). Prints one JSON line: records, bytes, seconds,
 * CPU seconds and peak RSS, both of the whole process (worker threads included).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_GATEWAY_MEMORY_MB } from '../lib/config';
import { compileTransferRule } from '../lambda/core/desensitize';
import { tokenKeyFromBytes } from '../lambda/core/tokens';
import { loadTransferRule } from '../lambda/core/transfer-rule';
import type { HeadcountStore } from '../lambda/gateway/headcount-store';
import { s3TransferPorts } from '../lambda/gateway/s3-ports';
import { transferObject, type TransferPorts } from '../lambda/gateway/transfer-object';
import { threadsForMemory } from '../lambda/shared/lambda-cpu';
import type { LedgerStore } from '../lambda/shared/ledger-store';

const RULE = join(__dirname, '..', 'rules', 'cn-home', 'sg-settlement.json');
const CHUNK = 64 * 1024;

const { values } = parseArgs({ args: process.argv.slice(2), options: { 'records-file': { type: 'string' }, bytes: { type: 'string', default: String(1e9) }, threads: { type: 'string' } },
});
const recordsFile = values['records-file'];
if (recordsFile === undefined) throw new Error('--records-file is required');
const objectBytes = Number(values.bytes);
const threads = values.threads === undefined ? threadsForMemory(DEFAULT_GATEWAY_MEMORY_MB) : Number(values.threads);

/** Lines in a buffer (counted once, before the clock starts: the gateway's time is its own). */
function linesIn(records: Buffer): number {
  let lines = 0;
  for (let i = records.indexOf(10); i !== -1; i = records.indexOf(10, i + 1)) lines++;
  return lines;
}

/** The records repeated up to `total` bytes (whole lines), chunk by chunk; counts the records served. */
function repeatedRecords(records: Buffer, linesPerCopy: number, total: number, served: { records: number; bytes: number }): Readable {
  const copies = Math.max(1, Math.round(total / records.length));
  return Readable.from(
    (function* () {
      for (let copy = 0; copy < copies; copy++) {
        for (let i = 0; i < records.length; i += CHUNK) {
          const chunk = records.subarray(i, i + CHUNK);
          served.bytes += chunk.length;
          yield chunk;
        }
        served.records += linesPerCopy;
      }
    })(),
    { objectMode: false },
  );
}

/** An S3 client that serves the object and takes uploads, hashing every part and keeping none. */
function benchS3(body: () => Readable, size: number, sink: { parts: number; bytes: number }): S3Client {
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const input = command.input;
    switch (command.constructor.name) {
      case 'GetObjectCommand':
        return { Body: body(), ContentLength: size, VersionId: input.VersionId };
      case 'CreateMultipartUploadCommand':
        return { UploadId: `upload-${String(input.Key)}` };
      case 'UploadPartCommand': {
        const part = input.Body as Buffer;
        sink.parts++;
        sink.bytes += part.length;
        // S3 checks the part against the SHA-256 the gateway sent; so does this sink, then drops the bytes.
        const checksum = createHash('sha256').update(part).digest('base64');
        if (checksum !== input.ChecksumSHA256) throw new Error(`bench S3: part ${String(input.PartNumber)} does not match its SHA-256`);
        return { ETag: `"part-${String(input.PartNumber)}"`, ChecksumSHA256: checksum };
      }
      case 'CompleteMultipartUploadCommand':
        return { VersionId: 'v-staged' };
      case 'PutObjectCommand':
        sink.bytes += Buffer.byteLength(input.Body as Buffer | string);
        return { VersionId: 'v-put' };
      case 'CopyObjectCommand':
        return {};
      default:
        throw new Error(`bench S3: ${command.constructor.name} is not served`);
    }
  };
  return { send } as unknown as S3Client;
}

async function main(): Promise<void> {
  const records = readFileSync(recordsFile as string);
  const served = { records: 0, bytes: 0 };
  const size = Math.max(1, Math.round(objectBytes / records.length)) * records.length;
  const sink = { parts: 0, bytes: 0 };
  const linesPerCopy = linesIn(records);
  const s3 = benchS3(() => repeatedRecords(records, linesPerCopy, objectBytes, served), size, sink);
  const real = s3TransferPorts({ s3, ledger: {} as LedgerStore, headcounts: {} as HeadcountStore, outboundBucket: 'outbound' });
  const now = new Date();
  const ports: TransferPorts = {
    ...real,
    declare: async (body) => ({ entry: { ...body, kind: 'declaration', declaredAt: now.toISOString(), seq: 1, prevHash: '0'.repeat(64), hash: 'b'.repeat(64) }, resumed: false }),
    countSubjects: async ({ tokens }) => tokens.length,
  };
  const rule = loadTransferRule(JSON.parse(readFileSync(RULE, 'utf8')), RULE, now);
  const plan = compileTransferRule(rule, tokenKeyFromBytes(randomBytes(32)));
  const settings = { outboundBucket: 'outbound', outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: 'bench', threads };
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const outcomes = await transferObject({ bucket: 'raw', key: 'raw/bench/records.jsonl', versionId: 'v1' }, [plan], settings, ports, now);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const outcome = outcomes[0] as { status: string; read?: number };
  if (outcome.status !== 'transferred' || outcome.read !== served.records) throw new Error(`gateway bench: unexpected outcome ${JSON.stringify(outcome)} for ${served.records} records`);
  const result = {
    threads,
    records: served.records,
    bytes: served.bytes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    parts: sink.parts,
    outputBytes: sink.bytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
