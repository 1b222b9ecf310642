import { declarationOf, isDeclaredOutput, releaseMetadata } from '../../../lambda/shared/released-output';

const SHA = 'ab'.repeat(32);
const REF = { seq: 4, hash: 'c'.repeat(64) };

describe('released outputs', () => {
  test('the metadata names the declaration, which delivery reads back', () => {
    expect(declarationOf(releaseMetadata('r@1', REF, SHA))).toEqual(REF);
  });

  test.each<Record<string, string>>([{}, { 'declaration-seq': '0', 'declaration-hash': REF.hash }, { 'declaration-seq': '4', 'declaration-hash': 'short' }])('refuses an object without a valid declaration: %j', (metadata) => {
    expect(() => declarationOf(metadata)).toThrow(/refusing to deliver undeclared data/);
  });

  test.each<[string, Parameters<typeof isDeclaredOutput>[0], boolean]>([
    ['its metadata and a matching checksum', { Metadata: releaseMetadata('r@1', REF, SHA), ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64') }, true],
    ['its metadata, no checksum', { Metadata: releaseMetadata('r@1', REF, SHA) }, true],
    ['its metadata and a multipart checksum (of parts, not comparable)', { Metadata: releaseMetadata('r@1', REF, SHA), ChecksumSHA256: 'AAAA-3' }, true],
    ['its metadata but other bytes', { Metadata: releaseMetadata('r@1', REF, SHA), ChecksumSHA256: Buffer.from('f'.repeat(64), 'hex').toString('base64') }, false],
    ['another declaration', { Metadata: releaseMetadata('r@1', { ...REF, seq: 5 }, SHA) }, false],
    ['another declared hash', { Metadata: releaseMetadata('r@1', REF, 'f'.repeat(64)) }, false],
    ['no metadata', {}, false],
  ])('isDeclaredOutput: %s → %s', (_what, found, expected) => {
    expect(isDeclaredOutput(found, { ...REF, sha256: SHA })).toBe(expected);
  });
});
