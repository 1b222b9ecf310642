/**
 * Reading JSON-shaped resource properties: what a CloudFormation template holds after tokens are
 * resolved, and what the AWS Config Lambda builds from a configuration item. Pure: no CDK, no SDK,
 * so the runtime twins of the CrossBorder rules can bundle it.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value CloudFormation accepts as "one or many". */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** True for `true` or `"true"`, the two forms CloudFormation (and AWS Config) use for a boolean. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A KMS key id/ARN/alias that names a customer-managed key, not an AWS managed `alias/aws/...` one. */
export function isCustomerManagedKeyReference(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(typeof value === 'string' && /(^|:)alias\/aws\//.test(value));
}

/** The value of tag `key` in a `Tags` property (list of {Key, Value} or a plain map). */
export function tagValue(tags: unknown, key: string): unknown {
  if (Array.isArray(tags)) {
    const tag = tags.find((t) => isJsonObject(t) && t.Key === key);
    return isJsonObject(tag) ? tag.Value : undefined;
  }
  return isJsonObject(tags) ? tags[key] : undefined;
}
