/** A delivery destination as configured at synth (no secrets: credentials live in Secrets Manager). */
export interface DeliveryDestination {
  readonly region: string;
  /**
   * The landing bucket. Absent only for a cross-partition push whose account the home stack could
   * not know at synth (`accounts.destinations.<region>` not set): such a push is refused.
   */
  readonly bucket?: string;
  /** `s3-replication` inside one partition; `cross-partition-push` across (China ↔ abroad). */
  readonly method: 's3-replication' | 'cross-partition-push';
  /** Secret holding `{ "accessKeyId": ..., "secretAccessKey": ... }` of the other partition (push only). */
  readonly credentialsSecretArn?: string;
}

/** A destination whose landing bucket is known: what a push, a replication receipt and a receipt need. */
export type BoundDestination = DeliveryDestination & { readonly bucket: string };

/** Parses and checks the DESTINATIONS configuration (fail closed on anything unexpected). */
export function parseDestinations(json: string | undefined): DeliveryDestination[] {
  if (!json) throw new Error('delivery environment: DESTINATIONS is missing');
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('delivery environment: DESTINATIONS must be a non-empty array');
  return parsed.map((raw: unknown, i) => {
    const d = raw as Partial<DeliveryDestination>;
    if (typeof d.region !== 'string') throw new Error(`DESTINATIONS[${i}]: region is required`);
    if (typeof d.bucket !== 'string' && !(d.method === 'cross-partition-push' && d.bucket === undefined)) {
      throw new Error(`DESTINATIONS[${i}]: bucket is required (it may only be absent for a cross-partition push)`);
    }
    if (d.method !== 's3-replication' && d.method !== 'cross-partition-push') throw new Error(`DESTINATIONS[${i}].method: got ${String(d.method)}`);
    if (d.method === 'cross-partition-push' && typeof d.credentialsSecretArn !== 'string') {
      throw new Error(`DESTINATIONS[${i}]: a cross-partition destination needs credentialsSecretArn`);
    }
    return { region: d.region, bucket: d.bucket, method: d.method, credentialsSecretArn: d.credentialsSecretArn };
  });
}

/** The destination region of an outbound key `outbound/<region>/<rule>/v<version>/...`. */
export function destinationRegionOf(key: string, outboundPrefix: string): string | undefined {
  if (!key.startsWith(outboundPrefix)) return undefined;
  const region = key.slice(outboundPrefix.length).split('/')[0];
  return region === '' ? undefined : region;
}
