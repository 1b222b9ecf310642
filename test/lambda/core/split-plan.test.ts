import fc from 'fast-check';
import { recordsOfRange } from '../../../lambda/core/batch-stream';
import { MAX_SPLIT_PARTS, planDigest, planProblem, planSplit } from '../../../lambda/core/split-plan';

const MiB = 1024 * 1024;

describe('planSplit', () => {
  test.each([
    // size, part size → ranges
    [10, 4, [[0, 4], [4, 8], [8, 10]]],
    [10, 5, [[0, 5], [5, 10]]],
    // never one part: an object handed over is too large for one invocation
    [10, 100, [[0, 5], [5, 10]]],
    [3, 1, [[0, 1], [1, 2], [2, 3]]],
  ])('cuts %d bytes in parts of %d', (size, part, ranges) => {
    expect(planSplit(size, part).ranges.map((r) => [r.start, r.end])).toEqual(ranges);
  });

  test(`grows the parts to stay within ${MAX_SPLIT_PARTS}`, () => {
    const plan = planSplit(5 * 1024 ** 4, 16 * MiB);
    expect(plan.ranges).toHaveLength(MAX_SPLIT_PARTS);
    expect(plan.ranges[MAX_SPLIT_PARTS - 1]?.end).toBe(5 * 1024 ** 4);
  });

  test('refuses what cannot be cut', () => {
    expect(() => planSplit(1, 1)).toThrow(/cannot be split/);
    expect(() => planSplit(100, 0)).toThrow(/not a size/);
    expect(() => planSplit(100.5, 10)).toThrow(/cannot be split/);
  });

  test('property: the ranges cover the object in order, 2 to MAX parts, and the plan checks out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 32 }), (size, part) => {
        const plan = planSplit(size, part);
        expect(plan.ranges.length).toBeGreaterThanOrEqual(2);
        expect(plan.ranges.length).toBeLessThanOrEqual(MAX_SPLIT_PARTS);
        expect(plan.ranges[0]?.start).toBe(0);
        expect(plan.ranges[plan.ranges.length - 1]?.end).toBe(size);
        plan.ranges.forEach((r, i) => {
          expect(r.end).toBeGreaterThan(r.start);
          if (i > 0) expect(r.start).toBe(plan.ranges[i - 1]?.end);
        });
        expect(planProblem(plan)).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});

describe('planProblem (a plan received from the state machine)', () => {
  const plan = planSplit(100, 30);
  test.each([
    ['a gap', { ...plan, ranges: [{ start: 0, end: 30 }, { start: 31, end: 100 }] }, /part 2 is not the range after byte 30/],
    ['a short end', { ...plan, objectBytes: 101 }, /end at byte 100, the object at 101/],
    ['one part', { ...plan, ranges: [{ start: 0, end: 100 }] }, /2 to 1000 parts, this one 1/],
    ['ranges the digest does not name', { ...plan, ranges: [{ start: 0, end: 50 }, { start: 50, end: 100 }] }, /do not match the plan digest/],
  ])('names %s', (_, received, message) => {
    expect(planProblem(received)).toMatch(message);
  });

  test('the digest depends on the size and every range', () => {
    expect(planDigest(100, plan.ranges)).toBe(plan.digest);
    expect(planDigest(101, plan.ranges)).not.toBe(plan.digest);
    expect(planDigest(100, [...plan.ranges].reverse())).not.toBe(plan.digest);
  });
});

/** The bytes of a range as a ranged GET from the byte before it gives them, in chunks of `chunk`. */
async function* rangedGet(bytes: Buffer, start: number, chunk: number): AsyncGenerator<Uint8Array> {
  for (let i = Math.max(0, start - 1); i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(bytes.length, i + chunk));
}

test('property: whatever the plan, the parts of a JSON Lines object hold every record exactly once, in order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ minLength: 0, maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')), { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 17 }),
      async (lines, trailingNewline, part, chunk) => {
        const text = lines.join('\n') + (trailingNewline ? '\n' : '');
        const bytes = Buffer.from(text, 'utf8');
        if (bytes.length < 2) return;
        const parts: Buffer[] = [];
        for (const range of planSplit(bytes.length, part).ranges) {
          const got: Buffer[] = [];
          for await (const piece of recordsOfRange(rangedGet(bytes, range.start, chunk), range)) got.push(Buffer.from(piece));
          parts.push(Buffer.concat(got));
        }
        expect(Buffer.concat(parts).toString('utf8')).toBe(text);
      },
    ),
    { numRuns: 300 },
  );
});
