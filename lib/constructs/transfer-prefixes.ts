/**
 * The object prefixes of the transfer path, in a module of their own (no CDK import) so that the
 * constructs, which pass them to the functions, and the `residency` CLI, which reads copies of the
 * buckets, share one definition.
 */

/** Where raw records land in the raw store: `raw/source=<system>/date=<YYYY-MM-DD>/<file>.jsonl`. */
export const RAW_PREFIX = 'raw/';
/**
 * Where declared, released output waits for delivery (replication and the push act on it):
 * `outbound/<region>/<rule>/v<version>/<path>/version=<raw object version>/<file>`.
 */
export const OUTBOUND_PREFIX = 'outbound/';
/** Where output is written before it is declared, in the outbound bucket; nothing delivers from here. */
export const STAGING_PREFIX = 'staging/';
/** Where refused records are recorded, in the home region, with the reason. */
export const QUARANTINE_PREFIX = 'quarantine/';
