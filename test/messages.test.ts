import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../lib/config';
import { JsonSyntaxError, lineAndColumn, parseJsonText } from '../lambda/core/json/syntax-error';
import { readInstrumentRegister } from '../lib/instrument-register';

const VALID = { projectName: 'paydata', homeRegion: 'cn-north-1', allowedDestinationRegions: ['ap-southeast-1'] };

function problemsOf(raw: unknown): string[] {
  try {
    loadConfig(raw, 'cdk.json context "residency:profiles.default"');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration problems in the project\'s own words', () => {
  test('a mistyped key gets "did you mean", at the root and inside an object', () => {
    const { homeRegion, ...rest } = VALID;
    expect(problemsOf({ ...rest, homeRegoin: homeRegion }).join('\n')).toMatch(/unknown key\(s\) "homeRegoin"; did you mean "homeRegion"\?/);
    expect(problemsOf({ ...VALID, runtimeChecks: { canaryEveryMinuts: 60 } }).join('\n')).toMatch(/runtimeChecks: unknown key\(s\) "canaryEveryMinuts"; did you mean "canaryEveryMinutes"\?/);
    expect(problemsOf({ ...VALID, zzzzzzzz: 1 }).join('\n')).toMatch(/unknown key\(s\) "zzzzzzzz"$/m);
  });

  test('a missing or mistyped value never shows zod\'s wording', () => {
    const { homeRegion: _omitted, ...missing } = VALID;
    const all = [...problemsOf(missing), ...problemsOf({ ...VALID, logRetentionDays: '30' }), ...problemsOf({ ...VALID, allowedDestinationRegions: 'ap-southeast-1' })];
    for (const problem of all) expect(problem).not.toMatch(/Invalid input|expected \w+, received/);
    expect(problemsOf(missing).join('\n')).toMatch(/homeRegion: got nothing \(missing\); is required/);
    expect(problemsOf({ ...VALID, logRetentionDays: '30' }).join('\n')).toMatch(/logRetentionDays: got "30"; expected a number, found text/);
  });
});

describe('JSON syntax errors name file:line:column and never quote the text', () => {
  test.each([
    ['{\n  "a": 1,\n  "b": 2,\n}\n', 4, 1, 'unexpected "}"'],
    ['{"a": [1, 2', 1, 12, 'ends before the JSON does'],
    ['[\n\n   secret-4111111111111111 ]', 3, 4, 'unexpected character'],
    ['{"a":1}\r\n{"b":2}', 2, 1, 'unexpected "{"'],
  ])('%j', (text, line, column, what) => {
    let caught: unknown;
    try {
      parseJsonText(text, 'rules/x.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(JsonSyntaxError);
    const error = caught as JsonSyntaxError;
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toMatch(new RegExp(`^rules/x\\.json:${line}:${column}: not valid JSON: .*${what.replace(/[".]/g, '.')}`));
    expect(error.message).not.toMatch(/position|4111|secret/);
  });

  test('lineAndColumn counts lines from 1 and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd', 99)).toEqual({ line: 2, column: 3 });
  });

  test('an instrument register that is not JSON is refused with line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'register-'));
    try {
      writeFileSync(join(dir, 'register.json'), '{\n  "instruments": [\n    {"id": "scc-1",}\n  ]\n}\n');
      const read = readInstrumentRegister(join(dir, 'register.json'), 'rules/default/instruments/register.json');
      expect(read.ok).toBe(false);
      expect(read.ok ? [] : read.problems).toEqual(['rules/default/instruments/register.json:3:20: not valid JSON: unexpected "}"']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
