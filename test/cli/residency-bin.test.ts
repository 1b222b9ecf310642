/** One end-to-end run of the real launcher, as a user runs it after `npm ci`. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonl, TempDir, TEST_KEY_HEX } from './support';

const ROOT = join(__dirname, '..', '..');

test('node bin/residency.js desensitize --workers 2: exit 0, one summary line; a bad rule: one-line error, exit 1', () => {
  const dir = new TempDir();
  try {
    const input = dir.file('in.jsonl', jsonl([{ memo: 'call 13800138000' }, { card: { cvv: '1' } }]));
    const out = dir.file('out.jsonl');
    const quarantine = dir.file('q.jsonl');
    const env = { ...process.env, RESIDENCY_TOKEN_KEY: TEST_KEY_HEX };
    const argv = ['bin/residency.js', 'desensitize', '--rule', 'rules/cn-home/sg-settlement.json', '--in', input, '--out', out, '--quarantine', quarantine, '--workers', '2'];
    const ok = spawnSync(process.execPath, argv, { cwd: ROOT, env, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ read: 2, written: 1, quarantined: 1 });
    expect(readFileSync(out, 'utf8')).toBe('{"memo":"call [REDACTED:cn_mobile]"}\n');

    const badRule = dir.file('bad.json', '{"id": "x"}');
    const refused = spawnSync(process.execPath, [...argv.slice(0, 2), '--rule', badRule, ...argv.slice(4)], { cwd: ROOT, env, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^residency desensitize: refusing rule .*bad\.json: key version: missing; it is required; .*\n$/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  } finally {
    dir.remove();
  }
});
