import { PCI_DSS_PACK, PCI_DSS_RETIREMENT } from '../compliance/pci-dss-401';
import type { ControlMatrix } from './control-matrix';
import { dataFlowSvg, escapeHtml, regionLabel, residencyMapSvg } from './diagrams';
import type { CheckResult, EvidenceModel } from './evidence-model';
import { runtimeSectionsHtml } from '../runtime-checks/control-proof';

/**
 * The page an auditor opens: self-contained (inline CSS and SVG, no script, a CSP that forbids
 * any fetch), every value escaped.
 */

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;color:#1f2933;padding:0 1rem}
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
.svg-title{font:600 13px system-ui,sans-serif;fill:#1f2933}.svg-small{font:12px system-ui,sans-serif;fill:#1f2933}
.box-home{fill:#e6f6ff;stroke:#2680c2}.box-gateway{fill:#f0f4f8;stroke:#52606d}.box-ok{fill:#e3f9e5;stroke:#3f9142}.box-bad{fill:#ffe3e3;stroke:#ba2525}
.arrow-ok{stroke:#3f9142;stroke-width:2}.arrow-bad{stroke:#ba2525;stroke-width:3}.arrowhead{fill:#52606d}
.cell-ok{fill:#e3f9e5;stroke:#3f9142}.cell-bad{fill:#ffe3e3;stroke:#ba2525}.cell-empty{fill:#f5f7fa;stroke:#d9e2ec}
`;

function status(value: string): string {
  return `<span class="status status-${escapeHtml(value.replace(/ /g, '-'))}">${escapeHtml(value)}</span>`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')}</tbody></table>`;
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
  const where = r.templateFile === undefined ? '' : `<span class="small">${escapeHtml(r.templateFile)}${r.logicalId ? ` › ${escapeHtml(r.logicalId)}` : ''}</span>`;
  return `<code>${escapeHtml(r.constructPath)}</code>${where}`;
}

/** `extraSections`: ready-made HTML sections from other modules (e.g. the transfer-instrument register), placed after the acknowledgements. */
export function renderEvidenceHtml(model: EvidenceModel, matrix: ControlMatrix, extraSections: readonly string[] = []): string {
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
  const ackRows = acknowledged.map((r) => [
    tdHtml(ruleCell(r)),
    tdHtml(constructCell(r)),
    td(r.acknowledgement?.reason),
    td(r.acknowledgement?.owner ?? 'not in the register'),
    td(r.acknowledgement?.reviewBy ?? 'not in the register'),
  ]);
  const stackRows = model.stacks.map((s) => [tdCode(s.path), td(regionLabel(s.region)), td(s.account ?? 'any'), tdCode(s.templateFile)]);
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
<p class="meta">Generated ${escapeHtml(model.generatedAt)} from the synthesized cloud assembly. Machine-readable: <code>compliance.sarif</code>, <code>control-matrix.json</code>, <code>control-matrix.csv</code>.</p>
${verdict}
</header>
<main>
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
${dataFlowSvg(model)}
</section>
<section id="residency"><h2>Residency map</h2>
${residencyMapSvg(model)}
${table(['Construct', 'Type', 'Data class', 'Region'], classRows, 'No classified stores or keys.')}
</section>
<section id="findings"><h2>Findings (${failures.length})</h2>
${table(['Pack', 'Rule', 'Severity', 'Construct', 'What is wrong'], findingRows, 'No findings.')}
</section>
<section id="acknowledgements"><h2>Acknowledgements (${acknowledged.length})</h2>
${table(['Rule', 'Construct', 'Reason', 'Owner', 'Review by'], ackRows, 'No acknowledged findings.')}
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
