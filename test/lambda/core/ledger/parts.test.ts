/**
 * A declaration of a split object lists its parts: the schema accepts it (and old declarations
 * without parts), the chain verifies, `residency ledger verify` passes it, and parts that do not add
 * up to the output, or do not cover the object from byte 0, are refused when writing and reported
 * when verifying. A retry that differs only by how the output was computed (parts or not) is the
 * same transfer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, declarationDifferences, DeclarationBodySchema, fileNameFor, verifyChain, type DeclarationBody } from '../../../../lambda/core/ledger';
import { run } from '../../../../lib/cli/ledger';
import { chainOf, declarationBody } from '../../../support/ledger-fixtures';

const whole = declarationBody(1);
const parts = (bytes: readonly number[], records: readonly number[]): NonNullable<DeclarationBody['parts']> =>
  bytes.map((b, i) => ({ start: i * 1000, end: (i + 1) * 1000, bytes: b, records: records[i] as number, sha256: `${String(i).padStart(2, '0')}${'cd'.repeat(31)}` }));
const split: DeclarationBody = { ...whole, parts: parts([whole.output.bytes - 100, 100], [whole.output.records - 1, 1]) };

describe('a declaration with parts', () => {
  test('is accepted, and so is one without', () => {
    expect(DeclarationBodySchema.safeParse(split).success).toBe(true);
    expect(DeclarationBodySchema.safeParse(whole).success).toBe(true);
  });

  test.each([
    ['bytes that do not add up to the output', { ...whole, parts: parts([10, 20], [whole.output.records - 1, 1]) }, /parts hold 30 bytes/],
    ['records that do not add up', { ...whole, parts: parts([whole.output.bytes, 0], [1, 1]) }, /parts hold 2 records/],
    ['a first part not at byte 0', { ...split, parts: split.parts!.map((p) => ({ ...p, start: p.start + 1 })) }, /parts\.0: must be the range starting at byte 0/],
    ['a gap between parts', { ...split, parts: [split.parts![0]!, { ...split.parts![1]!, start: 1001 }] }, /parts\.1: must be the range starting at byte 1000/],
    ['a single part', { ...split, parts: [split.parts![0]!] }, /at least two parts/],
  ])('is refused with %s', (_, body, message) => {
    const parsed = DeclarationBodySchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toMatch(message);
  });

  test('chains and verifies; a tampered part breaks the verification at its entry', () => {
    const entries = chainOf([whole, { ...split, source: { ...split.source, key: 'raw/other.jsonl' }, idempotencyKey: 'home-raw-c2/raw/other.jsonl@v1#sg-settlement@3', output: { ...split.output, key: 'outbound/other.jsonl' } }]);
    const read = entries.map((e) => JSON.parse(canonicalJson(e)) as Record<string, unknown>);
    expect(verifyChain(read)).toMatchObject({ ok: true, count: 2 });
    const tampered = read.map((e, i) => (i === 1 ? { ...e, parts: (e.parts as object[]).map((p, k) => (k === 0 ? { ...p, bytes: 1 } : p)) } : e));
    expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBreak: { seq: 2, reason: expect.stringMatching(/^malformed entry: parts: the parts hold/) } });
  });

  test('`residency ledger verify` passes a ledger holding it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-parts-'));
    try {
      for (const entry of chainOf([split])) writeFileSync(join(dir, fileNameFor(entry)), canonicalJson(entry));
      let out = '';
      const code = await run(['verify', '--dir', dir], { stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ ok: true, entries: 1, declarations: 1, violations: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a retry that computed the same output whole (or split) is the same transfer; other bytes are not', () => {
    expect(declarationDifferences(split, whole)).toEqual([]);
    expect(declarationDifferences(whole, split)).toEqual([]);
    expect(declarationDifferences(split, { ...whole, output: { ...whole.output, sha256: 'ef'.repeat(32) } })).toEqual(['output']);
  });
});
