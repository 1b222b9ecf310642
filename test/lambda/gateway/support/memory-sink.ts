import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { OutputSink, WrittenObject } from '../../../../lambda/shared/multipart-output';
import type { SourceStream } from '../../../../lambda/gateway/transfer-object';

/** A sink that keeps what was written and hands the whole body over when completed (nothing when aborted). */
export function memorySink(key: string, onComplete: (body: string, written: WrittenObject) => void, versionId?: string): OutputSink {
  const chunks: Buffer[] = [];
  let done = false;
  return {
    write: async (data) => {
      if (done) throw new Error(`${key}: write after complete or abort`);
      chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
    },
    complete: async () => {
      done = true;
      const body = Buffer.concat(chunks);
      const written = { key, ...(versionId === undefined ? {} : { versionId }), sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
      onComplete(body.toString('utf8'), written);
      return written;
    },
    abort: async () => {
      done = true;
    },
  };
}

/** An object's bytes as a stream of small chunks (so records and characters are cut across chunks). */
export function sourceStream(bytes: Buffer | string, chunkBytes = 7): SourceStream {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += chunkBytes) chunks.push(buffer.subarray(i, i + chunkBytes));
  return { size: buffer.length, chunks: Readable.from(chunks) };
}
