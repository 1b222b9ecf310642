import { isHomeOnlyClass } from '../../vocabulary/data-classes';
import { DATA_STORE_TYPES, KEY_TYPES, TABLE_REPLICA_TYPE } from './resource-types';
import { isTrue } from './values';
import { type JudgementPolicy, type ResourceProperties, type Verdict, verdictOf } from './verdict';

/** The judgement of `StackRegionAllowed`: the resource is in an allowed region (unknown fails). */
export function judgeRegionAllowed(region: string | undefined, policy: JudgementPolicy): Verdict {
  return verdictOf(region !== undefined && policy.allowedRegions.includes(region));
}

/**
 * The judgement of `ReplicaRegionAllowed`: every region the resource copies data or key material to
 * is allowed; `undefined` stands for a destination whose region cannot be shown, and fails.
 */
export function judgeReplicaRegions(replicaRegions: readonly (string | undefined)[], policy: JudgementPolicy): Verdict {
  if (replicaRegions.length === 0) return 'NOT_APPLICABLE';
  return verdictOf(replicaRegions.every((region) => region !== undefined && policy.allowedRegions.includes(region)));
}

export interface PlacementFacts extends ResourceProperties {
  /** The `data-class` tag (for a table replica, its table's). */
  readonly dataClass: unknown;
  /** Region the resource is in; undefined when it cannot be shown. */
  readonly region?: string;
  /** Regions it copies data or key material to (see `judgeReplicaRegions`). */
  readonly replicaRegions: readonly (string | undefined)[];
}

/**
 * The judgement of `RestrictedDataStaysHome`: a C2/C3 store or key is at home, copies nothing
 * anywhere else, and is not a multi-Region key (one API call would replicate its material abroad).
 */
export function judgeRestrictedDataStaysHome(facts: PlacementFacts, policy: JudgementPolicy): Verdict {
  // Tags flow down to every child of a construct (a bucket's replication role too): only stores,
  // keys and replicas hold the data.
  if (![...DATA_STORE_TYPES, ...KEY_TYPES, TABLE_REPLICA_TYPE].includes(facts.type)) return 'NOT_APPLICABLE';
  if (!isHomeOnlyClass(facts.dataClass)) return 'NOT_APPLICABLE';
  const home = policy.homeRegion;
  if (home === undefined) return 'NON_COMPLIANT';
  const multiRegionKey = facts.type === 'AWS::KMS::Key' && isTrue(facts.properties.MultiRegion);
  return verdictOf(facts.region === home && facts.replicaRegions.every((region) => region === home) && !multiRegionKey);
}
