/**
 * Progress of a long run, on stderr. On a terminal, a bar (cli-progress) with the share of input read,
 * the records, their rate, the time elapsed and the time left (ETA). Otherwise (a pipe, a CI log) a
 * plain line every few seconds with the same numbers. Short runs stay quiet: nothing is shown before
 * the run has gone on for a few seconds.
 */
import { whileLive } from './interrupt';
import type { CliIo } from './io';

/** Plain lines: the first after this long, then one per interval. */
export const PROGRESS_INTERVAL_MS = 5000;
/** The bar appears once a run has gone on this long. */
const BAR_DELAY_MS = 1000;

/** `m:ss` or `h:mm:ss`. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The little of cli-progress's bar this uses (loaded only when a terminal shows one). */
interface Bar {
  start(total: number, value: number, payload: Record<string, string>): void;
  update(value: number, payload: Record<string, string>): void;
  stop(): void;
}

function terminalBar(stream: NodeJS.WriteStream, label: string): Bar {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a terminal
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  return new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {records} records | {rate} records/s | elapsed {elapsedClock} | ETA {etaClock}`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
    etaBuffer: 50,
  });
}

export class Progress {
  private readonly started: number;
  private lastLine: number;
  private reported = false;
  private bar: Bar | undefined;
  private barSettled: (() => void) | undefined;

  /**
   * @param terminal the stream a bar is drawn on when it is a TTY @default process.stderr
   */
  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly totalBytes: number,
    private readonly now: () => number = Date.now,
    private readonly terminal: NodeJS.WriteStream | undefined = process.stderr,
  ) {
    this.started = now();
    this.lastLine = this.started;
  }

  private numbers(bytesRead: number, records: number, now: number): { share: number; rate: number; elapsed: string; eta: string } {
    const elapsedMs = now - this.started;
    const share = this.totalBytes > 0 ? Math.min(1, bytesRead / this.totalBytes) : 1;
    const rate = elapsedMs > 0 ? Math.round(records / (elapsedMs / 1000)) : 0;
    const eta = share > 0 ? clock((elapsedMs * (1 - share)) / share) : '?';
    return { share, rate, elapsed: clock(elapsedMs), eta };
  }

  update(bytesRead: number, records: number): void {
    const now = this.now();
    const { share, rate, elapsed, eta } = this.numbers(bytesRead, records, now);
    if (this.terminal?.isTTY === true) {
      if (this.bar === undefined && now - this.started < BAR_DELAY_MS) return;
      const payload = { records: count(records), rate: count(rate), elapsedClock: elapsed, etaClock: eta };
      if (this.bar === undefined) {
        const bar = terminalBar(this.terminal, this.label);
        this.bar = bar;
        this.barSettled = whileLive({ run: () => bar.stop() });
        bar.start(100, Math.floor(share * 100), payload);
      } else this.bar.update(Math.floor(share * 100), payload);
      this.reported = true;
      return;
    }
    if (now - this.lastLine < PROGRESS_INTERVAL_MS) return;
    this.lastLine = now;
    this.reported = true;
    this.io.stderr(`${this.label}: ${Math.floor(share * 100)}% of input read, ${count(records)} records, ${count(rate)} records/s, elapsed ${elapsed}, ETA ${eta}\n`);
  }

  /** Takes the bar off the terminal (a run that ends early, or is interrupted). */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.barSettled?.();
    this.barSettled = undefined;
  }

  done(records: number): void {
    this.stop();
    if (!this.reported) return;
    const seconds = (this.now() - this.started) / 1000;
    this.io.stderr(`${this.label}: done, ${count(records)} records in ${seconds.toFixed(1)} s\n`);
  }
}
