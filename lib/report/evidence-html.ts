import { PCI_DSS_PACK, PCI_DSS_RETIREMENT } from '../compliance/pci-dss-401';
import type { ControlMatrix } from './control-matrix';
import { dataFlowSvg, escapeHtml, regionLabel, residencyMapSvg } from './diagrams';
import type { CheckResult, EvidenceModel } from './evidence-model';
import type { BaselineEntry } from './baseline';
import { runtimeSectionsHtml } from '../runtime-checks/control-proof';
import type { JudgedInputs } from './write-evidence-report';

/**
 * The page an auditor opens: self-contained (inline CSS and SVG, no script, a CSP that forbids
 * any fetch), every value escaped, links only to files next to it. Readable on a phone: tables
 * reflow to one card per row below 700 px (each cell labelled with its column) and sit in
 * scroll containers otherwise; the diagrams keep their drawn size (12 px text) and scroll inside
 * their own box instead of shrinking.
 */

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;color:#1f2933;padding:0 1rem;overflow-wrap:anywhere}
a{color:#0b69a3}
.scroll{overflow-x:auto;max-width:100%}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dl.provenance dt{font-weight:600}dl.provenance dd{margin:0;min-width:0}
ul.files{padding-left:1.2rem}
details summary{cursor:pointer}details ul{margin:.3rem 0;padding-left:1.2rem}
.state{font-weight:600}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d9e2ec;padding-bottom:.3rem}
.meta{color:#52606d;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d9e2ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;overflow-wrap:anywhere}
.small{display:block;color:#52606d;font-size:.75rem;margin-top:.15rem}
.status{font-weight:600;padding:.1rem .4rem;border-radius:4px;white-space:nowrap}
.status-fail{background:#ffe3e3;color:#8a1c1c}.status-acknowledged{background:#fff3c4;color:#7c5e10}
.status-pass{background:#e3f9e5;color:#05400a}.status-not-evaluated{background:#e4e7eb;color:#3e4c59}
.verdict{font-size:1.1rem;padding:.6rem .8rem;border-radius:6px;margin:1rem 0}
.verdict-ok{background:#e3f9e5}.verdict-bad{background:#ffe3e3}
svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
@media (max-width:700px){
body{margin:1rem auto;padding:0 .6rem}
.diagram svg{max-width:none}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards thead{display:none}
table:not(.cards){display:block;overflow-x:auto;max-width:100%}
table.cards tr{border:1px solid #d9e2ec;border-radius:6px;margin:.5rem 0;padding:.3rem .5rem}
table.cards td{border:0;padding:.2rem 0}
table.cards td.num{text-align:left}
table.cards td::before{content:attr(data-label);display:block;font-size:.7rem;font-weight:600;color:#52606d;text-transform:uppercase;letter-spacing:.02em}
}
.svg-title{font:600 13px system-ui,sans-serif;fill:#1f2933}.svg-small{font:12px system-ui,sans-serif;fill:#1f2933}
.box-home{fill:#e6f6ff;stroke:#2680c2}.box-gateway{fill:#f0f4f8;stroke:#52606d}.box-ok{fill:#e3f9e5;stroke:#3f9142}.box-bad{fill:#ffe3e3;stroke:#ba2525}
.arrow-ok{stroke:#3f9142;stroke-width:2}.arrow-bad{stroke:#ba2525;stroke-width:3}.arrowhead{fill:#52606d}
.cell-ok{fill:#e3f9e5;stroke:#3f9142}.cell-bad{fill:#ffe3e3;stroke:#ba2525}.cell-empty{fill:#f5f7fa;stroke:#d9e2ec}
`;

function status(value: string): string {
  return `<span class="status status-${escapeHtml(value.replace(/ /g, '-'))}">${escapeHtml(value)}</span>`;
}

/** A table that becomes one card per row on narrow screens (every cell labelled with its column). */
function table(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const labelled = (cell: string, i: number): string => cell.replace(/^<td/, `<td data-label="${escapeHtml(headers[i] ?? '')}"`);
  return `<div class="scroll"><table class="cards"><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(labelled).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

/**
 * A link to a file next to the page: every path segment percent-encoded, so no value can become a
 * scheme (`javascript:`), a query or markup.
 */
export function fileLink(file: string, text = file): string {
  const href = file
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `<a href="${escapeHtml(href)}"><code>${escapeHtml(text)}</code></a>`;
}

const td = (text: string | undefined): string => `<td>${escapeHtml(text ?? '')}</td>`;
const tdCode = (text: string | undefined): string => `<td><code>${escapeHtml(text ?? '')}</code></td>`;
const tdNum = (n: number | string): string => `<td class="num">${escapeHtml(String(n))}</td>`;
const tdHtml = (html: string): string => `<td>${html}</td>`;

/** The rule as auditors know it, with the id an acknowledgement must use when that differs. */
function ruleCell(r: CheckResult): string {
  const ack = r.findingId === r.ruleId ? '' : `<span class="small">acknowledge as <code>${escapeHtml(r.findingId)}</code></span>`;
  return `<code>${escapeHtml(r.ruleId)}</code>${ack}`;
}

/** The construct path, and where the resource sits in the synthesized template. */
function constructCell(r: CheckResult): string {
  const where = r.templateFile === undefined ? '' : `<span class="small">${fileLink(r.templateFile)}${r.logicalId ? ` › ${escapeHtml(r.logicalId)}` : ''}</span>`;
  return `<code>${escapeHtml(r.constructPath)}</code>${where}`;
}

/**
 * Acknowledged findings grouped by pack, rule and reason: one row each, the resources expandable,
 * each with the finding id it is acknowledged as when that differs from the rule
 * (`AwsSolutions-IAM5[Resource::...]`).
 */
function acknowledgementRows(acknowledged: readonly CheckResult[]): string[][] {
  const groups = new Map<string, CheckResult[]>();
  for (const r of acknowledged) {
    const key = `${r.pack}\u0000${r.ruleId}\u0000${r.acknowledgement?.reason ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const distinct = (values: readonly (string | undefined)[]): string => [...new Set(values.map((v) => v ?? 'not in the register'))].join(', ');
  return [...groups.values()].map((members) => {
    const first = members[0];
    const asId = (r: CheckResult): string => (r.findingId === r.ruleId ? '' : `<span class="small">acknowledged as <code>${escapeHtml(r.findingId)}</code></span>`);
    const resources = members.map((r) => `<li>${constructCell(r)}${asId(r)}</li>`).join('');
    const ids = new Set(members.map((r) => r.findingId));
    const noun = members.length === 1 ? 'resource' : 'resources';
    return [
      tdHtml(`<code>${escapeHtml(first.pack)}</code>`),
      tdHtml(ids.size === 1 ? ruleCell(first) : `<code>${escapeHtml(first.ruleId)}</code><span class="small">${ids.size} finding ids</span>`),
      td(first.acknowledgement?.reason),
      td(distinct(members.map((r) => r.acknowledgement?.owner))),
      td(distinct(members.map((r) => r.acknowledgement?.reviewBy))),
      tdNum(members.length),
      tdHtml(`<details><summary>${members.length} ${noun}</summary><ul>${resources}</ul></details>`),
    ];
  });
}

function provenanceHtml(model: EvidenceModel, judged: JudgedInputs | undefined): string {
  const p = judged?.provenance;
  const commit = p?.commit
    ? `<code>${escapeHtml(p.commit.sha)}</code>${p.commit.dirty ? ' <strong>with uncommitted changes</strong>' : ''}`
    : escapeHtml(p ? 'not a git work tree at synth' : 'not recorded (the assembly was not synthesized by synthWithEvidence)');
  const tools = p && Object.keys(p.tools).length > 0 ? Object.entries(p.tools).map(([name, version]) => `${name} ${version}`).join(', ') : 'not recorded';
  const rows: [string, string][] = [
    ['Commit', commit],
    ['Profile', escapeHtml(p?.profile ?? 'not recorded')],
    ['Synthesized', escapeHtml(p?.synthesizedAt ?? 'not recorded')],
    ['Report generated', escapeHtml(model.generatedAt)],
    ['Check libraries', escapeHtml(tools)],
  ];
  const hashes = (judged?.templates ?? []).map((t) => [tdHtml(fileLink(t.file)), tdCode(t.sha256)]);
  const files = (judged?.files ?? []).map((f) => `<li>${fileLink(f.file)} <span class="small">${escapeHtml(f.label)}</span></li>`).join('');
  return `<section id="provenance"><h2>What this report judges</h2>
<dl class="provenance">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<h3>Templates (SHA-256)</h3>
${table(['Template', 'SHA-256'], hashes, 'No templates.')}
${files ? `<h3>Machine-readable files</h3><ul class="files">${files}</ul>` : ''}
</section>`;
}

function baselineHtml(judged: JudgedInputs | undefined): string {
  const baseline = judged?.baseline;
  if (baseline === undefined) return '';
  const { counts, entries } = baseline.comparison;
  const rows = entries
    .filter((e) => e.state !== 'unchanged')
    .map((e: BaselineEntry) => {
      const r = (e.current ?? e.previous) as CheckResult;
      const label = e.state === 'absent' ? 'fixed' : e.state === 'updated' ? 'changed' : 'new';
      return [tdHtml(`<span class="state">${escapeHtml(label)}</span>`), tdCode(r.pack), tdHtml(ruleCell(r)), tdHtml(constructCell(r)), td(r.status === 'acknowledged' ? `acknowledged: ${r.acknowledgement?.reason ?? ''}` : r.severity), td(e.changes.join('; '))];
    });
  return `<section id="baseline"><h2>Changes since the baseline</h2>
<p>Against <code>${escapeHtml(baseline.dir)}</code>: ${counts.new} new, ${counts.absent} fixed, ${counts.updated} changed, ${counts.unchanged} unchanged.</p>
${table(['Change', 'Pack', 'Rule', 'Construct', 'Now', 'What changed'], rows, 'No finding or acknowledgement changed.')}
</section>`;
}

/**
 * `extraSections`: ready-made HTML sections from other modules (e.g. the transfer-instrument register), placed after the acknowledgements.
 * `judged`: the commit, profile, template hashes and sibling files to show and link. @default none shown
 */
export function renderEvidenceHtml(model: EvidenceModel, matrix: ControlMatrix, extraSections: readonly string[] = [], judged?: JudgedInputs): string {
  const failures = model.results.filter((r) => r.status === 'fail');
  const errors = failures.filter((r) => r.severity === 'error');
  const acknowledged = model.results.filter((r) => r.status === 'acknowledged');
  const verdict =
    errors.length === 0
      ? `<div class="verdict verdict-ok">No unacknowledged error findings. ${acknowledged.length} acknowledged finding(s), ${failures.length} warning(s).</div>`
      : `<div class="verdict verdict-bad">${errors.length} unacknowledged error finding(s): the templates do not meet the checks.</div>`;

  const packRows = model.packs.map((p) => [
    p.name === PCI_DSS_PACK ? tdHtml(`<code>${escapeHtml(p.name)}</code><span class="small">${escapeHtml(PCI_DSS_RETIREMENT)}</span>`) : tdCode(p.name),
    td(p.version ?? ''),
    tdNum(p.failErrors),
    tdNum(p.fail - p.failErrors),
    tdNum(p.acknowledged),
    tdNum(p.passesKnown ? p.pass : 'not known'),
  ]);
  const domainRows = matrix.requirements
    .filter((q) => q.framework === 'Domain')
    .map((q) => [td(q.id), td(q.title), tdHtml(status(q.result)), tdNum(q.counts.pass), tdNum(q.counts.acknowledged), tdNum(q.counts.fail)]);
  const frameworkRows = [...new Set(matrix.requirements.filter((q) => q.framework !== 'Domain').map((q) => q.framework))].map((framework) => {
    const qs = matrix.requirements.filter((q) => q.framework === framework);
    const count = (result: string): number => qs.filter((q) => q.result === result).length;
    return [td(framework), tdNum(qs.length), tdNum(count('pass')), tdNum(count('acknowledged')), tdNum(count('fail'))];
  });
  const findingRows = failures.map((r) => [tdCode(r.pack), tdHtml(ruleCell(r)), td(r.severity), tdHtml(constructCell(r)), td(r.message)]);
  const ackRows = acknowledgementRows(acknowledged);
  const stackRows = model.stacks.map((s) => [tdCode(s.path), td(regionLabel(s.region)), td(s.account ?? 'any'), tdHtml(fileLink(s.templateFile))]);
  const classRows = model.classified.map((c) => [tdCode(c.constructPath), td(c.type), td(c.dataClass), td(regionLabel(c.region))]);
  const policy = model.policy;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compliance evidence: cross-border payment data</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Compliance evidence: cross-border payment data</h1>
<p class="meta">Generated ${escapeHtml(model.generatedAt)} from the synthesized cloud assembly${judged?.provenance?.profile ? ` (profile <code>${escapeHtml(judged.provenance.profile)}</code>${judged.provenance.commit ? `, commit <code>${escapeHtml(judged.provenance.commit.sha.slice(0, 12))}</code>${judged.provenance.commit.dirty ? ' with uncommitted changes' : ''}` : ''})` : ''}. Machine-readable: ${(judged?.files ?? [{ file: 'compliance.sarif' }, { file: 'control-matrix.json' }, { file: 'control-matrix.csv' }]).slice(0, 4).map((f) => fileLink(f.file)).join(', ')}.</p>
${verdict}
</header>
<main>
${provenanceHtml(model, judged)}
${baselineHtml(judged)}
<section id="policy"><h2>Residency policy checked</h2>
${
  policy
    ? `<p>Home region <strong>${escapeHtml(regionLabel(policy.homeRegion))}</strong>; allowed regions ${escapeHtml(policy.allowedRegions.map(regionLabel).join(', ') || 'none')}; operational log retention at most ${escapeHtml(String(policy.maxLogRetentionDays))} days.</p>`
    : '<p>No CrossBorder policy is recorded in the templates.</p>'
}
${table(['Stack', 'Region', 'Account', 'Template'], stackRows, 'No stacks.')}
</section>
<section id="packs"><h2>Summary per check pack</h2>
${table(['Pack', 'Version', 'Errors', 'Warnings', 'Acknowledged', 'Passed'], packRows, 'No checks ran.')}
</section>
<section id="requirements"><h2>Domain requirements</h2>
${table(['Requirement', 'What and why', 'Result', 'Pass', 'Acknowledged', 'Fail'], domainRows, 'No requirements.')}
<h3>Other frameworks (controls the packs cite)</h3>
${table(['Framework', 'Controls', 'Passed', 'Acknowledged', 'Failed'], frameworkRows, 'None.')}
</section>
<section id="data-flow"><h2>Data flow</h2>
<div class="scroll diagram" tabindex="0" role="region" aria-label="Data flow diagram">${dataFlowSvg(model)}</div>
</section>
<section id="residency"><h2>Residency map</h2>
<div class="scroll diagram" tabindex="0" role="region" aria-label="Residency map">${residencyMapSvg(model)}</div>
${table(['Construct', 'Type', 'Data class', 'Region'], classRows, 'No classified stores or keys.')}
</section>
<section id="findings"><h2>Findings (${failures.length})</h2>
${table(['Pack', 'Rule', 'Severity', 'Construct', 'What is wrong'], findingRows, 'No findings.')}
</section>
<section id="acknowledgements"><h2>Acknowledgements (${acknowledged.length} findings, ${ackRows.length} rule and reason groups)</h2>
${table(['Pack', 'Rule', 'Reason', 'Owner', 'Review by', 'Findings', 'Resources'], ackRows, 'No acknowledged findings.')}
</section>
${
  model.staleAcknowledgements.length > 0
    ? `<section id="stale"><h2>Acknowledgements matching no finding (${model.staleAcknowledgements.length})</h2><p>These were written into the templates but no check raises the finding any more: remove them from the register.</p>${table(
        ['Acknowledged id', 'Stack', 'On', 'Reason'],
        model.staleAcknowledgements.map((a) => [tdCode(a.id), tdCode(a.stackPath), tdCode(a.constructPaths.join(', ')), td(a.reason)]),
        '',
      )}</section>`
    : ''
}
${extraSections.join('\n')}
${runtimeSectionsHtml(model.canary)}
${model.gaps.length > 0 ? `<section id="gaps"><h2>Coverage notes</h2><ul>${model.gaps.map((g) => `<li>${escapeHtml(g)}</li>`).join('')}</ul></section>` : ''}
</main>
</body>
</html>
`;
}
