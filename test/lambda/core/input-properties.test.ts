/**
 * Property tests for the input and shape half of the gate: numbers are never rounded, hostile
 * bytes never crash a batch and every line is accounted for with its number, and a kept value of
 * the wrong shape never leaves as it is.
 */
import fc from 'fast-check';
import { MAX_DEPTH, MAX_RECORD_BYTES } from '../../../lambda/core/batch';
import { csvLayout, csvOutputColumns, desensitizeCsv } from '../../../lambda/core/csv-records';
import { cnResidentIdCheckChar } from '../../../lambda/core/detectors/cn-resident-id';
import { findIdentifiers } from '../../../lambda/core/detectors/identifiers';
import { parseExact } from '../../../lambda/core/json/exact-parser';
import { desensitizeJsonl } from '../../../lambda/core/records';
import { compileShape, type Shape } from '../../../lambda/core/shapes';
import { cardOfNetwork } from './detectors/generators';
import { planWith } from './support';

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** An integer literal of 1-30 digits, as JSON writes it (no leading zero), maybe negative. */
const integerLiteral = fc
  .tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), digits(0, 29))
  .map(([negative, first, rest]) => `${negative ? '-' : ''}${first}${rest}`)
  .chain((literal) => fc.constantFrom(literal, '0'));

/** Card numbers in their networks' issuer ranges and lengths (the detectors judge cards by IIN range). */
const luhnCard = cardOfNetwork.map(({ digits }) => digits);
const numericResidentId = fc
  .tuple(fc.constantFrom('110105', '440305', '310104'), fc.date({ min: new Date('1950-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }), digits(3, 3))
  .map(([region, birth, sequence]) => region + birth.toISOString().slice(0, 10).replace(/-/g, '') + sequence)
  .filter((first17) => cnResidentIdCheckChar(first17) !== 'X')
  .map((first17) => first17 + cnResidentIdCheckChar(first17));
const mobile = fc.tuple(fc.constantFrom('3', '5', '8', '9'), digits(9, 9)).map(([second, rest]) => `1${second}${rest}`);
/** Identifiers that can be written as a bare JSON number. */
const numericIdentifier = fc.oneof(luhnCard, numericResidentId, mobile);

describe('lossless numbers', () => {
  const wide: Shape = { decimal: { maxIntegerDigits: 30, maxFractionDigits: 0 } };
  const plan = planWith({ fields: { n: { keep: wide }, 'deep.list': { keep: wide } } });

  test('any integer literal of 1-30 digits comes out byte-identical through a keep of a matching shape, or redacted when it is an identifier', () => {
    fc.assert(
      fc.property(integerLiteral, fc.boolean(), (literal, nested) => {
        const line = nested ? `{"deep":{"list":[${literal},1]}}` : `{"n":${literal}}`;
        const batch = desensitizeJsonl(Buffer.from(`${line}\n`), plan);
        expect(batch.written).toBe(1);
        const holdsIdentifier = findIdentifiers(literal.replace('-', '')).length > 0;
        if (holdsIdentifier) expect(batch.output).not.toContain(literal.replace('-', ''));
        else expect(batch.output).toBe(`${line}\n`);
      }),
      { numRuns: 1000 },
    );
  });

  test('the exact reader keeps every literal digit for digit', () => {
    fc.assert(
      fc.property(fc.array(integerLiteral, { minLength: 1, maxLength: 5 }), (literals) => {
        const parsed = parseExact(`[${literals.join(',')}]`, MAX_DEPTH).value as unknown[];
        expect(parsed.map((n) => (typeof n === 'number' ? String(n) : (n as { source: string }).source))).toEqual(literals);
      }),
    );
  });

  test('an identifier written as a JSON number never leaves unprotected, under any transform', () => {
    const everywhere = planWith({ fields: { kept: { keep: wide }, free: 'redact', tok: 'token', tail: 'last4' }, otherFields: 'redact' });
    fc.assert(
      fc.property(numericIdentifier, fc.constantFrom('kept', 'free', 'tok', 'tail', 'other'), fc.boolean(), (identifier, field, inArray) => {
        const value = inArray ? `[${identifier}]` : identifier;
        const batch = desensitizeJsonl(Buffer.from(`{"${field}":${value}}\n`), everywhere);
        expect(batch.read).toBe(batch.written + batch.quarantine.length);
        expect(batch.output).not.toContain(identifier);
        // Not a rounded copy either: the first 15 digits survive doubles.
        expect(batch.output).not.toContain(identifier.slice(0, 15));
      }),
      { numRuns: 500 },
    );
  });
});

type LineKind = 'valid' | 'blank' | 'invalid_utf8' | 'too_deep' | 'too_long' | 'unparseable';

const LONG = `{"memo":"${'x'.repeat(MAX_RECORD_BYTES)}"}`;

const hostileLine: fc.Arbitrary<{ kind: LineKind; bytes: Buffer }> = fc.oneof(
  fc.string({ maxLength: 20 }).map((text) => ({ kind: 'valid' as const, bytes: Buffer.from(JSON.stringify({ memo: text })) })),
  fc.constantFrom('', '   ', '\t').map((text) => ({ kind: 'blank' as const, bytes: Buffer.from(text) })),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.nat(), fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xbd], [0x80]))
    .map(([text, at, bad]) => {
      const good = Buffer.from(JSON.stringify({ memo: text }));
      const cut = at % (good.length + 1);
      return { kind: 'invalid_utf8' as const, bytes: Buffer.concat([good.subarray(0, cut), Buffer.from(bad), good.subarray(cut)]) };
    }),
  fc.integer({ min: 1, max: 3 * MAX_DEPTH }).map((depth) => ({
    kind: depth + 1 > MAX_DEPTH ? ('too_deep' as const) : ('valid' as const),
    bytes: Buffer.from(`{"memo":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  })),
  fc.constant({ kind: 'too_long' as const, bytes: Buffer.from(LONG) }),
  fc.string({ maxLength: 20 }).map((text) => ({ kind: 'unparseable' as const, bytes: Buffer.from(`{"memo":${JSON.stringify(text)}`) })),
);

describe('hostile JSON Lines', () => {
  const plan = planWith({ fields: { memo: 'redact' } });

  test('never crash; every non-blank line is written or quarantined with its own number and reason', () => {
    fc.assert(
      fc.property(fc.array(hostileLine, { maxLength: 12 }), fc.boolean(), (lines, crlf) => {
        const input = Buffer.concat(lines.flatMap((line) => [line.bytes, Buffer.from(crlf ? '\r\n' : '\n')]));
        const batch = desensitizeJsonl(input, plan);
        const expected = lines.flatMap((line, index) => (line.kind === 'valid' || line.kind === 'blank' ? [] : [{ line: index + 1, reason: line.kind }]));
        expect(batch.quarantine.map(({ line, reason }) => ({ line, reason }))).toEqual(expected);
        expect(batch.written).toBe(lines.filter((line) => line.kind === 'valid').length);
        expect(batch.read).toBe(batch.written + batch.quarantine.length);
        expect(batch.lines).toBe(lines.length);
        expect(batch.output).not.toContain('\uFFFD');
      }),
      { numRuns: 150 },
    );
  });
});

describe('broken CSV quoting', () => {
  const plan = planWith({ fields: { 'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' } }, memo: 'redact' } });
  const layout = csvLayout(['txn.tradeNo', 'memo']);
  const columns = csvOutputColumns(layout, plan);
  const row = (i: number, memo: string) => `${String(2024010122001400000000000000n + BigInt(i))},${memo}`;
  const memo = fc.stringMatching(/^[a-z 张]{0,10}$/);

  test('one stray quote anywhere costs exactly its line; every other row is written', () => {
    fc.assert(
      fc.property(fc.array(memo, { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (memos, whichRow, where) => {
        const rows = memos.map((m, i) => row(i, m));
        const k = whichRow % rows.length;
        const at = where % (rows[k].length + 1);
        rows[k] = `${rows[k].slice(0, at)}"${rows[k].slice(at)}`;
        const batch = desensitizeCsv(Buffer.from(`${rows.join('\n')}\n`), layout, columns, plan);
        expect(batch.quarantine.map((q) => q.line)).toEqual([k + 1]);
        expect(batch.written).toBe(rows.length - 1);
      }),
      { numRuns: 300 },
    );
  });

  test('any number of quotes, commas and newlines in random places: no crash, read = written + quarantined, lines in order', () => {
    const noise = fc.array(fc.tuple(fc.nat(), fc.constantFrom('"', ',', '\n', '\r\n', '""', '\xff')), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(memo, { minLength: 1, maxLength: 20 }), noise, (memos, edits) => {
        let text = `${memos.map((m, i) => row(i, m)).join('\n')}\n`;
        for (const [at, insert] of edits) {
          const cut = at % (text.length + 1);
          text = text.slice(0, cut) + insert + text.slice(cut);
        }
        const input = Buffer.from(text.replace(/\xff/g, '\u0000'), 'utf8');
        const batch = desensitizeCsv(input, layout, columns, plan);
        expect(batch.read).toBe(batch.written + batch.quarantine.length);
        const lines = batch.quarantine.map((q) => q.line);
        expect([...lines].sort((a, b) => a - b)).toEqual(lines);
        expect(new Set(lines).size).toBe(lines.length);
        for (const line of lines) expect(line).toBeLessThanOrEqual(batch.lines);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shapes', () => {
  const shapes: fc.Arbitrary<Shape> = fc.constantFrom<Shape>(
    'decimal',
    'integer',
    'boolean',
    'currency',
    'date',
    'timestamp',
    { enum: ['SUCCESS', 'REFUND', 0] },
    { pattern: '^[0-9]{28}$' },
    { decimal: { maxIntegerDigits: 6, maxFractionDigits: 2 } },
    { integer: { min: 0, max: 100 } },
  );
  const values = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('CNY', 'SUCCESS', '2026-03-01', '2026-03-01T10:00:00Z', '2024010122001400000000000001', 'true', '1280.50', '13800138000'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );

  const plans = new Map<string, ReturnType<typeof planWith>>();

  test('a kept value that does not have its shape never leaves as it is', () => {
    fc.assert(
      fc.property(shapes, values, fc.constantFrom('quarantine', 'redact'), (shape, value, onMismatch) => {
        const key = JSON.stringify([shape, onMismatch]);
        const plan = plans.get(key) ?? plans.set(key, planWith({ fields: { f: { keep: shape, onMismatch } } })).get(key)!;
        const matches = compileShape(shape);
        const batch = desensitizeJsonl(Buffer.from(`${JSON.stringify({ f: value })}\n`), plan);
        if (batch.written === 0) return; // quarantined: nothing left
        const written = (JSON.parse(batch.output) as { f?: unknown }).f;
        // Arrays are matched element by element, at any depth; every other value must match or be redacted.
        const check = (input: unknown, output: unknown): void => {
          if (Array.isArray(input)) input.forEach((item, i) => check(item, (output as unknown[])[i]));
          else if (input !== null && !matches(input)) {
            expect(output).toBe('[REDACTED]');
            expect(onMismatch).toBe('redact');
          }
        };
        check(value, written);
      }),
      { numRuns: 1000 },
    );
  });
});
