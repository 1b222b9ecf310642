import { Readable } from 'node:stream';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';

/**
 * A GetObject body as the SDK returns it: a stream that can also give its text or bytes.
 * The web-stream form is never used by our handlers, so asking for it fails the test.
 */
export function s3Body(content: string | Buffer): GetObjectCommandOutput['Body'] {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return Object.assign(Readable.from([bytes]), {
    transformToString: async () => bytes.toString('utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToWebStream: (): never => {
      throw new Error('the handlers read text or bytes only');
    },
  });
}
