/**
 * What the leak canary writes: one incident record per outbound object found carrying an
 * identifier (or not declared), and one run record per run. Nothing personal: categories, counts,
 * field paths with identifier keys shown by category, offsets; object keys with any identifier in
 * them replaced the same way. `residency report --canary DIR` reads these from a local copy.
 */
import type { Category } from '../categories';
import type { DeclarationRef } from './sample';
import type { CanaryFinding } from './scan-object';

export const CANARY_RECORD_VERSION = 1;
/** Prefixes inside the canary's results bucket. */
export const CANARY_INCIDENTS_PREFIX = 'canary/incidents/';
export const CANARY_RUNS_PREFIX = 'canary/runs/';

export interface CanaryObjectRef {
  readonly bucket: string;
  /** The object key, identifiers replaced by their category. */
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly lastModified: string;
  readonly bytes: number;
}

export interface CanaryIncident {
  readonly kind: 'leak-canary-incident';
  readonly version: typeof CANARY_RECORD_VERSION;
  readonly runId: string;
  readonly detectedAt: string;
  readonly object: CanaryObjectRef;
  /** The declaration the object came from; absent when its metadata names none. */
  readonly declaration?: DeclarationRef;
  /** Why the object is an incident besides identifiers (e.g. no declaration in its metadata). */
  readonly problems: readonly string[];
  readonly counts: Partial<Record<Category, number>>;
  readonly findings: readonly CanaryFinding[];
  readonly findingsTruncated: boolean;
  readonly lines: number;
}

export interface CanaryRun {
  readonly kind: 'leak-canary-run';
  readonly version: typeof CANARY_RECORD_VERSION;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly bucket: string;
  readonly prefix: string;
  /** Objects under the prefix modified since this instant were candidates. */
  readonly since: string;
  readonly candidates: number;
  readonly sampled: number;
  readonly scanned: number;
  readonly clean: number;
  readonly incidents: number;
  /** Sampled objects that could not be read or were left for lack of time: the run is incomplete. */
  readonly notScanned: readonly { readonly key: string; readonly reason: string }[];
}

/** Where a run's records go: incidents by day, so a local copy can be taken for a period. */
export function incidentKey(runId: string, detectedAt: Date, n: number): string {
  return `${CANARY_INCIDENTS_PREFIX}${detectedAt.toISOString().slice(0, 10)}/${runId}-${String(n).padStart(4, '0')}.json`;
}

export function runKey(runId: string, startedAt: Date): string {
  return `${CANARY_RUNS_PREFIX}${startedAt.toISOString().slice(0, 10)}/${runId}.json`;
}
