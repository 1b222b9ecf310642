import type { CheckResult, EvidenceModel } from './evidence-model';

/**
 * JUnit XML for CI test reporters: one `<testsuite>` per pack, one `<testcase>` per rule and
 * resource, a `<failure>` for each unacknowledged error or warning, `<skipped>` with the reason for
 * each acknowledged finding. Every value is escaped for XML (text and attributes).
 */

/** Escapes text and attribute values; drops characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- tab, LF and CR are the control characters XML allows
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

function testcase(r: CheckResult): string {
  const head = `    <testcase${attributes({ classname: `${r.pack}.${r.ruleId}`, name: `${r.findingId} on ${r.constructPath}`, file: r.templateFile ?? '' })}`;
  if (r.status === 'pass') return `${head}/>`;
  if (r.status === 'acknowledged') {
    const owner = r.acknowledgement?.owner === undefined ? '' : ` (owner ${r.acknowledgement.owner})`;
    return `${head}>\n      <skipped${attributes({ message: `acknowledged: ${r.acknowledgement?.reason ?? ''}${owner}` })}/>\n    </testcase>`;
  }
  return `${head}>\n      <failure${attributes({ message: r.message, type: r.severity })}>${escapeXml(`${r.severity}: ${r.message} [${r.findingId} on ${r.constructPath}]`)}</failure>\n    </testcase>`;
}

export function toJunitXml(model: EvidenceModel): string {
  const suites = model.packs.map((pack) => {
    const cases = model.results.filter((r) => r.pack === pack.name);
    const failures = cases.filter((r) => r.status === 'fail').length;
    const skipped = cases.filter((r) => r.status === 'acknowledged').length;
    const head = `  <testsuite${attributes({ name: pack.name, tests: cases.length, failures, errors: 0, skipped, timestamp: model.generatedAt.replace(/Z$/, '') })}`;
    return cases.length === 0 ? `${head}/>` : `${head}>\n${cases.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const all = model.results;
  const totals = {
    name: 'compliance checks',
    tests: all.length,
    failures: all.filter((r) => r.status === 'fail').length,
    errors: 0,
    skipped: all.filter((r) => r.status === 'acknowledged').length,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes(totals)}>\n${suites.join('\n')}\n</testsuites>\n`;
}
