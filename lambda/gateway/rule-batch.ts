/**
 * The gateway's pure work on one batch of records, the same code in the handler's thread and in its
 * worker threads (gateway-worker.ts): the suppression filter once, then one pass that reads each
 * remaining line once for the inventory and every rule's desensitizer (lambda/core/records.ts).
 */
// Imported module by module, not from the core's index: a worker thread then never loads zod.
import { countLines } from '../core/batch';
import { compileTransferRule, type DesensitizePlan } from '../core/desensitize';
import { desensitizeAndScanJsonl, type PassedBatch, type PassPlan } from '../core/records';
import { Inventory, type InventorySnapshot } from '../core/scan';
import { suppressBytesForPlans } from '../core/suppression';
import { tokenKeyFromBytes } from '../core/tokens';
import type { TransferRule } from '../core/transfer-rule';
import type { BatchRunner } from '../shared/batch-pool';

/** One rule's batch, its output as text (in this thread) or as UTF-8 bytes (from a worker, transferred, never copied). */
export type RuleBatch = Omit<PassedBatch, 'output'> & { readonly output: string | Uint8Array };

export interface RuleBatchOutcome {
  /** Records withheld by the suppression list before any rule saw the batch. */
  readonly suppressed: number;
  /** Physical lines the batch spans after suppression (to number the next batch's lines). */
  readonly lines: number;
  /** One per rule, in the order of the rules. */
  readonly results: readonly RuleBatch[];
}

/**
 * What a worker needs to do the work, as plain data (it crosses into the thread as `workerData`):
 * the rules, already validated, with the bytes of their token keys (compiled in the worker; never
 * logged), the subject paths, and the suppression tokens.
 */
export interface RuleBatchTask {
  readonly plans: ReadonlyArray<{
    readonly rule: TransferRule;
    readonly tokenKey: Uint8Array;
    /** @default subjects are not collected */
    readonly subjectPath?: readonly string[];
  }>;
  /** @default nothing suppressed */
  readonly suppressionTokens?: readonly string[];
}

/** The reader of the stream skips the byte order mark itself: no batch is the start of the input. */
const MID_INPUT = { startOfInput: false } as const;

/** Runs batches into `inventory` (the caller's, in this thread); `encode` gives the outputs as UTF-8 bytes. */
export function ruleBatchRunner(
  plans: readonly PassPlan[],
  suppressionTokens: readonly string[] | undefined,
  inventory: Inventory,
  encode = false,
): BatchRunner<RuleBatchOutcome, InventorySnapshot> {
  const compiled: DesensitizePlan[] = plans.map((p) => p.plan);
  const pass = { inventory, plans };
  const encoder = new TextEncoder();
  return {
    run: (raw) => {
      const { bytes, suppressed } = suppressBytesForPlans(raw, compiled, suppressionTokens);
      const passed = desensitizeAndScanJsonl(bytes, pass, MID_INPUT);
      // TextEncoder gives each output its own ArrayBuffer (never Buffer's shared pool), so it can be transferred.
      const results = encode ? passed.map((batch) => ({ ...batch, output: encoder.encode(batch.output) })) : passed;
      return { suppressed, lines: countLines(bytes), results };
    },
    summary: () => inventory.snapshot(),
  };
}

/** The task a worker is started with, from the compiled plans of this thread. */
export function ruleBatchTask(plans: readonly PassPlan[], suppressionTokens: readonly string[] | undefined): RuleBatchTask {
  return {
    plans: plans.map(({ plan, subjectPath }) => ({
      rule: plan.rule,
      tokenKey: new Uint8Array(plan.tokenKey.key.export()),
      ...(subjectPath === undefined ? {} : { subjectPath }),
    })),
    ...(suppressionTokens === undefined ? {} : { suppressionTokens }),
  };
}

/** A worker's runner: compiles the task's plans there and gathers its own inventory, merged by the caller. */
export function workerRuleBatchRunner(task: RuleBatchTask): BatchRunner<RuleBatchOutcome, InventorySnapshot> {
  const plans = task.plans.map(({ rule, tokenKey, subjectPath }) => ({
    plan: compileTransferRule(rule, tokenKeyFromBytes(tokenKey)),
    ...(subjectPath === undefined ? {} : { subjectPath }),
  }));
  return ruleBatchRunner(plans, task.suppressionTokens, new Inventory(), true);
}

/** The buffers of a worker's outcome, transferred to the caller instead of copied. */
export function transferablesOf(outcome: RuleBatchOutcome): ArrayBuffer[] {
  return outcome.results.flatMap((batch) => (typeof batch.output === 'string' ? [] : [batch.output.buffer as ArrayBuffer]));
}
