/**
 * The events of the split state machine (lib/constructs/split-state-machine.ts), one definition for
 * the gateway that reads them and the construct that builds them: the execution's input, and what
 * the map hands the gateway for each part and the final step for the assembly. None of them holds a
 * record: byte offsets, the object's bucket, key and version, digests, rule versions, an instant.
 */

export interface SplitSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

export interface SplitRange {
  readonly start: number;
  readonly end: number;
}

/** The execution's input (what the gateway starts the state machine with). */
export interface SplitExecutionInput {
  readonly source: SplitSource;
  readonly plan: { readonly objectBytes: number; readonly digest: string; readonly ranges: readonly SplitRange[] };
  readonly rules: string;
  readonly at: string;
}

/** Field of the gateway event that carries one part (the map's item selector builds it). */
export const SPLIT_PART_EVENT = 'splitPart';
/** Field of the gateway event that carries the assembly (the final task builds it). */
export const SPLIT_ASSEMBLE_EVENT = 'splitAssemble';

/** One part: its range and index, the plan's digest and size, without the other ranges (they would fill every item's history). */
export interface SplitPartJob {
  readonly source: SplitSource;
  readonly digest: string;
  readonly objectBytes: number;
  /** Position of the part in the plan, from 0. */
  readonly index: number;
  readonly range: SplitRange;
  readonly rules: string;
  readonly at: string;
}

export type SplitAssembleJob = SplitExecutionInput;

/** The event of part `index`, as the map's item selector builds it from the execution's input. */
export function partEventOf(input: SplitExecutionInput, index: number): { readonly [SPLIT_PART_EVENT]: SplitPartJob } {
  const range = input.plan.ranges[index];
  if (range === undefined) throw new Error(`the plan has no part ${index}`);
  return { [SPLIT_PART_EVENT]: { source: input.source, digest: input.plan.digest, objectBytes: input.plan.objectBytes, index, range, rules: input.rules, at: input.at } };
}

/** The event of the assembly, as the final task builds it from the execution's input. */
export function assembleEventOf(input: SplitExecutionInput): { readonly [SPLIT_ASSEMBLE_EVENT]: SplitAssembleJob } {
  return { [SPLIT_ASSEMBLE_EVENT]: input };
}
