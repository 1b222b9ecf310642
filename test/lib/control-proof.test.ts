import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlProofs, readCanaryResults, runtimeSectionsHtml } from '../../lib/runtime-checks/control-proof';

const incident = {
  kind: 'leak-canary-incident', version: 1, runId: 'r1', detectedAt: '2026-06-01T10:00:00Z',
  object: { bucket: 'paydata-outbound', key: 'outbound/ap-southeast-1/sg-settlement/v3/part-1.jsonl', lastModified: '2026-06-01T09:00:00Z', bytes: 10 },
  declaration: { rule: 'sg-settlement@3', ruleId: 'sg-settlement', ruleVersion: 3, seq: 42, hash: 'a'.repeat(64) },
  problems: [], counts: { cn_resident_id: 2 }, findings: [], findingsTruncated: false, lines: 3,
};
const run = { kind: 'leak-canary-run', version: 1, runId: 'r1', startedAt: '2026-06-01T09:59:00Z', finishedAt: '2026-06-01T10:01:00Z', bucket: 'b', prefix: 'outbound/', since: 'x', candidates: 4, sampled: 4, scanned: 4, clean: 3, incidents: 1, notScanned: [] };

function canaryDir(records: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'canary-'));
  mkdirSync(join(dir, 'incidents', '2026-06-01'), { recursive: true });
  records.forEach((r, i) => writeFileSync(join(dir, 'incidents', '2026-06-01', `${i}.json`), JSON.stringify(r)));
  return dir;
}

describe('proven at synth, runtime or both', () => {
  test('runtime twins are "both", the rest synth only, and the canary proves desensitization at runtime', () => {
    const proofs = controlProofs();
    expect(proofs.find((p) => p.control === 'CrossBorder-LogRetentionCeiling')?.provenWhen).toBe('both');
    expect(proofs.find((p) => p.control === 'CrossBorder-NoHardcodedPartition')?.provenWhen).toBe('synth');
    expect(proofs.filter((p) => p.provenWhen === 'runtime').map((p) => p.runtime[0])).toEqual([expect.stringContaining('leak canary')]);
  });

  test('the page names each incident by object, rule and declaration', () => {
    const html = runtimeSectionsHtml(readCanaryResults(canaryDir([incident, run])));
    expect(html).toContain('After deploy: leak canary (1 incident(s))');
    expect(html).toContain('sg-settlement@3 · declaration #42');
    expect(html).toContain('cn_resident_id: 2');
    expect(runtimeSectionsHtml()).toContain('No leak canary results were given');
  });

  test('a file that is not a canary record is refused with its name', () => {
    expect(() => readCanaryResults(canaryDir([{ kind: 'something-else' }]))).toThrow(/0\.json: kind "something-else" is not a leak canary record/);
  });
});
