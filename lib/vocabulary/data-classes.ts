/**
 * The data-class vocabulary: the `data-class` and `residency` tags every data store and key carries,
 * and the classes their values may name. Free of CDK and of the AWS SDK, so constructs, check rules,
 * the evidence report and the Config-rule Lambda all read the same facts from here.
 */

/**
 * Data classes of JR/T 0171-2020 (personal financial information):
 * C3 authentication data, C2 account and identity data, C1 internal data.
 */
export const DATA_CLASSES = ['C3', 'C2', 'C1'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** The class of records after the home-region desensitization module: the only form that may leave the home region. */
export const DESENSITIZED_CLASS = 'desensitized';

/**
 * Classes for stores that hold no personal financial information of their own but must still be
 * placed, keyed and retained on purpose:
 * - `audit`: the immutable audit record (CloudTrail, access evidence);
 * - `logs`: operational logs (short retention);
 * - `access-logs`: S3 server access logs, which S3 only delivers to SSE-S3 buckets;
 * - `desensitized`: records after the home-region desensitization module (the outbound store).
 */
export const OPERATIONAL_CLASSES = ['audit', 'logs', 'access-logs', DESENSITIZED_CLASS] as const;
export type OperationalClass = (typeof OPERATIONAL_CLASSES)[number];

/** A value a `data-class` tag may carry. */
export type ClassTag = DataClass | OperationalClass;

/** Every class a `data-class` tag may carry: JR/T 0171 classes first, then operational ones. */
export const KNOWN_DATA_CLASSES: readonly ClassTag[] = [...DATA_CLASSES, ...OPERATIONAL_CLASSES];

/** JR/T 0171 C3 (authentication) and C2 (account and identity) data: stored in the home region only. */
export const HOME_ONLY_CLASSES: readonly DataClass[] = ['C3', 'C2'];

/** Tag every data store and key carries; its value is one of KNOWN_DATA_CLASSES. */
export const DATA_CLASS_TAG = 'data-class';

/** Tag naming the region whose law governs what a store or key holds. */
export const RESIDENCY_TAG = 'residency';

/** Whether a tag value names a class of this vocabulary. */
export function isKnownDataClass(value: unknown): value is ClassTag {
  return typeof value === 'string' && (KNOWN_DATA_CLASSES as readonly string[]).includes(value);
}

/** Whether a tag value names a home-only class (C3, C2). */
export function isHomeOnlyClass(value: unknown): boolean {
  return typeof value === 'string' && (HOME_ONLY_CLASSES as readonly string[]).includes(value);
}

/** A store or key as the report and the rules see it: its `data-class` tag value and its region, when known. */
export interface ClassifiedStore {
  readonly dataClass: string;
  readonly region?: string;
}

/** A store of the outbox: desensitized output, in the home region, awaiting cross-border delivery. */
export function isOutboundStore(store: ClassifiedStore, homeRegion: string | undefined): boolean {
  return store.dataClass === DESENSITIZED_CLASS && store.region === homeRegion;
}

/** How many of the stores are outbound stores (the outbox count the evidence diagram prints). */
export function countOutboundStores(stores: readonly ClassifiedStore[], homeRegion: string | undefined): number {
  return stores.filter((store) => isOutboundStore(store, homeRegion)).length;
}
