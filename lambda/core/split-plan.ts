/**
 * How an object too large for one gateway invocation is cut into byte ranges (parts). Pure: the
 * gateway computes the plan once, when it hands the object over, and every part and the assembly
 * check against the plan's digest that they work on the same cut of the same object.
 *
 * Ranges are cut at bytes, not records: `recordsOfRange` (batch-stream.ts) gives each part the
 * records whose first byte lies in its range, so every record is in exactly one part whatever the cut.
 */
import type { ByteRange } from './batch-stream';
import { sha256Hex } from './ledger/canonical';

/**
 * Most parts an object is cut into. Bounds the declaration, which lists every part and must fit the
 * ledger's claim item (400 KB with its other attributes: about 120 bytes per part), and the state
 * machine's input, which carries the ranges (256 KiB).
 */
export const MAX_SPLIT_PARTS = 1000;

/** A cut of one object into parts: its size, the ranges in order, and their digest. */
export interface SplitPlan {
  readonly objectBytes: number;
  readonly ranges: readonly ByteRange[];
  /** SHA-256 (hex) of the size and the ranges: what every part summary and the assembly agree on. */
  readonly digest: string;
}

/** The digest of a plan: the same size and ranges, the same digest. */
export function planDigest(objectBytes: number, ranges: readonly ByteRange[]): string {
  return sha256Hex(`${objectBytes}:${ranges.map((r) => `${r.start}-${r.end}`).join(',')}`);
}

/**
 * Cuts `[0, objectBytes)` into consecutive ranges of `partBytes` (the last shorter), at least two, at
 * most MAX_SPLIT_PARTS (the ranges grow when more would be needed).
 */
export function planSplit(objectBytes: number, partBytes: number): SplitPlan {
  if (!Number.isSafeInteger(objectBytes) || objectBytes < 2) throw new Error(`planSplit: an object of ${objectBytes} bytes cannot be split`);
  if (!Number.isSafeInteger(partBytes) || partBytes < 1) throw new Error(`planSplit: parts of ${partBytes} bytes are not a size`);
  const size = Math.min(Math.max(partBytes, Math.ceil(objectBytes / MAX_SPLIT_PARTS)), Math.ceil(objectBytes / 2));
  const ranges: ByteRange[] = [];
  for (let start = 0; start < objectBytes; start += size) ranges.push({ start, end: Math.min(objectBytes, start + size) });
  return { objectBytes, ranges, digest: planDigest(objectBytes, ranges) };
}

/** Whether a plan received (from the state machine's input) is a cut of the object, and the one its digest names. */
export function planProblem(plan: { objectBytes: number; ranges: readonly ByteRange[]; digest: string }): string | undefined {
  if (plan.ranges.length < 2 || plan.ranges.length > MAX_SPLIT_PARTS) return `a plan has 2 to ${MAX_SPLIT_PARTS} parts, this one ${plan.ranges.length}`;
  let expected = 0;
  for (const [i, range] of plan.ranges.entries()) {
    if (range.start !== expected || range.end <= range.start) return `part ${i + 1} is not the range after byte ${expected}`;
    expected = range.end;
  }
  if (expected !== plan.objectBytes) return `the parts end at byte ${expected}, the object at ${plan.objectBytes}`;
  if (planDigest(plan.objectBytes, plan.ranges) !== plan.digest) return 'the ranges do not match the plan digest';
  return undefined;
}
