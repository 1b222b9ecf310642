import { DATA_CLASSES } from '../config';

/** Tag every data store and key carries; its value is one of KNOWN_DATA_CLASSES. */
export const DATA_CLASS_TAG = 'data-class';

/**
 * Classes for stores that hold no personal financial information of their own but must still be
 * placed, keyed and retained on purpose:
 * - `audit`: the immutable audit record (CloudTrail, access evidence);
 * - `logs`: operational logs (short retention);
 * - `access-logs`: S3 server access logs, which S3 only delivers to SSE-S3 buckets;
 * - `desensitized`: records after the home-region desensitization module, the only form that may
 *   leave the home region.
 */
export const OPERATIONAL_CLASSES = ['audit', 'logs', 'access-logs', 'desensitized'] as const;

/** Every class a `data-class` tag may carry: JR/T 0171 classes first, then operational ones. */
export const KNOWN_DATA_CLASSES: readonly string[] = [...DATA_CLASSES, ...OPERATIONAL_CLASSES];

/** JR/T 0171 C3 (authentication) and C2 (account and identity) data: stored in the home region only. */
export const HOME_ONLY_CLASSES: readonly string[] = ['C3', 'C2'];

export function isKnownDataClass(value: unknown): value is string {
  return typeof value === 'string' && KNOWN_DATA_CLASSES.includes(value);
}
