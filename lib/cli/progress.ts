/**
 * Progress lines on stderr for long runs: nothing for the first seconds (short files stay quiet),
 * then one line every few seconds with the share of input read and the record rate.
 */
import type { CliIo } from './io';

const INTERVAL_MS = 2000;

export class Progress {
  private readonly started: number;
  private lastReport: number;
  private reported = false;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly totalBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastReport = this.started;
  }

  update(bytesRead: number, records: number): void {
    const now = this.now();
    if (now - this.lastReport < INTERVAL_MS) return;
    this.lastReport = now;
    this.reported = true;
    const share = this.totalBytes > 0 ? Math.min(100, Math.floor((100 * bytesRead) / this.totalBytes)) : 100;
    const rate = Math.round(records / ((now - this.started) / 1000));
    this.io.stderr(`${this.label}: ${share}% of input read, ${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')} records/s\n`);
  }

  done(records: number): void {
    if (!this.reported) return;
    const seconds = (this.now() - this.started) / 1000;
    this.io.stderr(`${this.label}: done, ${records.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s\n`);
  }
}
