import type { CheckResult, EvidenceModel } from './evidence-model';

/**
 * What changed against a previous assembly (`residency report --baseline OLD`): findings and
 * acknowledgements keyed by pack, finding id and construct path. `updated` is the same rule on the
 * same resource with another level, status (acknowledged or not), reason or owner. The states are
 * SARIF 2.1.0's `baselineState` values (§3.27.24).
 */

export type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

export interface BaselineEntry {
  readonly state: BaselineState;
  /** The result now; absent entries have only `previous`. */
  readonly current?: CheckResult;
  readonly previous?: CheckResult;
  /** For `updated`: what changed, in words (`level warning → error`). */
  readonly changes: readonly string[];
}

export interface BaselineComparison {
  readonly entries: readonly BaselineEntry[];
  readonly counts: Readonly<Record<BaselineState, number>>;
}

export function resultKey(r: Pick<CheckResult, 'pack' | 'findingId' | 'constructPath'>): string {
  return `${r.pack}\u0000${r.findingId}\u0000${r.constructPath}`;
}

const reported = (model: EvidenceModel): Map<string, CheckResult> => new Map(model.results.filter((r) => r.status !== 'pass').map((r) => [resultKey(r), r]));

function differences(previous: CheckResult, current: CheckResult): string[] {
  const changes: string[] = [];
  if (previous.severity !== current.severity) changes.push(`level ${previous.severity} → ${current.severity}`);
  if (previous.status !== current.status) changes.push(current.status === 'acknowledged' ? 'now acknowledged' : 'no longer acknowledged');
  const [was, now] = [previous.acknowledgement, current.acknowledgement];
  if (was !== undefined && now !== undefined) {
    if (was.reason !== now.reason) changes.push('acknowledgement reason changed');
    if (was.owner !== now.owner) changes.push(`owner ${was.owner ?? 'none'} → ${now.owner ?? 'none'}`);
  }
  return changes;
}

/** Compares the findings and acknowledgements of `current` with those of `baseline`; passes are not results. */
export function compareToBaseline(current: EvidenceModel, baseline: EvidenceModel): BaselineComparison {
  const before = reported(baseline);
  const now = reported(current);
  const entries: BaselineEntry[] = [];
  for (const [key, result] of now) {
    const previous = before.get(key);
    if (previous === undefined) {
      entries.push({ state: 'new', current: result, changes: [] });
      continue;
    }
    const changes = differences(previous, result);
    entries.push({ state: changes.length > 0 ? 'updated' : 'unchanged', current: result, previous, changes });
  }
  for (const [key, previous] of before) if (!now.has(key)) entries.push({ state: 'absent', previous, changes: [] });
  const counts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  for (const e of entries) counts[e.state] += 1;
  return { entries, counts };
}

function describe(r: CheckResult): string {
  const ack = r.status === 'acknowledged' ? ` acknowledged: ${r.acknowledgement?.reason ?? ''}` : '';
  return `${r.pack} ${r.findingId} (${r.severity}) on ${r.constructPath}${ack}`;
}

/** The comparison for a terminal: counts, then new, fixed and changed findings and acknowledgements. */
export function baselineText(comparison: BaselineComparison, baselineDir: string): string {
  const { counts } = comparison;
  const section = (title: string, state: BaselineState, show: (e: BaselineEntry) => string): string[] => {
    const chosen = comparison.entries.filter((e) => e.state === state);
    return chosen.length === 0 ? [] : [`${title} (${chosen.length}):`, ...chosen.map((e) => `  ${show(e)}`)];
  };
  return [
    `against baseline ${baselineDir}: ${counts.new} new, ${counts.absent} fixed, ${counts.updated} changed, ${counts.unchanged} unchanged`,
    ...section('new', 'new', (e) => describe(e.current as CheckResult)),
    ...section('fixed (absent now)', 'absent', (e) => describe(e.previous as CheckResult)),
    ...section('changed', 'updated', (e) => `${describe(e.current as CheckResult)}: ${e.changes.join('; ')}`),
  ].join('\n');
}
