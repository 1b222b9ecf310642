/**
 * Decisions of the CloudHSM key store custom resource (lambda/custom-key-store), without any AWS
 * SDK: what the template must pass, what an update may change in place, which step brings a key
 * store to CONNECTED, and what to tell CloudFormation. The handler only performs the I/O.
 */

/** A CloudHSM cluster id, e.g. `cluster-jxhlf7644ne` (the form CloudHSM and lib/config.ts accept). */
export const CLOUDHSM_CLUSTER_ID = /^cluster-[2-7a-zA-Z]{11,16}$/;

/** KMS's longest waiting period: the most time to notice (and cancel) a deletion by mistake. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** KMS accepts a kmsuser password of 7 to 32 characters. */
export const KEY_STORE_PASSWORD_LENGTH = { min: 7, max: 32 } as const;

/**
 * Tag the handler puts on every key it creates: which generation of the class key this is. Raising
 * the generation creates a new key in the same store (the rotation KMS does not do for these keys).
 */
export const KEY_GENERATION_TAG = 'key-generation';

/** A tag in the shape KMS takes it. */
export interface KeyTag {
  readonly TagKey: string;
  readonly TagValue: string;
}

/**
 * The custom resource's properties as the template writes them: the contract between the
 * CloudHsmKeyStore construct and the handler. CloudFormation turns every leaf into a string.
 */
export interface KeyStoreResourceProperties {
  readonly CustomKeyStoreName: string;
  readonly CloudHsmClusterId: string;
  /** The cluster's trust anchor certificate (customerCA.crt, PEM), resolved from SSM at deploy time. */
  readonly TrustAnchorCertificate: string;
  /** Name or ARN of the secret holding the kmsuser password: the template never carries the password. */
  readonly KeyStorePasswordSecretId: string;
  readonly KeyDescription: string;
  /** Generation of the key, a whole number ≥ 1 as a string: a new one creates a new key in the store. */
  readonly KeyGeneration: string;
  /** The key policy, as a JSON object, so a reviewer reads it in the template. */
  readonly KeyPolicy: Record<string, unknown>;
  readonly Tags: readonly KeyTag[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks the properties CloudFormation sent; throws once, naming every property that is wrong. */
export function parseProperties(raw: unknown): KeyStoreResourceProperties {
  if (!isRecord(raw)) throw new Error('resource properties: got nothing usable; expected an object');
  const problems: string[] = [];
  const text = (name: keyof KeyStoreResourceProperties): string => {
    const value = raw[name];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${name}: got ${JSON.stringify(value) ?? 'nothing'}; expected a non-empty string`);
      return '';
    }
    return value;
  };
  const name = text('CustomKeyStoreName');
  const cluster = text('CloudHsmClusterId');
  const certificate = text('TrustAnchorCertificate');
  const secret = text('KeyStorePasswordSecretId');
  const description = text('KeyDescription');
  const generation = text('KeyGeneration');
  if (generation && !/^[1-9]\d{0,5}$/.test(generation)) {
    problems.push(`KeyGeneration: got "${generation}"; expected a whole number from 1`);
  }
  if (cluster && !CLOUDHSM_CLUSTER_ID.test(cluster)) {
    problems.push(`CloudHsmClusterId: got "${cluster}"; expected a cluster id such as cluster-jxhlf7644ne`);
  }
  // Only the shape is checked: the certificate is public, and KMS verifies it against the cluster.
  if (certificate && !certificate.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push('TrustAnchorCertificate: expected a PEM certificate (the cluster\'s customerCA.crt)');
  }
  const policy = raw.KeyPolicy;
  if (!isRecord(policy) || !Array.isArray(policy.Statement) || policy.Statement.length === 0) {
    problems.push('KeyPolicy: expected a policy document with at least one statement');
  }
  const tags = raw.Tags ?? [];
  const tagsValid =
    Array.isArray(tags) && tags.every((t) => isRecord(t) && typeof t.TagKey === 'string' && typeof t.TagValue === 'string');
  if (!tagsValid) problems.push('Tags: expected a list of { TagKey, TagValue } strings');
  if (problems.length > 0) throw new Error(`invalid resource properties:\n  - ${problems.join('\n  - ')}`);
  return {
    CustomKeyStoreName: name,
    CloudHsmClusterId: cluster,
    TrustAnchorCertificate: certificate,
    KeyStorePasswordSecretId: secret,
    KeyDescription: description,
    KeyGeneration: generation,
    KeyPolicy: policy as Record<string, unknown>,
    Tags: tags as KeyTag[],
  };
}

/** JSON with object keys sorted, so two equal policies compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What KMS says about the key an Update starts from. */
export interface CurrentKey {
  /** Cluster behind the key's store. */
  readonly clusterId: string;
  /** Its KEY_GENERATION_TAG, '1' for a key created without one. */
  readonly generation: string;
}

/** What an Update does. */
export type UpdatePlan =
  | { readonly kind: 'replace'; readonly reason: string }
  | {
      readonly kind: 'in-place';
      /** New description, when it changed. */
      readonly description?: string;
      /** New key policy (JSON), when it changed. */
      readonly policy?: string;
      readonly tagsToSet: readonly KeyTag[];
      readonly tagKeysToRemove: readonly string[];
      /** Changes that are deliberately not applied, each with the reason and what to do instead. */
      readonly notApplied: readonly string[];
    };

/**
 * Decides an Update. A new cluster means a new key store and a new key (a new physical id); the key
 * material of a KMS key never moves between clusters. Description, policy and tags change in place.
 * The store's name and kmsuser password can only change while the store is DISCONNECTED, which
 * makes the C3 key unusable: never done automatically, reported instead.
 *
 * A new generation also means a new key, in the same store: the manual rotation of a key KMS does not
 * rotate. Replacement is decided against the key as KMS reports it (cluster, generation tag), not
 * against the old properties: when a replacement fails, CloudFormation's rollback sends the old
 * values as the "new" ones, and comparing properties would then create a second key.
 */
export function planUpdate(previous: KeyStoreResourceProperties, next: KeyStoreResourceProperties, current: CurrentKey): UpdatePlan {
  if (current.clusterId !== next.CloudHsmClusterId) {
    return {
      kind: 'replace',
      reason: `cluster changed from ${current.clusterId} to ${next.CloudHsmClusterId}: a new key store and key are created`,
    };
  }
  if (current.generation !== next.KeyGeneration) {
    return {
      kind: 'replace',
      reason: `key generation ${current.generation} → ${next.KeyGeneration}: a new key is created in the same store (rotation)`,
    };
  }
  const notApplied: string[] = [];
  if (previous.CustomKeyStoreName !== next.CustomKeyStoreName) {
    notApplied.push(
      `CustomKeyStoreName "${previous.CustomKeyStoreName}" → "${next.CustomKeyStoreName}": KMS renames a CloudHSM key store ` +
        'only while it is disconnected (the key is unusable meanwhile); rename it in a maintenance window with UpdateCustomKeyStore',
    );
  }
  if (previous.KeyStorePasswordSecretId !== next.KeyStorePasswordSecretId) {
    notApplied.push(
      'KeyStorePasswordSecretId changed: the password is only read when a store is created (KMS rotates the kmsuser password ' +
        'when it connects); to change it, disconnect the store and run UpdateCustomKeyStore in a maintenance window',
    );
  }
  if (previous.TrustAnchorCertificate.trim() !== next.TrustAnchorCertificate.trim()) {
    notApplied.push('TrustAnchorCertificate changed: KMS only uses it when the store is created; the existing store keeps its trust anchor');
  }
  const before = new Map(previous.Tags.map((t) => [t.TagKey, t.TagValue]));
  const after = new Map(next.Tags.map((t) => [t.TagKey, t.TagValue]));
  return {
    kind: 'in-place',
    description: previous.KeyDescription !== next.KeyDescription ? next.KeyDescription : undefined,
    policy: canonicalJson(previous.KeyPolicy) !== canonicalJson(next.KeyPolicy) ? JSON.stringify(next.KeyPolicy) : undefined,
    tagsToSet: next.Tags.filter((t) => before.get(t.TagKey) !== t.TagValue),
    tagKeysToRemove: [...before.keys()].filter((k) => !after.has(k)),
    notApplied,
  };
}

/** Connection states of a custom key store (KMS ConnectionStateType). */
export type ConnectionState = 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';

/** What the handler does next to bring a key store to CONNECTED. */
export type ConnectionStep = 'ready' | 'wait' | 'connect' | 'disconnect' | 'fail';

/** What the handler has already done in this invocation. */
export interface ConnectionProgress {
  readonly connectRequested: boolean;
  readonly resetDone: boolean;
}

/**
 * The next step for a store in `state`. A store found FAILED (left by an earlier attempt) is reset
 * once (KMS only reconnects a FAILED store after a disconnect); one that fails after our own connect
 * request is reported, since retrying the same inputs would fail the same way.
 */
export function nextConnectionStep(state: string | undefined, progress: ConnectionProgress): ConnectionStep {
  switch (state) {
    case 'CONNECTED':
      return 'ready';
    case 'CONNECTING':
    case 'DISCONNECTING':
      return 'wait';
    case 'DISCONNECTED':
      // Right after ConnectCustomKeyStore the state may still read DISCONNECTED (eventual consistency).
      return progress.connectRequested ? 'wait' : 'connect';
    case 'FAILED':
      return progress.connectRequested || progress.resetDone ? 'fail' : 'disconnect';
    default:
      return 'fail';
  }
}

/** What to do about each ConnectionErrorCode of a CloudHSM key store (KMS troubleshooting guide). */
const CONNECTION_ERROR_HINTS: Readonly<Record<string, string>> = {
  CLUSTER_NOT_FOUND: 'KMS cannot find the cluster: check the cluster id and that it was not deleted',
  INSUFFICIENT_CLOUDHSM_HSMS: 'the cluster has no active HSM: add HSMs (two, in different Availability Zones)',
  INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET: 'a cluster subnet has no free IP address for the KMS network interface: free one or add a subnet',
  INTERNAL_ERROR: 'KMS reported an internal error: deploy again',
  INVALID_CREDENTIALS: 'the kmsuser password KMS holds is wrong: reset it in the cluster, then UpdateCustomKeyStore with it',
  NETWORK_ERRORS: 'KMS cannot reach the HSMs: check the cluster security group and network ACLs of its subnets',
  SUBNET_NOT_FOUND: 'a subnet of the cluster is gone: restore it or create the cluster again from a backup',
  USER_LOCKED_OUT: 'the kmsuser crypto user is locked out: reset its password in the cluster, then UpdateCustomKeyStore',
  USER_LOGGED_IN: 'the kmsuser crypto user is logged in to the cluster: log it out so KMS can log in',
  USER_NOT_FOUND: 'the cluster has no kmsuser crypto user: create it (CU role) with the password in the secret',
};

/** A failure message that names the ConnectionErrorCode and says what to do about it. */
export function connectionFailureMessage(store: { id: string; name: string; errorCode?: string }): string {
  const code = store.errorCode ?? 'no ConnectionErrorCode';
  const hint = CONNECTION_ERROR_HINTS[code] ?? 'see "Troubleshooting a custom key store" in the KMS developer guide';
  return `custom key store ${store.id} (${store.name}) failed to connect: ConnectionErrorCode ${code}: ${hint}`;
}

/** The message when the store is still not CONNECTED at the end of the wait this invocation can afford. */
export function connectionTimeoutMessage(store: { id: string; name: string; state?: string; waitedSeconds: number }): string {
  return (
    `custom key store ${store.id} (${store.name}) is still ${store.state ?? 'in an unknown state'} after ${store.waitedSeconds} s ` +
    '(KMS can take up to 20 minutes to connect). Nothing was undone: deploy again and the key store is reused where it stands.'
  );
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a physical id names a KMS key (a failed Create reports a non-key id, so Delete has nothing to remove). */
export function isKeyId(physicalResourceId: string): boolean {
  return KEY_ID.test(physicalResourceId);
}

/** Physical id of a Create that failed: recognisably not a key, unique per request. */
export function failedCreateId(requestId: string): string {
  return `no-key-created-${requestId}`;
}

/** What the handler reports to CloudFormation. */
export interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** CloudFormation refuses a response body above 4,096 bytes; the reason is what gets cut. */
const MAX_REASON_BYTES = 2048;

/** Bytes a text takes inside a JSON string (escapes included). */
function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** Cuts a text to at most `maxBytes` once JSON-encoded, on a character boundary. */
function truncateForJson(text: string, maxBytes: number): string {
  if (jsonBytes(text) <= maxBytes) return text;
  let kept = '';
  let bytes = 0;
  for (const char of text) {
    const size = jsonBytes(char);
    if (bytes + size > maxBytes - 3) break;
    kept += char;
    bytes += size;
  }
  return `${kept}…`;
}

/** The response body CloudFormation expects at the pre-signed ResponseURL. */
export function responseBody(
  request: { StackId: string; RequestId: string; LogicalResourceId: string },
  outcome: Outcome,
): string {
  const reason = outcome.reason === undefined ? undefined : truncateForJson(outcome.reason, MAX_REASON_BYTES);
  return JSON.stringify({
    Status: outcome.status,
    Reason: reason,
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    Data: outcome.data,
  });
}
