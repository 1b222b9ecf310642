/**
 * `npx tsx bench/json-readers.ts [--records N]`
 *
 * Which JSON reader the gate uses, measured: the same synthetic records read by
 * - the native `JSON.parse` (the floor; it rounds long integers and hides duplicate keys),
 * - `readJsonLine` (the gate's reader, on the line's bytes as the batches hold them: one measuring
 *   pass, then the native parser, or the exact one),
 * - `lossless-json`'s `parse` (keeps every number as text; throws on a duplicate key),
 * - `parseExact` alone (the gate's exact reader for every line),
 * once on the plain records and once with every card number written as a JSON number of 16-19
 * digits (each such line must take an exact path). Prints µs per record, best of 5.
 */
import { isSafeNumber, LosslessNumber, parse as losslessParse } from 'lossless-json';
import { parseArgs } from 'node:util';
import { parseExact } from '../lambda/core/json/exact-parser';
import { readJsonLine } from '../lambda/core/json/read-record';
import { seededRandom, syntheticRecord } from './synthetic-records';

const MAX_DEPTH = 64;
const { values } = parseArgs({ args: process.argv.slice(2), options: { records: { type: 'string', default: '50000' } } });
const count = Number(values.records);

function lines(longNumbers: boolean): string[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, i) => {
    const record = syntheticRecord(random, i);
    const text = JSON.stringify(record);
    if (!longNumbers) return text;
    const pan = String((record.card as { pan: string }).pan).replace(/\s/g, '');
    return text.replace(/"pan":"[^"]*"/, `"pan":${pan}`);
  });
}

function timePerRecord(input: readonly string[], read: (line: string, index: number) => unknown): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < input.length; i++) read(input[i], i);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e3 / input.length);
  }
  return best;
}

let encoded: Buffer[] = [];
const readers: readonly (readonly [string, (line: string, index: number) => unknown])[] = [
  ['JSON.parse (lossy, last key wins)', (line) => JSON.parse(line)],
  ['readJsonLine (the gate)', (_line, i) => readJsonLine(encoded[i], 0, encoded[i].length, MAX_DEPTH)],
  ['lossless-json parse', (line) => losslessParse(line, null, (text) => (isSafeNumber(text) ? Number(text) : new LosslessNumber(text)))],
  ['parseExact on every line', (line) => parseExact(line, MAX_DEPTH)],
];

for (const longNumbers of [false, true]) {
  const input = lines(longNumbers);
  encoded = input.map((line) => Buffer.from(line));
  console.log(`\n${count.toLocaleString('en-US')} records, ${longNumbers ? 'card numbers as 16-19 digit JSON numbers' : 'as generated (no long number literal)'}`);
  for (const [label, read] of readers) console.log(`  ${label.padEnd(36)}${timePerRecord(input, read).toFixed(2).padStart(8)} µs/record`);
}
