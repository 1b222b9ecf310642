/**
 * `residency sample incidents`: a copy of the incident folder made by the incident function's own
 * `respond` (a GuardDuty finding, then the periodic check), which `residency incident` reads; seeded.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as incident } from '../../lib/cli/incident';
import { CliError } from '../../lib/cli/io';
import { run as sample } from '../../lib/cli/sample';
import { captureIo, TempDir, tree } from './support';

const RULE = join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json');

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());


async function sampleInto(name: string, ...extra: string[]): Promise<string> {
  const out = join(dir.path, name);
  expect(await sample(['incidents', '--rule', RULE, '--dir', out, ...extra], captureIo())).toBe(0);
  return out;
}

test('one open incident with the duties of both jurisdictions, its reminders recorded; incident list reads it', async () => {
  const copy = await sampleInto('incidents');
  const files = tree(copy);
  const [id] = readdirSync(copy);
  expect(id).toMatch(/^inc-[0-9a-f]{16}$/);
  const kinds = Object.keys(files).sort().map((path) => (JSON.parse(files[path] as string) as { kind: string }).kind);
  expect(kinds[0]).toBe('opened');
  expect(kinds.slice(1).every((kind) => kind === 'reminded')).toBe(true);
  const io = captureIo();
  expect(await incident(['list', '--dir', copy, '--at', '2026-03-31T09:00:00Z'], io)).toBe(0);
  const listed = JSON.parse(io.out.join('')) as Array<{ incidentId: string; status: string; deadlines: Array<{ jurisdiction: string }> }>;
  expect(listed.map((i) => [i.incidentId, i.status])).toEqual([[id, 'open']]);
  expect(new Set(listed[0]?.deadlines.map((d) => d.jurisdiction))).toEqual(new Set(['CN', 'SG']));
});

test('the same seed gives the same files; a tampered entry no longer verifies', async () => {
  const first = await sampleInto('a', '--seed', '7');
  expect(tree(await sampleInto('b', '--seed', '7'))).toEqual(tree(first));
  expect(tree(await sampleInto('c', '--seed', '8'))).not.toEqual(tree(first));
  const [id] = readdirSync(first);
  const opened = join(first, id as string, '000001.json');
  writeFileSync(opened, readFileSync(opened, 'utf8').replace('"severity":"high"', '"severity":"low"'));
  await expect(incident(['list', '--dir', first], captureIo())).rejects.toThrow(/does not verify/);
});

test('never writes into a folder that holds anything (exit 1)', async () => {
  const busy = join(dir.path, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'x'), '');
  await expect(sample(['incidents', '--rule', RULE, '--dir', busy], captureIo())).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/is not empty/) });
  await expect(sample(['incidents', '--dir', busy], captureIo())).rejects.toBeInstanceOf(CliError);
});
