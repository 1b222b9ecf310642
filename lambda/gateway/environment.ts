import { loadTransferRule, type TransferRule } from '../core/transfer-rule';
import { SUPPRESSION_LIST_KEY } from '../shared/suppression-list-store';

/** The gateway's configuration, read once at cold start. Anything missing or invalid stops it (fail closed). */
export interface GatewayEnvironment {
  readonly rules: readonly TransferRule[];
  readonly rawPrefix: string;
  readonly outboundBucket: string;
  readonly outboundPrefix: string;
  /** Where outputs are written before they are declared; nothing delivers from here. */
  readonly stagingPrefix: string;
  readonly quarantinePrefix: string;
  readonly ledgerBucket: string;
  readonly ledgerHeadTable: string;
  readonly idempotencyTable: string;
  readonly headcountTable: string;
  readonly tokenKeyId: string;
  readonly exporter: string;
  /** Largest raw object transferred (MAX_OBJECT_BYTES); a larger one is quarantined by reference. Absent: no ceiling. */
  readonly maxObjectBytes?: number;
  /** Threads that desensitize an object's batches (GATEWAY_THREADS, set from the function's memory). Absent: the transfer's default. */
  readonly threads?: number;
  /** Where the suppression list is read from; absent only in deployments without subject rights. */
  readonly suppressionList?: { readonly bucket: string; readonly key: string };
  /**
   * The split of objects too large for one invocation (SPLIT_STATE_MACHINE_ARN and SPLIT_OBJECT_BYTES,
   * both or neither): the state machine and the size over which an object is split at once.
   */
  readonly split?: { readonly stateMachineArn: string; readonly objectBytes: number };
  /** Largest staged output released by one CopyObject (RELEASE_COPY_MAX_BYTES); absent: S3's 5 GiB. */
  readonly copyObjectMaxBytes?: number;
}

/** S3's smallest multipart part: a multipart copy of parts smaller than this is refused by S3. */
const MIN_COPY_BYTES = 5 * 1024 * 1024;

/** A positive whole number of bytes from a variable, at least `min`; undefined when unset. */
function bytesSetting(env: NodeJS.ProcessEnv, name: string, min = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`gateway environment: ${name} must be a whole number of bytes of at least ${min}, got "${raw}"`);
  }
  return value;
}

const REQUIRED = [
  'TRANSFER_RULES', 'RAW_PREFIX', 'OUTBOUND_BUCKET', 'OUTBOUND_PREFIX', 'STAGING_PREFIX', 'QUARANTINE_PREFIX', 'LEDGER_BUCKET',
  'LEDGER_HEAD_TABLE', 'IDEMPOTENCY_TABLE', 'HEADCOUNT_TABLE', 'TOKEN_KEY_ID', 'EXPORTER',
] as const;

/**
 * Parses the environment. Rules are validated again here (the same validator ran at synth), but
 * without the date check: whether a rule applies is decided per batch, at the time of the batch.
 */
export function readGatewayEnvironment(env: NodeJS.ProcessEnv): GatewayEnvironment {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`gateway environment: missing ${missing.join(', ')}`);
  let rawRules: unknown;
  try {
    rawRules = JSON.parse(env.TRANSFER_RULES as string);
  } catch (err) {
    throw new Error(`gateway environment: TRANSFER_RULES is not JSON (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    throw new Error('gateway environment: TRANSFER_RULES must be a non-empty array of transfer rules');
  }
  const outbound = env.OUTBOUND_PREFIX as string;
  const staging = env.STAGING_PREFIX as string;
  if (staging.startsWith(outbound) || outbound.startsWith(staging)) {
    // Delivery acts on everything under the outbound prefix: a staged, undeclared output must not be there.
    throw new Error(`gateway environment: STAGING_PREFIX "${staging}" and OUTBOUND_PREFIX "${outbound}" must not contain one another`);
  }
  const rules = rawRules.map((raw: unknown, i) => {
    const rule = raw as { validFrom?: string };
    // Validate shape with a date inside the rule's own window; activity is checked per batch.
    const inside = new Date(`${rule.validFrom ?? '1970-01-01'}T00:00:00Z`);
    return loadTransferRule(raw, `TRANSFER_RULES[${i}]`, inside);
  });
  let maxObjectBytes: number | undefined;
  if (env.MAX_OBJECT_BYTES !== undefined && env.MAX_OBJECT_BYTES !== '') {
    maxObjectBytes = Number(env.MAX_OBJECT_BYTES);
    if (!Number.isSafeInteger(maxObjectBytes) || maxObjectBytes < 1) {
      throw new Error(`gateway environment: MAX_OBJECT_BYTES must be a positive whole number of bytes, got "${env.MAX_OBJECT_BYTES}"`);
    }
  }
  const splitArn = env.SPLIT_STATE_MACHINE_ARN;
  const splitBytes = bytesSetting(env, 'SPLIT_OBJECT_BYTES', 2);
  if ((splitArn === undefined || splitArn === '') !== (splitBytes === undefined)) {
    throw new Error('gateway environment: SPLIT_STATE_MACHINE_ARN and SPLIT_OBJECT_BYTES are set together or not at all');
  }
  const copyObjectMaxBytes = bytesSetting(env, 'RELEASE_COPY_MAX_BYTES', MIN_COPY_BYTES);
  let threads: number | undefined;
  if (env.GATEWAY_THREADS !== undefined && env.GATEWAY_THREADS !== '') {
    threads = Number(env.GATEWAY_THREADS);
    if (!Number.isSafeInteger(threads) || threads < 1) throw new Error(`gateway environment: GATEWAY_THREADS must be a whole number of at least 1, got "${env.GATEWAY_THREADS}"`);
  }
  return {
    rules,
    ...(splitArn && splitBytes !== undefined ? { split: { stateMachineArn: splitArn, objectBytes: splitBytes } } : {}),
    ...(copyObjectMaxBytes === undefined ? {} : { copyObjectMaxBytes }),
    ...(maxObjectBytes === undefined ? {} : { maxObjectBytes }),
    ...(threads === undefined ? {} : { threads }),
    rawPrefix: env.RAW_PREFIX as string,
    outboundBucket: env.OUTBOUND_BUCKET as string,
    outboundPrefix: env.OUTBOUND_PREFIX as string,
    stagingPrefix: env.STAGING_PREFIX as string,
    quarantinePrefix: env.QUARANTINE_PREFIX as string,
    ledgerBucket: env.LEDGER_BUCKET as string,
    ledgerHeadTable: env.LEDGER_HEAD_TABLE as string,
    idempotencyTable: env.IDEMPOTENCY_TABLE as string,
    headcountTable: env.HEADCOUNT_TABLE as string,
    tokenKeyId: env.TOKEN_KEY_ID as string,
    exporter: env.EXPORTER as string,
    ...(env.SUPPRESSION_BUCKET ? { suppressionList: { bucket: env.SUPPRESSION_BUCKET, key: env.SUPPRESSION_KEY ?? SUPPRESSION_LIST_KEY } } : {}),
  };
}

/** Whether a rule applies on a given instant (UTC days, both ends inclusive). */
export function ruleIsActive(rule: TransferRule, at: Date): boolean {
  const day = at.toISOString().slice(0, 10);
  return rule.validFrom <= day && day <= rule.validUntil;
}
