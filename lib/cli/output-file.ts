/**
 * An output file that appears only when complete: written as `<path>.partial` and renamed at the
 * end, so a downstream job never picks up half an export after a crash or a refused run.
 */
import { createWriteStream, existsSync, rmSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { whileLive } from './interrupt';
import { CliError } from './io';
import { fileErrorReason } from './options';

export class OutputFile {
  private constructor(
    private readonly path: string,
    private readonly partialPath: string,
    private readonly stream: WriteStream,
    /** Ends the interruption's claim on the `.partial` (it removes it while the file is being written). */
    private readonly settled: () => void,
  ) {}

  static async create(path: string, flag: string): Promise<OutputFile> {
    const partialPath = `${path}.partial`;
    const stream = createWriteStream(partialPath, { flags: 'w' });
    const settled = whileLive({
      unwritten: path,
      run: () => {
        stopWriting(stream);
        rmSync(partialPath, { force: true });
      },
    });
    try {
      await once(stream, 'open');
    } catch (err) {
      settled();
      const code = (err as NodeJS.ErrnoException).code;
      const folder = dirname(path);
      const reason = code === 'ENOENT' && !existsSync(folder) ? `the folder ${folder} does not exist (create it first)` : fileErrorReason(err);
      throw new CliError(`cannot write --${flag} ${path}: ${reason}`);
    }
    return new OutputFile(path, partialPath, stream, settled);
  }

  /** Writes text or UTF-8 bytes, waiting when the disk is slower than the records come. */
  async write(data: string | Uint8Array): Promise<void> {
    if (data.length > 0 && !this.stream.write(data)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(this.partialPath, this.path);
    this.settled();
  }

  async discard(): Promise<void> {
    if (!this.stream.closed) {
      // Not events.once: it rejects on the 'error' a write in flight raises once the stream is destroyed.
      const closed = new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
      stopWriting(this.stream);
      await closed;
    }
    await rm(this.partialPath, { force: true });
    this.settled();
  }
}

/**
 * Destroys a stream whose file is being thrown away. A write still in flight then fails with
 * ERR_STREAM_DESTROYED as an 'error' event; with no listener that ended the process with a stack
 * trace instead of the run's own error (a refused run whose last batch was written just before).
 */
function stopWriting(stream: WriteStream): void {
  stream.on('error', () => undefined);
  stream.destroy();
}
