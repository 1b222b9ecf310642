import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { ClassTag } from '../vocabulary/data-classes';
import { tagClassified } from './tag-classified';
import { grantItemReadWrite } from './grants';

/** Attribute names that would store sensitive authentication data, which PCI DSS 3.3.1 forbids. */
const SENSITIVE_AUTH_ATTRIBUTE = /(cvv|cvn|cvc|cav2|cid|pin|track)/i;

export interface ClassifiedTableProps {
  /** Class of the items (JR/T 0171 C1-C3, or an operational class); written to the `data-class` tag. */
  readonly dataClass: ClassTag;
  /** Jurisdiction (ISO country) whose subjects the table holds: tables are partitioned by it. */
  readonly jurisdiction: string;
  /** The class key. Encryption with it cannot be overridden. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the data; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Partition key.
   * @default { name: 'pk', type: STRING }
   */
  readonly partitionKey?: dynamodb.Attribute;
  /**
   * Sort key; `null` for a table keyed by its partition key alone.
   * @default { name: 'sk', type: STRING }
   */
  readonly sortKey?: dynamodb.Attribute | null;
  /**
   * Attribute holding each item's expiry time (epoch seconds), for data minimization.
   * @default 'expiresAt'
   */
  readonly timeToLiveAttribute?: string;
  /**
   * What happens to the table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A DynamoDB table for one data class and jurisdiction: encrypted with the class key, point-in-time
 * recovery, deletion protection, on-demand capacity, item expiry, tagged `data-class` and
 * `residency`. Key attributes that would hold card security codes, PINs or track data are refused.
 */
export class ClassifiedTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly dataClass: ClassTag;
  public readonly jurisdiction: string;

  constructor(scope: Construct, id: string, props: ClassifiedTableProps) {
    super(scope, id);
    const partitionKey = props.partitionKey ?? { name: 'pk', type: dynamodb.AttributeType.STRING };
    const sortKey = props.sortKey === null ? undefined : (props.sortKey ?? { name: 'sk', type: dynamodb.AttributeType.STRING });
    const problems: string[] = [];
    for (const attr of sortKey ? [partitionKey, sortKey] : [partitionKey]) {
      if (SENSITIVE_AUTH_ATTRIBUTE.test(attr.name)) {
        problems.push(`key attribute "${attr.name}" looks like sensitive authentication data, which must never be stored (PCI DSS 3.3.1)`);
      }
    }
    if (!/^[A-Z]{2}$/.test(props.jurisdiction)) {
      problems.push(`jurisdiction: got "${props.jurisdiction}"; expected an ISO 3166-1 alpha-2 country code such as CN`);
    }
    if (problems.length > 0) throw new Error(`ClassifiedTable ${id}: ${problems.join('; ')}`);

    this.dataClass = props.dataClass;
    this.jurisdiction = props.jurisdiction;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey,
      sortKey,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: props.timeToLiveAttribute ?? 'expiresAt',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    tagClassified(this.table, props.dataClass, props.residency);
  }

  /** Read and write items, using the class key through DynamoDB only. */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantItemReadWrite(grantee, this.table);
  }
}
