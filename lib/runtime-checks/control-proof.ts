import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CanaryIncident, CanaryRun } from '../../lambda/core/canary/records';
import { escapeHtml } from '../report/diagrams';
import { RUNTIME_TWINS } from './catalog';

/** When a control is proven: on the synthesized template, on the live resources, or both. */
export type ProvenWhen = 'synth' | 'runtime' | 'both';

export interface ControlProof {
  readonly control: string;
  readonly provenWhen: ProvenWhen;
  /** How it is proven at runtime (AWS Config rules, the leak canary); empty when synth only. */
  readonly runtime: readonly string[];
  readonly note: string;
}

/** Every CrossBorder rule, and the desensitization the leak canary re-checks on what left. */
export function controlProofs(): ControlProof[] {
  return [
    ...RUNTIME_TWINS.map((twin): ControlProof =>
      twin.kind === 'runtime'
        ? { control: `CrossBorder-${twin.rule}`, provenWhen: 'both', runtime: twin.configRules.map((r) => `AWS Config ${r.source.owner === 'AWS' ? r.source.identifier : `custom rule ${r.name}`}`), note: twin.note }
        : { control: `CrossBorder-${twin.rule}`, provenWhen: 'synth', runtime: [], note: twin.reason },
    ),
    { control: 'Desensitization before transfer (what actually left)', provenWhen: 'runtime', runtime: ['leak canary (re-scan of recent outbound/ objects)'], note: 'Only observable on the objects the gateway wrote; synth proves the rules, not their output.' },
  ];
}

export interface CanaryResults {
  readonly runs: readonly CanaryRun[];
  readonly incidents: readonly CanaryIncident[];
}

/** Reads a local copy of the canary's records (`aws s3 sync s3://<bucket>/canary DIR`); bad files are named. */
export function readCanaryResults(dir: string): CanaryResults {
  const runs: CanaryRun[] = [];
  const incidents: CanaryIncident[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const file = join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.json')) {
        let record: { kind?: unknown };
        try {
          record = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown };
        } catch {
          throw new Error(`${file}: not JSON; expected a leak canary record`);
        }
        if (record.kind === 'leak-canary-run') runs.push(record as CanaryRun);
        else if (record.kind === 'leak-canary-incident') incidents.push(record as CanaryIncident);
        else throw new Error(`${file}: kind ${JSON.stringify(record.kind)} is not a leak canary record (leak-canary-run or leak-canary-incident)`);
      }
    }
  };
  walk(dir);
  runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  incidents.sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  return { runs, incidents };
}

const td = (text: string): string => `<td>${escapeHtml(text)}</td>`;

/** The evidence page's "proven when" and "after deploy" sections (inserted by lib/report/evidence-html.ts). */
export function runtimeSectionsHtml(canary?: CanaryResults): string {
  const proofRows = controlProofs().map((p) => `<tr>${td(p.control)}${td(p.provenWhen === 'both' ? 'synth and runtime' : p.provenWhen)}${td(p.runtime.join('; ') || '—')}${td(p.note)}</tr>`);
  const proof = `<section id="proven-when"><h2>Proven at synth, at runtime, or both</h2><table><thead><tr><th scope="col">Control</th><th scope="col">Proven</th><th scope="col">Runtime check</th><th scope="col">Note</th></tr></thead><tbody>${proofRows.join('\n')}</tbody></table></section>`;
  if (canary === undefined) {
    return `${proof}\n<section id="after-deploy"><h2>After deploy</h2><p>No leak canary results were given (<code>residency report --canary DIR</code>).</p></section>`;
  }
  const last = canary.runs[canary.runs.length - 1];
  const incidentRows = canary.incidents.map(
    (i) => `<tr>${td(i.detectedAt)}${td(`s3://${i.object.bucket}/${i.object.key}`)}${td(i.declaration ? `${i.declaration.rule} · declaration #${i.declaration.seq}` : 'no declaration')}${td(Object.entries(i.counts).map(([c, n]) => `${c}: ${n}`).join(', ') || '—')}${td(i.problems.join('; ') || '—')}</tr>`,
  );
  return `${proof}
<section id="after-deploy"><h2>After deploy: leak canary (${canary.incidents.length} incident(s))</h2>
<p>${canary.runs.length} run(s)${last ? `, the last at ${escapeHtml(last.finishedAt)}: ${last.scanned} of ${last.sampled} sampled object(s) scanned, ${last.incidents} incident(s)` : ''}. Scanned in all runs: ${canary.runs.reduce((n, r) => n + r.scanned, 0)}; not scanned: ${canary.runs.reduce((n, r) => n + r.notScanned.length, 0)}.</p>
${incidentRows.length === 0 ? '<p>No incident: no identifier was found in any re-scanned outbound object.</p>' : `<table><thead><tr><th scope="col">Detected</th><th scope="col">Object</th><th scope="col">Rule and declaration</th><th scope="col">Categories</th><th scope="col">Problems</th></tr></thead><tbody>${incidentRows.join('\n')}</tbody></table>`}
</section>`;
}
