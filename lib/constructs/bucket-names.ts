import { Aws, Token } from 'aws-cdk-lib';
import { partitionOf } from '../../lambda/core/regions';
import type { ResidencyConfig } from '../config';

/**
 * S3 bucket names are unique per partition (one namespace for all of `aws`, another for `aws-cn`):
 * a fixed name that carries no account is taken by the first deployment anywhere in the partition,
 * and a second one (another account, a staging copy, a stranger who registered it) fails. Every
 * explicit name here therefore carries the account that owns the bucket.
 */

/** The landing bucket's name as its own (destination) stack writes it: always with the owning account. */
export function landingBucketName(config: ResidencyConfig, region: string): string {
  return landingName(config, region, landingAccount(config, region) ?? Aws.ACCOUNT_ID);
}

/**
 * The landing bucket's name as the home stack addresses it (replication target, push target), or
 * `undefined` where the home stack cannot know it:
 * - same partition: the destination account when configured, else the home account (the destination
 *   stack is then deployed to the same account, see residency-app.ts), so both stacks agree;
 * - another partition: only a configured `accounts.destinations.<region>` names the bucket (the home
 *   stack cannot look up an account of the other partition). Without it the push is unbound: the
 *   delivery function refuses to push, and `residency preflight` reports it as a blocker.
 */
export function landingBucketNameFromHome(config: ResidencyConfig, region: string): string | undefined {
  const account = landingAccount(config, region);
  if (account) return landingName(config, region, account);
  return samePartition(config, region) ? landingName(config, region, Aws.ACCOUNT_ID) : undefined;
}

/** The outbound bucket's name: fixed (with the account) so replication and notification settings can name it without a cycle. */
export function outboundBucketName(config: ResidencyConfig): string {
  return checkedBucketName(`${config.projectName}-outbound-${Aws.ACCOUNT_ID}-${config.homeRegion}`);
}

/** ARN of a bucket by name, in the partition of the stack that uses it. */
export function bucketArnOf(name: string): string {
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}

/** Stands for an unresolved account id (12 digits) when a name's length and characters are checked. */
export const ACCOUNT_PLACEHOLDER = '000000000000';

/**
 * What is wrong with a bucket name under S3's general-purpose naming rules (3–63 characters;
 * lowercase letters, digits, hyphens and dots; a letter or digit first and last; no `..`; not an
 * IP address; none of the reserved prefixes and suffixes). Unresolved accounts count as 12 digits.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`${name.length} characters; S3 allows 3 to 63`);
  if (!/^[a-z0-9.-]*$/.test(name)) problems.push('only lowercase letters, digits, hyphens and dots are allowed');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push('must begin and end with a letter or digit');
  if (name.includes('..')) problems.push('two adjacent dots');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push('formatted as an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) problems.push('reserved prefix');
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3|\.mrap)$/.test(name)) problems.push('reserved suffix');
  return problems;
}

function landingAccount(config: ResidencyConfig, region: string): string | undefined {
  return config.accounts.destinations?.[region] ?? (samePartition(config, region) ? config.accounts.home : undefined);
}

function samePartition(config: ResidencyConfig, region: string): boolean {
  return partitionOf(region) === partitionOf(config.homeRegion);
}

function landingName(config: ResidencyConfig, region: string, account: string): string {
  return checkedBucketName(`${config.projectName}-landing-${account}-${region}`);
}

/** Refuses a name S3 would refuse at deploy time; an unresolved account is checked as 12 digits. */
function checkedBucketName(name: string): string {
  const resolved = Token.isUnresolved(name) ? name.replace(/\$\{Token\[[^\]]+\]\}/g, ACCOUNT_PLACEHOLDER) : name;
  const problems = bucketNameProblems(resolved);
  if (problems.length > 0) throw new Error(`S3 bucket name "${resolved}" is invalid: ${problems.join('; ')}`);
  return name;
}
