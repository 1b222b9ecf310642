import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash, randomBytes } from 'node:crypto';
import { MIN_PART_BYTES, MultipartOutput, PART_BYTES } from '../../../lambda/shared/multipart-output';

const s3 = mockClient(S3Client);
const TARGET = { bucket: 'outbound', key: 'staging/a.jsonl', contentType: 'application/x-ndjson' };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

beforeEach(() => {
  s3.reset();
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
  s3.on(CompleteMultipartUploadCommand).resolves({ VersionId: 'v7' });
});

describe('MultipartOutput', () => {
  test('sends parts of PART_BYTES each with its SHA-256, the last smaller, and reports the SHA-256 of the whole', async () => {
    const body = randomBytes(PART_BYTES * 2 + 12345);
    const sink = new MultipartOutput(new S3Client({}), TARGET);
    // Writes of odd sizes: parts are cut from them, not from the writes.
    for (let i = 0; i < body.length; i += 777_777) await sink.write(body.subarray(i, i + 777_777));
    const written = await sink.complete();
    expect(written).toEqual({ key: TARGET.key, versionId: 'v7', sha256: sha256(body).toString('hex'), bytes: body.length });

    const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => (p.Body as Buffer).length)).toEqual([PART_BYTES, PART_BYTES, 12345]);
    expect(Buffer.concat(parts.map((p) => p.Body as Buffer)).equals(body)).toBe(true);
    for (const part of parts) expect(part.ChecksumSHA256).toBe(sha256(part.Body as Buffer).toString('base64'));
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ ChecksumAlgorithm: 'SHA256', ContentType: 'application/x-ndjson' });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload?.Parts?.map((p) => [p.PartNumber, p.ETag])).toEqual([
      [1, '"e1"'],
      [2, '"e2"'],
      [3, '"e3"'],
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('an object under the smallest part is one PutObject that S3 checks against the whole SHA-256', async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
    const sink = new MultipartOutput(new S3Client({}), TARGET);
    await sink.write('{"a":1}\n');
    await sink.write(Buffer.from('{"b":2}\n'));
    const written = await sink.complete();
    expect(written.sha256).toBe(sha256(Buffer.from('{"a":1}\n{"b":2}\n')).toString('hex'));
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.ChecksumSHA256).toBe(sha256(Buffer.from('{"a":1}\n{"b":2}\n')).toString('base64'));
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  test('a part that fails aborts the upload, and nothing is completed', async () => {
    s3.on(UploadPartCommand).rejects(new Error('503'));
    s3.on(AbortMultipartUploadCommand).resolves({});
    const sink = new MultipartOutput(new S3Client({}), { ...TARGET, maxInFlight: 1 });
    const writing = (async () => {
      for (let i = 0; i < 4; i++) await sink.write(randomBytes(MIN_PART_BYTES));
      await sink.complete();
    })();
    await expect(writing).rejects.toThrow('503');
    await sink.abort();
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({ Bucket: 'outbound', Key: TARGET.key, UploadId: 'u1' });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  test('copies a byte range in as a part (UploadPartCopy) and hashes the bytes the caller read', async () => {
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"c2"' } });
    const first = randomBytes(MIN_PART_BYTES);
    const copied = randomBytes(1000);
    const sink = new MultipartOutput(new S3Client({}), TARGET);
    await sink.write(first);
    await sink.flushPart();
    sink.hashOnly(copied);
    await sink.copyPart({ copySource: 'outbound/staging/p1', start: 0, end: copied.length });
    const written = await sink.complete();
    expect(written.sha256).toBe(sha256(Buffer.concat([first, copied])).toString('hex'));
    expect(written.bytes).toBe(first.length + copied.length);
    expect(s3.commandCalls(UploadPartCopyCommand)[0]!.args[0].input).toMatchObject({ PartNumber: 2, CopySource: 'outbound/staging/p1', CopySourceRange: 'bytes=0-999' });
  });
});
