/** Ctrl-C during a long run of the built CLI: workers stop, no `.partial` file stays, one line, exit 130. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir, TEST_KEY_HEX } from './support';

const ROOT = join(__dirname, '..', '..');

/** Enough records that the run is still going when the signal comes, even on a fast machine. */
function bigInput(path: string, records: number): void {
  const lines: string[] = [];
  for (let i = 0; i < records; i++) {
    lines.push(JSON.stringify({ txn: { tradeNo: `2026060122001400${String(i).padStart(12, '0')}`, amount: '10.50' }, payer: { mobile: '13800138000' }, memo: 'call 13800138000 please' }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run: exit 130, one line naming what was not written, no .partial left', async (signal) => {
  const dir = new TempDir();
  try {
    const input = dir.file('big.jsonl');
    bigInput(input, 400_000);
    const out = dir.file('out.jsonl');
    const quarantine = dir.file('q.jsonl');
    const child = spawn(
      process.execPath,
      ['bin/residency.js', 'desensitize', '--rule', 'rules/cn-home/sg-settlement.json', '--in', input, '--out', out, '--quarantine', quarantine, '--workers', '2'],
      { cwd: ROOT, env: { ...process.env, RESIDENCY_TOKEN_KEY: TEST_KEY_HEX } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close', not 'exit': 'exit' may come before the child's stderr has been read to its end.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Both outputs are being written when the signal comes.
    await waitFor(() => existsSync(`${out}.partial`) && existsSync(`${quarantine}.partial`), 30_000);
    child.kill(signal);
    // The code and the line together: a failure shows what the run said.
    expect({ code: await exited, stderr }).toEqual({ code: 130, stderr: `residency desensitize: interrupted by ${signal}; not written: ${out}, ${quarantine} (no .partial file left)\n` });
    expect(readdirSync(dir.path).sort()).toEqual(['big.jsonl']);
  } finally {
    dir.remove();
  }
});
