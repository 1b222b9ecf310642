import { PassThrough } from 'node:stream';
import { clock, Progress, PROGRESS_INTERVAL_MS } from '../../lib/cli/progress';
import { captureIo } from './support';

describe('Progress', () => {
  test('not a terminal: quiet for short runs, then a line per interval with rate, elapsed and ETA, and a final one', () => {
    let now = 0;
    const io = captureIo();
    const progress = new Progress(io, 'residency scan', 1000, () => now, undefined);
    now = PROGRESS_INTERVAL_MS - 1;
    progress.update(100, 10_000);
    expect(io.err).toEqual([]);
    now = 5000;
    progress.update(250, 25_000);
    now = 7000;
    progress.update(600, 60_000);
    now = 10_000;
    progress.update(1000, 100_000);
    progress.done(100_000);
    expect(io.err).toEqual([
      'residency scan: 25% of input read, 25,000 records, 5,000 records/s, elapsed 0:05, ETA 0:15\n',
      'residency scan: 100% of input read, 100,000 records, 10,000 records/s, elapsed 0:10, ETA 0:00\n',
      'residency scan: done, 100,000 records in 10.0 s\n',
    ]);
  });

  test('a run that never reported stays silent at the end', () => {
    const io = captureIo();
    new Progress(io, 'x', 10, () => 0, undefined).done(5);
    expect(io.err).toEqual([]);
  });

  test('a terminal gets a bar with the records, rate, elapsed and ETA, cleared at the end; nothing through io', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let drawn = '';
    terminal.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    let now = 0;
    const io = captureIo();
    const progress = new Progress(io, 'residency desensitize', 1000, () => now, terminal as unknown as NodeJS.WriteStream);
    now = 500;
    progress.update(100, 10);
    expect(drawn).toBe('');
    now = 2000;
    progress.update(500, 5000);
    progress.done(10_000);
    expect(drawn).toMatch(/residency desensitize \[.*\] 50% \| 5,000 records \| 2,500 records\/s \| elapsed 0:02 \| ETA 0:02/);
    expect(io.err).toEqual(['residency desensitize: done, 10,000 records in 2.0 s\n']);
  });

  test('clock: m:ss below an hour, h:mm:ss above', () => {
    expect([clock(0), clock(61_000), clock(3_725_000)]).toEqual(['0:00', '1:01', '1:02:05']);
  });
});
