import { type Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DATA_CLASSES, type DataClass } from '../config';
import type { ClassTag } from '../vocabulary/data-classes';
import { createCustomerKey, type CustomerKeyProps } from './key-policies';

export interface KeyHierarchyProps {
  /**
   * Region whose law governs the data these keys protect; written to every key's `residency` tag.
   */
  readonly residency: string;
  /**
   * Prefix of every alias, e.g. `alias/paydata` gives `alias/paydata/c2`.
   * @default 'alias/payment-data'
   */
  readonly aliasPrefix?: string;
  /**
   * JR/T 0171 classes that get their own key.
   * @default ['C3', 'C2', 'C1']
   */
  readonly dataClasses?: readonly DataClass[];
  /**
   * Principals that administer the keys. They get the administrative actions only, and an explicit
   * Deny of every cryptographic action in each key policy (separation of duties).
   * @default - none besides the account-root delegation every key needs so it stays manageable
   */
  readonly administrators?: readonly iam.IPrincipal[];
  /**
   * Use an existing key (e.g. one in a CloudHSM-backed custom key store) for a data class instead
   * of creating one. Such keys are not rotated automatically by KMS.
   * @default - a new key with automatic rotation for every class
   */
  readonly externalClassKeys?: Partial<Record<DataClass, kms.IKey>>;
  /**
   * Days a deleted key waits before it is gone.
   * @default Duration.days(30), the longest KMS allows
   */
  readonly pendingWindow?: Duration;
  /**
   * What happens to the keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN: data encrypted under a deleted key is lost
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Customer-managed KMS keys separated per data class, plus keys for audit records, for logs, and an
 * HMAC key for pseudonymization tokens. Every key rotates (where KMS supports it), has an alias, is
 * tagged `data-class` and `residency`, and has a policy in which administrators cannot use it.
 */
export class KeyHierarchy extends Construct {
  /** The audit key: CloudTrail, the audit bucket and security alarm topics. */
  public readonly auditKey: kms.Key;
  /** The logs key: CloudWatch Logs, limited to this account's log groups in this region. */
  public readonly logsKey: kms.Key;
  /** HMAC_256 key (GenerateMac/VerifyMac) for deterministic pseudonymization tokens of C2 identifiers. */
  public readonly tokenKey: kms.Key;

  private readonly classKeys = new Map<DataClass, kms.IKey>();
  private readonly administrators: readonly iam.IPrincipal[];
  private readonly aliasPrefix: string;

  constructor(scope: Construct, id: string, props: KeyHierarchyProps) {
    super(scope, id);
    this.aliasPrefix = props.aliasPrefix ?? 'alias/payment-data';
    this.administrators = props.administrators ?? [];
    const classes = props.dataClasses ?? DATA_CLASSES;
    const keyProps = { administrators: this.administrators, pendingWindow: props.pendingWindow, removalPolicy: props.removalPolicy, residency: props.residency };

    for (const dataClass of classes) {
      const external = props.externalClassKeys?.[dataClass];
      if (external) {
        this.classKeys.set(dataClass, external);
        continue;
      }
      this.classKeys.set(dataClass, this.symmetricKey(dataClass, dataClass, `${dataClass} personal financial information (JR/T 0171)`, keyProps));
    }

    this.auditKey = this.symmetricKey('Audit', 'audit', 'Audit records: CloudTrail, audit bucket, alarm topics', keyProps);

    this.logsKey = this.symmetricKey('Logs', 'logs', 'Operational logs (CloudWatch Logs)', keyProps);
    this.allowCloudWatchLogs(this.logsKey);

    // HMAC keys cannot rotate automatically (KMS limitation); tokens must stay stable anyway,
    // since a rotated token key would break joins across transfer batches.
    this.tokenKey = createCustomerKey(this, 'TokenKey', {
      ...keyProps,
      purpose: 'hmac',
      description: 'HMAC_256 key for pseudonymization tokens of C2 identifiers',
      dataClass: 'C2',
      alias: `${this.aliasPrefix}/token-hmac`,
    });
  }

  /** The key of a data class; throws for a class this hierarchy was not built with. */
  public keyFor(dataClass: DataClass): kms.IKey {
    const key = this.classKeys.get(dataClass);
    if (!key) {
      throw new Error(`KeyHierarchy has no key for data class ${dataClass}; it holds ${[...this.classKeys.keys()].join(', ')}`);
    }
    return key;
  }

  /** The data classes this hierarchy holds a key for. */
  public get dataClasses(): DataClass[] {
    return [...this.classKeys.keys()];
  }

  /** Lets a principal encrypt and decrypt with a data class key. */
  public grantEncryptDecrypt(dataClass: DataClass, grantee: iam.IGrantable): iam.Grant {
    return this.keyFor(dataClass).grantEncryptDecrypt(grantee);
  }

  /** Lets a principal compute (not verify, not administer) pseudonymization tokens. */
  public grantGenerateToken(grantee: iam.IGrantable): iam.Grant {
    return this.tokenKey.grant(grantee, 'kms:GenerateMac');
  }

  private symmetricKey(id: string, dataClass: ClassTag, description: string, keyProps: Omit<CustomerKeyProps, 'description' | 'dataClass'>): kms.Key {
    return createCustomerKey(this, `${id}Key`, { ...keyProps, description, dataClass, alias: `${this.aliasPrefix}/${id.toLowerCase()}` });
  }

  /**
   * CloudWatch Logs encrypts with the key only for this account's log groups in this region:
   * the encryption-context condition stops any other log group (or service) from using it.
   */
  private allowCloudWatchLogs(key: kms.Key): void {
    const stack = Stack.of(this);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccountOnly',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
  }
}
