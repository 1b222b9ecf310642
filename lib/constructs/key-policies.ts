import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { ClassTag } from '../vocabulary/data-classes';
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
}

/**
 * A customer-managed key with this project's defaults: automatic rotation, the longest deletion
 * window, kept when the stack is deleted (data under a deleted key is lost), tagged, and grants
 * limited to AWS services.
 */
export function createCustomerKey(scope: Construct, id: string, props: CustomerKeyProps): kms.Key {
  const key = new kms.Key(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
    alias: props.alias,
  });
  tagClassified(key, props.dataClass, props.residency);
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
