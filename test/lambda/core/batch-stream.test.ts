import fc from 'fast-check';
import { Readable } from 'node:stream';
import { MAX_RECORD_BYTES } from '../../../lambda/core/batch';
import { recordBatches, recordsOfRange, runOrdered } from '../../../lambda/core/batch-stream';
import { desensitizeJsonl } from '../../../lambda/core/records';
import { planWith } from './support';

/** A byte stream cut into chunks of the given sizes (cycled). */
function chunked(bytes: Buffer, sizes: readonly number[]): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length] ?? 1);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

async function collect(batches: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const batch of batches) out.push(Buffer.from(batch));
  return out;
}

const MID = { startOfInput: false } as const;

describe('recordBatches', () => {
  test('a multi-byte character cut across chunks arrives whole, and an invalid byte is quarantined, never replaced', async () => {
    const text = Buffer.concat([Buffer.from('{"memo":"张三李四"}\n{"memo":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"memo":"王五"}\n')]);
    // One byte per chunk: every character of 张三李四 is cut.
    const batches = await collect(recordBatches(chunked(text, [1]), 'jsonl', { batchBytes: 8 }));
    expect(Buffer.concat(batches).equals(text)).toBe(true);
    for (const batch of batches) expect(batch[batch.length - 1]).toBe(10);
    const plan = planWith({ fields: { memo: 'redact' }, otherFields: 'drop' });
    const results = batches.map((batch) => desensitizeJsonl(batch, plan, MID));
    const output = results.map((r) => r.output).join('');
    expect(output).toContain('张三李四');
    expect(output).toContain('王五');
    expect(output).not.toContain('\uFFFD');
    expect(results.flatMap((r) => r.quarantine.map((q) => q.reason))).toEqual(['invalid_utf8']);
  });

  test('skips a byte order mark that arrives split over the first chunks, and only at the start', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]);
    expect(Buffer.concat(await collect(recordBatches(chunked(text, [1, 1, 5]), 'jsonl'))).toString()).toBe('{"a":1}\n{"b":2}\n');
    expect(Buffer.concat(await collect(recordBatches(chunked(text, [2]), 'jsonl', { startOfInput: false }))).equals(text)).toBe(true);
  });

  test('cuts a line longer than the record limit, so one huge line never fills the memory', async () => {
    const long = Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(MAX_RECORD_BYTES * 3, 0x61), Buffer.from('"}\n{"b":1}\n')]);
    const batches = await collect(recordBatches(chunked(long, [65536]), 'jsonl'));
    const total = batches.reduce((n, b) => n + b.length, 0);
    expect(total).toBeLessThanOrEqual(MAX_RECORD_BYTES + 1 + 1 + 8);
    const result = desensitizeJsonl(Buffer.concat(batches), planWith({}), MID);
    expect(result.quarantine.map((q) => [q.line, q.reason])).toEqual([[1, 'too_long']]);
  });

  test('whatever the chunks and the batch size, the batches are the input, cut at record ends (property)', async () => {
    const line = fc.stringMatching(/^[a-z张 {}":,]{0,12}$/).map((s) => `${s}\n`);
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 64 }), async (lines, sizes, batchBytes) => {
        const text = Buffer.from(lines.join(''));
        const batches = await collect(recordBatches(chunked(text, sizes), 'jsonl', { batchBytes }));
        expect(Buffer.concat(batches).equals(text)).toBe(true);
        for (const batch of batches) expect(batch[batch.length - 1]).toBe(10);
      }),
    );
  });
});

describe('recordsOfRange', () => {
  async function part(text: Buffer, start: number, end: number, sizes: readonly number[]): Promise<Buffer> {
    const from = Math.max(0, start - 1);
    return Buffer.concat(await collect(recordsOfRange(chunked(text.subarray(from), sizes), { start, end })));
  }

  test('every record belongs to exactly one part, whichever way the object is cut (property)', async () => {
    const line = fc.stringMatching(/^[a-z0-9]{0,9}$/).map((s) => `${s}\n`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }),
        async (lines, lastNewline, cuts, sizes) => {
          let text = lines.join('');
          if (!lastNewline) text = text.slice(0, -1);
          const bytes = Buffer.from(text);
          fc.pre(bytes.length > 0);
          const bounds = [0];
          for (const cut of cuts) bounds.push(Math.min(bytes.length, (bounds[bounds.length - 1] as number) + cut));
          if (bounds[bounds.length - 1] !== bytes.length) bounds.push(bytes.length);
          const parts: Buffer[] = [];
          for (let i = 0; i + 1 < bounds.length; i++) {
            if ((bounds[i] as number) < (bounds[i + 1] as number)) parts.push(await part(bytes, bounds[i] as number, bounds[i + 1] as number, sizes));
          }
          expect(Buffer.concat(parts).toString()).toBe(text);
          // Whole records only: a part ends with a newline, unless it holds the object's unterminated last record.
          for (const p of parts) if (p.length > 0 && p[p.length - 1] !== 10) expect(text.endsWith(p.toString())).toBe(true);
        },
      ),
    );
  });

  test('a part starts after the first newline past its start and ends with the first newline past its end', async () => {
    const text = Buffer.from('aaaa\nbbbb\ncccc\n');
    expect((await part(text, 0, 3, [2])).toString()).toBe('aaaa\n');
    expect((await part(text, 3, 6, [2])).toString()).toBe('bbbb\n');
    expect((await part(text, 5, 6, [2])).toString()).toBe('bbbb\n');
    expect((await part(text, 6, 10, [2])).toString()).toBe('');
    expect((await part(text, 10, 15, [2])).toString()).toBe('cccc\n');
  });
});

describe('runOrdered', () => {
  test('hands outcomes on in input order with at most the given number in flight', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    async function* batches() {
      for (let i = 0; i < 20; i++) yield Uint8Array.of(i);
    }
    await runOrdered({
      batches: batches(),
      inFlight: 3,
      run: async (bytes) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, (20 - (bytes[0] as number)) % 4));
        running--;
        return bytes[0] as number;
      },
      onOutcome: (n) => void seen.push(n),
    });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(3);
  });

  test('a failing batch fails the run, and no later outcome is handed on', async () => {
    const seen: number[] = [];
    async function* batches() {
      for (let i = 0; i < 5; i++) yield Uint8Array.of(i);
    }
    await expect(
      runOrdered({
        batches: batches(),
        inFlight: 2,
        run: async (bytes) => {
          if (bytes[0] === 2) throw new Error('batch 2 failed');
          return bytes[0] as number;
        },
        onOutcome: (n) => void seen.push(n),
      }),
    ).rejects.toThrow('batch 2 failed');
    expect(seen).toEqual([0, 1]);
  });
});
