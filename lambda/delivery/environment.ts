import { type DeliveryDestination, parseDestinations } from './destinations';

/** The delivery function's configuration, read once at cold start. Anything missing stops it (fail closed). */
export interface DeliveryEnvironment {
  readonly destinations: readonly DeliveryDestination[];
  readonly outboundPrefix: string;
  readonly ledgerBucket: string;
  readonly ledgerHeadTable: string;
  /** Powertools idempotency records, and the per-delivery push attempt counters. */
  readonly idempotencyTable: string;
}

const REQUIRED = ['DESTINATIONS', 'OUTBOUND_PREFIX', 'LEDGER_BUCKET', 'LEDGER_HEAD_TABLE', 'IDEMPOTENCY_TABLE'] as const;

export function readDeliveryEnvironment(env: NodeJS.ProcessEnv): DeliveryEnvironment {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`delivery environment: missing ${missing.join(', ')}`);
  return {
    destinations: parseDestinations(env.DESTINATIONS),
    outboundPrefix: env.OUTBOUND_PREFIX as string,
    ledgerBucket: env.LEDGER_BUCKET as string,
    ledgerHeadTable: env.LEDGER_HEAD_TABLE as string,
    idempotencyTable: env.IDEMPOTENCY_TABLE as string,
  };
}
