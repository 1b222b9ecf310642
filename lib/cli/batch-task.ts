/**
 * The work one batch of records needs, described as plain data so it can cross into a worker
 * thread, and the function that does it (the same code runs in-process and in workers).
 */
// Imported module by module, not from the core's index: a worker thread then never loads zod
// (rule validation happens once, in the main thread), which keeps worker start-up short.
import type { DesensitizedBatch, RecordFormat } from '../../lambda/core/batch';
import type { CsvDelimiter } from '../../lambda/core/csv';
import { csvLayout, csvOutputColumns, desensitizeCsv, scanCsv, type CsvLayout } from '../../lambda/core/csv-records';
import { compileTransferRule } from '../../lambda/core/desensitize';
import { desensitizeJsonl, scanJsonl } from '../../lambda/core/records';
import { Inventory, type InventorySnapshot } from '../../lambda/core/scan';
import { subjectMatcher, suppressBatchBytes } from '../../lambda/core/suppression';
import { tokenKeyFromBytes } from '../../lambda/core/tokens';
import type { TransferRule } from '../../lambda/core/transfer-rule';
import type { BatchRunner as SharedBatchRunner } from '../../lambda/shared/batch-pool';

export type BatchTask =
  | { readonly kind: 'scan'; readonly format: RecordFormat; readonly header?: readonly string[]; readonly delimiter?: CsvDelimiter }
  | {
      readonly kind: 'desensitize';
      readonly format: RecordFormat;
      readonly header?: readonly string[];
      /** The CSV file's delimiter. @default ',' */
      readonly delimiter?: CsvDelimiter;
      /** Already validated by the main thread (`loadTransferRule`). */
      readonly rule: TransferRule;
      readonly tokenKey: Uint8Array;
      /** Tokens of subjects whose records must not be written (`--suppress`). */
      readonly suppressTokens?: readonly string[];
    };

export type BatchOutcome =
  | { readonly kind: 'scan'; readonly lines: number }
  | {
      readonly kind: 'desensitize';
      readonly batch: Omit<DesensitizedBatch, 'output'>;
      /** Records withheld because a subject in them is on the suppression list (not in `batch.read`). */
      readonly suppressed: number;
      /** The output records as UTF-8, encoded where they were produced: a worker transfers the bytes, so the main thread neither copies nor encodes them. */
      readonly output: Uint8Array;
    };

/** Its summary is the inventory gathered so far by a scan runner (undefined for desensitize). */
export type BatchRunner = SharedBatchRunner<BatchOutcome, InventorySnapshot>;

/** The CSV layout, or undefined for JSON Lines. An empty CSV file has no header, and no batch ever comes. */
function layoutOf(task: BatchTask): CsvLayout | undefined {
  return task.format === 'csv' && task.header !== undefined ? csvLayout(task.header, task.delimiter) : undefined;
}

/** The reader skips the file's byte order mark itself; a batch is never treated as the start of the input. */
const MID_FILE = { startOfInput: false } as const;

function checkLayout(task: BatchTask, layout: CsvLayout | undefined): void {
  if (task.format === 'csv' && layout === undefined) throw new Error('a CSV batch arrived without a header');
}

export function createBatchRunner(task: BatchTask): BatchRunner {
  if (task.kind === 'scan') {
    const inventory = new Inventory();
    const layout = layoutOf(task);
    return {
      run: (bytes) => {
        checkLayout(task, layout);
        return { kind: 'scan', lines: layout ? scanCsv(bytes, layout, inventory, MID_FILE) : scanJsonl(bytes, inventory, MID_FILE) };
      },
      summary: () => inventory.snapshot(),
    };
  }
  const plan = compileTransferRule(task.rule, tokenKeyFromBytes(task.tokenKey));
  const layout = layoutOf(task);
  const matcher = task.suppressTokens === undefined ? undefined : subjectMatcher({ key: plan.tokenKey, tokens: task.suppressTokens, rules: [task.rule] });
  const columns = layout ? csvOutputColumns(layout, plan) : [];
  const encoder = new TextEncoder();
  return {
    run: (bytes) => {
      checkLayout(task, layout);
      const filtered = suppressBatchBytes(bytes, layout, matcher);
      const input = filtered.bytes;
      const { output, ...batch } = layout ? desensitizeCsv(input, layout, columns, plan, MID_FILE) : desensitizeJsonl(input, plan, MID_FILE);
      const { suppressed } = filtered;
      // TextEncoder gives each result its own ArrayBuffer (never Buffer's shared pool), so it can be transferred.
      return { kind: 'desensitize', batch, output: encoder.encode(output), suppressed };
    },
    summary: () => undefined,
  };
}
