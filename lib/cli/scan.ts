/**
 * `residency scan --in FILE [--format json|markdown] [--workers N]`
 *
 * The data inventory: reads a JSON Lines or CSV file and reports, per field, which categories of
 * personal financial information it holds and at which level. JSON for pipelines, Markdown for people.
 */
import { basename } from 'node:path';
import { Inventory } from '../../lambda/core';
import { CliError, type CliIo } from './io';
import { delimiterFlag, inputFormat, parseFlags, readableFileSize, requireFlag, USAGE_ERROR, workerCount } from './options';
import { runPipeline } from './pipeline';
import { Progress } from './progress';
import { checkedCsvLayout, openRecordSource } from './record-chunks';
import { scanMarkdown } from './scan-markdown';

const USAGE = `usage: residency scan --in FILE [options]

  --in FILE            records: JSON Lines (.jsonl, .ndjson) or CSV (.csv)
  --format F           json (default) or markdown (the risk summary for compliance)
  --workers N          worker threads (default: the machine's available cores; an input of
                       one batch, about 1 MiB, runs without them)
  --input-format F     jsonl or csv, when the extension does not say
  --delimiter D        CSV delimiter: , ; | or tab (default: guessed from the header and first lines)
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, {
    in: { type: 'string' },
    format: { type: 'string' },
    workers: { type: 'string' },
    'input-format': { type: 'string' },
    delimiter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const inPath = requireFlag(flags.in, 'in');
  const outputFormat = flags.format ?? 'json';
  if (outputFormat !== 'json' && outputFormat !== 'markdown') {
    throw new CliError(`--format must be json or markdown, got "${outputFormat}"`, USAGE_ERROR);
  }
  const workers = workerCount(flags.workers);
  const format = inputFormat(inPath, flags['input-format']);
  const delimiter = delimiterFlag(flags.delimiter);
  const inputBytes = await readableFileSize(inPath, 'in');

  const source = await openRecordSource(inPath, format, undefined, delimiter);
  const inventory = new Inventory();
  const progress = new Progress(io, 'residency scan', inputBytes);
  try {
    // An empty CSV file has no header; then no batch comes either.
    if (source.header !== undefined) checkedCsvLayout(source.header, inPath, source.delimiter);
    let lines = 0;
    const parts = await runPipeline({
      source,
      workers,
      oneBatchInThread: flags.workers === undefined,
      task: { kind: 'scan', format, header: source.header, delimiter: source.delimiter },
      onOutcome: (outcome) => {
        if (outcome.kind === 'scan') lines += outcome.lines;
      },
      onProgress: (bytesRead) => progress.update(bytesRead, lines),
    });
    for (const part of parts) inventory.absorb(part);
  } finally {
    await source.close();
  }
  const report = inventory.report();
  progress.done(report.records + report.invalid);
  if (report.records === 0 && report.invalid > 0) {
    throw new CliError(`${inPath}: none of its ${report.invalid} records could be read (${Object.entries(report.invalidReasons).map(([reason, n]) => `${reason}: ${n}`).join(', ')}); no inventory written`);
  }
  io.stdout(outputFormat === 'json' ? `${JSON.stringify(report, null, 2)}\n` : scanMarkdown(report, basename(inPath), new Date()));
  return 0;
}
