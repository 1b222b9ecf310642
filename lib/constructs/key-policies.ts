import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { ClassTag } from '../vocabulary/data-classes';
import { keyAdministratorActions, keyDataActions } from '../vocabulary/kms-duties';
import { consolidateProps, defaultHmacKeyProps, defaultKeyProps } from '../vocabulary/secure-defaults';
import { tagClassified } from './tag-classified';

/**
 * Denies `kms:CreateGrant` to everyone unless the grant is for an AWS resource or the caller is an
 * AWS service (Control Tower CT.KMS.PR.3). A grant is a side door around the key policy: with this,
 * no principal can hand itself or anyone else a standing permission on the key.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}

/**
 * Key policy statements that let administrators administer a key but never use it (an explicit
 * Deny of every data action); none when there are no administrators. Shared by every key policy
 * the project writes, so the same statement ids mean the same thing everywhere.
 */
export function separationOfDutiesStatements(administrators: readonly iam.IPrincipal[]): iam.PolicyStatement[] {
  if (administrators.length === 0) return [];
  return [
    new iam.PolicyStatement({
      sid: 'KeyAdministratorsAdministerOnly',
      principals: [...administrators],
      actions: keyAdministratorActions(),
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'KeyAdministratorsNeverUseForData',
      effect: iam.Effect.DENY,
      principals: [...administrators],
      actions: keyDataActions(),
      resources: ['*'],
    }),
  ];
}

export interface CustomerKeyProps {
  /** What the key protects, for reviewers of the template. */
  readonly description: string;
  /** Class of what it protects; written to the `data-class` tag. */
  readonly dataClass: ClassTag;
  /** Region whose law governs that data; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Alias of the key.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * What the key is for: `encrypt` (symmetric, rotated yearly) or `hmac` (HMAC_256 tokens, which
   * KMS cannot rotate).
   * @default 'encrypt'
   */
  readonly purpose?: 'encrypt' | 'hmac';
  /**
   * Principals that administer the key: the administrative actions, and an explicit Deny of every
   * cryptographic one (separation of duties).
   * @default - none besides the account-root delegation every key needs so it stays manageable
   */
  readonly administrators?: readonly iam.IPrincipal[];
  /**
   * Days a deleted key waits before it is gone.
   * @default Duration.days(30), the longest KMS allows
   */
  readonly pendingWindow?: Duration;
  /**
   * What happens to the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN: data encrypted under a deleted key is lost
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A customer-managed key with this project's defaults (`defaultKeyProps`: automatic rotation, the
 * longest deletion window, kept when the stack is deleted), tagged, administrators separated from
 * users, and grants limited to AWS services.
 */
export function createCustomerKey(scope: Construct, id: string, props: CustomerKeyProps): kms.Key {
  const defaults = props.purpose === 'hmac' ? defaultHmacKeyProps() : defaultKeyProps();
  const key = new kms.Key(
    scope,
    id,
    consolidateProps(defaults, { pendingWindow: props.pendingWindow, removalPolicy: props.removalPolicy }, { description: props.description, alias: props.alias }),
  );
  tagClassified(key, props.dataClass, props.residency);
  for (const statement of separationOfDutiesStatements(props.administrators ?? [])) key.addToResourcePolicy(statement);
  limitGrantsToAwsServices(key);
  return key;
}

/**
 * Lets EventBridge put undeliverable events into a dead-letter queue encrypted with the key, for
 * rules of this account only. False when the key is imported (its policy cannot be changed).
 */
export function allowEventBridgeDeadLetters(key: kms.IKey, account: string): boolean {
  return key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeDeadLettersOfThisAccount',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  ).statementAdded;
}
