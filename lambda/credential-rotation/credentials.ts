/**
 * What a cross-partition credentials secret holds, read the same way by the construct that creates
 * it (its first value), the rotation function, the delivery function and `residency preflight`.
 *
 * The secret is created holding a template in a clear "not provisioned" state: nobody can create the
 * access key of the other partition's account before that account's landing stack exists. An
 * operator then puts `{"userName","accessKeyId","secretAccessKey"}`; from then on it is rotated.
 */

/** An access key of an IAM user in the destination's partition. */
export interface PartitionCredentials {
  readonly userName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The value of `status` in a secret that holds no credentials yet. */
export const NOT_PROVISIONED = 'not-provisioned';

const CREDENTIAL_KEYS = ['userName', 'accessKeyId', 'secretAccessKey'] as const;

/** The first value of a credentials secret: no credentials, and what to put instead. */
export function notProvisionedTemplate(destinationRegion: string): Record<string, string> {
  return {
    status: NOT_PROVISIONED,
    destinationRegion,
    instructions: `Put {"userName","accessKeyId","secretAccessKey"} of the IAM user in the ${destinationRegion} account that may write to the landing bucket`,
    userName: '',
    accessKeyId: '',
    secretAccessKey: '',
  };
}

export type SecretCredentials = { readonly provisioned: true; readonly credentials: PartitionCredentials } | { readonly provisioned: false };

/**
 * Reads a credentials secret. All three keys empty or absent: not provisioned (the template, or an
 * emptied secret). All three present: provisioned. Anything else (not JSON, some keys only, values
 * that are not strings) is an error naming what is wrong, never the values.
 */
export function readCredentials(text: string | undefined, where: string): SecretCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${where}: the secret is not JSON; put {"userName","accessKeyId","secretAccessKey"}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: the secret is not a JSON object; put {"userName","accessKeyId","secretAccessKey"}`);
  }
  const record = value as Record<string, unknown>;
  const wrongType = CREDENTIAL_KEYS.filter((key) => record[key] !== undefined && typeof record[key] !== 'string');
  if (wrongType.length > 0) throw new Error(`${where}: ${wrongType.join(', ')} must be strings`);
  const filled = CREDENTIAL_KEYS.filter((key) => typeof record[key] === 'string' && record[key] !== '');
  if (filled.length === 0) return { provisioned: false };
  const missing = CREDENTIAL_KEYS.filter((key) => !filled.includes(key));
  if (missing.length > 0) throw new Error(`${where}: the secret has no ${missing.join(', ')} (credentials are partly filled)`);
  const [userName, accessKeyId, secretAccessKey] = CREDENTIAL_KEYS.map((key) => record[key] as string);
  return { provisioned: true, credentials: { userName, accessKeyId, secretAccessKey } };
}

/** The credentials of a secret that must hold them (delivery, the steps of a rotation after the first). */
export function requireCredentials(text: string | undefined, where: string): PartitionCredentials {
  const read = readCredentials(text, where);
  if (!read.provisioned) {
    throw new Error(`${where}: the credentials are not provisioned yet (status "${NOT_PROVISIONED}"); put {"userName","accessKeyId","secretAccessKey"}`);
  }
  return read.credentials;
}
