import { Progress } from '../../lib/cli/progress';
import { captureIo } from './support';

describe('Progress', () => {
  test('quiet for short runs, then a line every two seconds and a final one', () => {
    let now = 0;
    const io = captureIo();
    const progress = new Progress(io, 'residency scan', 1000, () => now);
    now = 1500;
    progress.update(100, 10_000);
    expect(io.err).toEqual([]);
    now = 2000;
    progress.update(450, 40_000);
    now = 3000;
    progress.update(600, 60_000);
    now = 4000;
    progress.update(1000, 100_000);
    progress.done(100_000);
    expect(io.err).toEqual([
      'residency scan: 45% of input read, 40,000 records, 20,000 records/s\n',
      'residency scan: 100% of input read, 100,000 records, 25,000 records/s\n',
      'residency scan: done, 100,000 records in 4.0 s\n',
    ]);
  });

  test('a run that never reported stays silent at the end', () => {
    const io = captureIo();
    new Progress(io, 'x', 10, () => 0).done(5);
    expect(io.err).toEqual([]);
  });
});
