/** Which outbound objects a canary run re-scans, and what each says about where it came from. Pure. */

export interface ListedObject {
  readonly key: string;
  readonly lastModified: Date;
  readonly size: number;
}

export interface SampleOptions {
  /** Objects modified at or after this instant are candidates. */
  readonly since: Date;
  /** At most this many are re-scanned; more candidates are sampled uniformly at random. */
  readonly maxObjects: number;
  /** A uniform random number in [0, 1): crypto-backed in the Lambda, seeded in tests. */
  readonly random: () => number;
}

/** A uniform random sample (without replacement) of the recent objects, in key order. */
export function chooseSample(objects: readonly ListedObject[], options: SampleOptions): ListedObject[] {
  const recent = objects.filter((o) => o.lastModified.getTime() >= options.since.getTime());
  const chosen = [...recent];
  const take = Math.min(Math.max(0, Math.floor(options.maxObjects)), chosen.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(options.random() * (chosen.length - i));
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  return chosen.slice(0, take).sort((a, b) => a.key.localeCompare(b.key));
}

/** The declaration an outbound object came from, as the gateway wrote it into the object's metadata. */
export interface DeclarationRef {
  /** `<rule id>@<version>`. */
  readonly rule: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly seq: number;
  readonly hash: string;
}

/**
 * Reads `rule`, `declaration-seq` and `declaration-hash` (lambda/gateway/transfer-object.ts). An
 * object under outbound/ without them did not come through the gateway: that is a problem too.
 */
export function declarationOf(metadata: Readonly<Record<string, string | undefined>>): { declaration?: DeclarationRef; problems: string[] } {
  const problems: string[] = [];
  const rule = metadata.rule;
  const match = rule === undefined ? null : /^([a-z0-9][a-z0-9-]{0,62})@([1-9]\d*)$/.exec(rule);
  if (!match) problems.push(rule === undefined ? 'no rule in the object metadata' : 'the rule in the object metadata is not <id>@<version>');
  const seqText = metadata['declaration-seq'];
  const seq = seqText !== undefined && /^\d+$/.test(seqText) ? Number(seqText) : undefined;
  if (seq === undefined) problems.push(seqText === undefined ? 'no declaration-seq in the object metadata' : 'declaration-seq is not a number');
  const hash = metadata['declaration-hash'];
  if (hash === undefined || !/^[0-9a-f]{64}$/.test(hash)) problems.push(hash === undefined ? 'no declaration-hash in the object metadata' : 'declaration-hash is not a SHA-256');
  if (problems.length > 0 || !match || seq === undefined || hash === undefined) return { problems };
  return { declaration: { rule: rule as string, ruleId: match[1], ruleVersion: Number(match[2]), seq, hash }, problems };
}
