import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DataClass } from '../config';
import { KEY_DELETION_WINDOW_DAYS, KEY_GENERATION_TAG } from '../../lambda/core/custom-key-store';
import { DATA_CLASS_TAG, RESIDENCY_TAG } from '../vocabulary/data-classes';
import { keyDataActions } from '../vocabulary/kms-duties';
import { separationOfDutiesStatements } from './key-policies';

/** What the provider may do to the one key it created, granted in that key's policy (no IAM wildcard). */
export const PROVIDER_KEY_ACTIONS = [
  'kms:DescribeKey',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
] as const;

/** The service-linked role KMS creates with the first CloudHSM key store of an account. */
const KMS_CKS_SERVICE = 'cks.kms.amazonaws.com';
const KMS_CKS_ROLE = 'AWSServiceRoleForKeyManagementServiceCustomKeyStores';

export interface CloudHsmKeyPolicyOptions {
  readonly administrators: readonly iam.IPrincipal[];
  /** The provider's role: manages this key's lifecycle, never uses it. */
  readonly provider: iam.IRole;
}

/**
 * The key policy of a key in a CloudHSM key store: account-root delegation (so IAM stays in charge
 * and the key can never become unmanageable), administrators administer only (the statements every
 * project key has), the provider manages this key's lifecycle only; both are denied every
 * cryptographic action. No other `kms:*`.
 */
export function cloudHsmKeyPolicy(options: CloudHsmKeyPolicyOptions): iam.PolicyDocument {
  const provider = new iam.ArnPrincipal(options.provider.roleArn);
  const statements = [
    new iam.PolicyStatement({
      sid: 'AccountRootDelegation',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:*'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ProviderManagesThisKey',
      principals: [provider],
      actions: [...PROVIDER_KEY_ACTIONS],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ProviderDeletesOnlyWithLongestWindow',
      principals: [provider],
      actions: ['kms:ScheduleKeyDeletion'],
      resources: ['*'],
      conditions: { NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': KEY_DELETION_WINDOW_DAYS } },
    }),
  ];
  statements.push(
    ...separationOfDutiesStatements(options.administrators),
    new iam.PolicyStatement({
      sid: 'ProviderNeverUsesForData',
      effect: iam.Effect.DENY,
      principals: [provider],
      actions: keyDataActions(),
      resources: ['*'],
    }),
  );
  return new iam.PolicyDocument({ statements });
}

export interface CloudHsmProviderPolicyOptions {
  readonly passwordSecretName: string;
  readonly logGroup: logs.ILogGroup;
  readonly deadLetterQueue: sqs.IQueue;
  readonly logsKey: kms.IKey;
  readonly dataClass: DataClass;
  /** Whether the provider sends X-Ray traces (only where X-Ray integrates with Lambda). */
  readonly traced: boolean;
}

/**
 * The provider's identity policy. `Resource: *` appears only where the service has no resource-level
 * permission (custom key store operations, CreateKey, CloudHSM DescribeClusters, X-Ray), each
 * narrowed by conditions; everything else names its one resource.
 */
export function cloudHsmProviderPolicy(scope: Construct, options: CloudHsmProviderPolicyOptions): iam.PolicyDocument {
  const stack = Stack.of(scope);
  const inThisRegion = { StringEquals: { 'aws:RequestedRegion': stack.region } };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'CustomKeyStoreLifecycle',
        actions: [
          'kms:CreateCustomKeyStore',
          'kms:ConnectCustomKeyStore',
          'kms:DisconnectCustomKeyStore',
          'kms:DescribeCustomKeyStores',
          'cloudhsm:DescribeClusters',
        ],
        resources: ['*'],
        conditions: inThisRegion,
      }),
      new iam.PolicyStatement({
        sid: 'CreateOnlyCloudHsmKeys',
        actions: ['kms:CreateKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:RequestedRegion': stack.region,
            'kms:KeyOrigin': 'AWS_CLOUDHSM',
            'kms:KeySpec': 'SYMMETRIC_DEFAULT',
            'kms:KeyUsage': 'ENCRYPT_DECRYPT',
          },
        },
      }),
      // CreateKey with Tags needs TagResource in an IAM policy (the key does not exist yet).
      new iam.PolicyStatement({
        sid: 'TagNewKeysWithTheirClassOnly',
        actions: ['kms:TagResource'],
        resources: ['*'],
        conditions: {
          StringEquals: { [`aws:RequestTag/${DATA_CLASS_TAG}`]: options.dataClass },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [DATA_CLASS_TAG, RESIDENCY_TAG, KEY_GENERATION_TAG] },
        },
      }),
      new iam.PolicyStatement({
        sid: 'CreateTheKmsCustomKeyStoreServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [
          stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `aws-service-role/${KMS_CKS_SERVICE}/${KMS_CKS_ROLE}` }),
        ],
        conditions: { StringEquals: { 'iam:AWSServiceName': KMS_CKS_SERVICE } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadTheKmsuserPassword',
        actions: ['secretsmanager:GetSecretValue'],
        // Secrets Manager appends six random characters to every secret's ARN.
        resources: [
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${options.passwordSecretName}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [options.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'SendToOwnDeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [options.deadLetterQueue.queueArn],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptDeadLettersViaSqsOnly',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [options.logsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}` } },
      }),
      ...(options.traced
        ? [
            new iam.PolicyStatement({
              sid: 'WriteTraces',
              actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
              resources: ['*'],
            }),
          ]
        : []),
    ],
  });
}
