/**
 * What the gateway stamps on a released output, and the check both the gateway (after a retry finds
 * its output already released) and delivery (before acting, and after a push retry finds the object
 * already landed) make: the object at an output key is the declared one.
 */

/** Object metadata names (S3 stores them as `x-amz-meta-<name>`). */
export const OUTPUT_METADATA = {
  rule: 'rule',
  declarationSeq: 'declaration-seq',
  declarationHash: 'declaration-hash',
  sha256: 'sha256',
} as const;

/** A declaration as an output refers to it. */
export interface DeclarationRef {
  readonly seq: number;
  readonly hash: string;
}

/** The metadata of an output released under a declaration. */
export function releaseMetadata(rule: string, declaration: DeclarationRef, sha256: string): Record<string, string> {
  return {
    [OUTPUT_METADATA.rule]: rule,
    [OUTPUT_METADATA.declarationSeq]: String(declaration.seq),
    [OUTPUT_METADATA.declarationHash]: declaration.hash,
    [OUTPUT_METADATA.sha256]: sha256,
  };
}

/** The declaration an output's metadata names; refuses an object that names none. */
export function declarationOf(metadata: Record<string, string> | undefined): DeclarationRef {
  const seq = Number(metadata?.[OUTPUT_METADATA.declarationSeq]);
  const hash = metadata?.[OUTPUT_METADATA.declarationHash];
  if (!Number.isInteger(seq) || seq < 1 || !hash || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new Error('outbound object carries no valid declaration (declaration-seq / declaration-hash metadata): refusing to deliver undeclared data');
  }
  return { seq, hash };
}

/** What S3 tells about an object (HeadObject with checksum mode enabled). */
export interface FoundObject {
  readonly Metadata?: Record<string, string>;
  /** Base64; a multipart object's is a checksum of part checksums (`…-N`), which says nothing about the whole. */
  readonly ChecksumSHA256?: string;
}

/**
 * Whether a found object is the output of this declaration: its metadata names the declaration and
 * the declared SHA-256, and S3's own full-object checksum, when it has one, agrees.
 */
export function isDeclaredOutput(found: FoundObject, declaration: DeclarationRef & { readonly sha256: string }): boolean {
  const metadata = found.Metadata ?? {};
  if (metadata[OUTPUT_METADATA.declarationSeq] !== String(declaration.seq)) return false;
  if (metadata[OUTPUT_METADATA.declarationHash] !== declaration.hash) return false;
  if (metadata[OUTPUT_METADATA.sha256] !== declaration.sha256) return false;
  const checksum = found.ChecksumSHA256;
  if (checksum === undefined || checksum.includes('-')) return true;
  return Buffer.from(checksum, 'base64').toString('hex') === declaration.sha256;
}
