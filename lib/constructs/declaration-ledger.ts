import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OBJECT_LOCK_CEILING_DAYS } from '../config';
import { appendOnlyBucket } from './append-only-bucket';
import type { ClassifiedBucket } from './classified-bucket';
import { ClassifiedTable } from './classified-table';

/** Prefix of ledger entries inside the ledger bucket. */
export const LEDGER_PREFIX = 'ledger/';

export interface DeclarationLedgerProps {
  /** The audit key: ledger entries are audit records. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the ledger; written to the `residency` tag. */
  readonly residency: string;
  /** ISO country of the home region. */
  readonly jurisdiction: string;
  /** Where S3 server access logs go (an Object Lock bucket cannot receive them itself). */
  readonly accessLogsBucket: s3.IBucket;
  /** Object Lock COMPLIANCE retention of every entry, in days. */
  readonly retentionDays: number;
}

/**
 * The declaration ledger: pre-transfer declarations and post-transfer receipts, hash-chained, in an
 * S3 bucket with Object Lock in COMPLIANCE mode (no one, not even the account root, can delete or
 * overwrite an entry before its retention ends), plus a DynamoDB item holding the chain head so
 * concurrent writers append one at a time (conditional writes).
 */
export class DeclarationLedger extends Construct {
  public readonly store: ClassifiedBucket;
  public readonly headTable: ClassifiedTable;

  constructor(scope: Construct, id: string, props: DeclarationLedgerProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > OBJECT_LOCK_CEILING_DAYS) {
      throw new Error(`DeclarationLedger retentionDays: got ${props.retentionDays}; expected a whole number of days from 1 to ${OBJECT_LOCK_CEILING_DAYS}`);
    }
    // An entry is created once and never replaced (see appendOnlyBucket).
    this.store = appendOnlyBucket(this, 'Store', {
      encryptionKey: props.encryptionKey,
      residency: props.residency,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'ledger/',
      retentionDays: props.retentionDays,
      statementId: 'LedgerEntriesAreWrittenOnce',
      writeOncePrefixes: [LEDGER_PREFIX],
    });
    this.headTable = new ClassifiedTable(this, 'Head', {
      dataClass: 'audit',
      jurisdiction: props.jurisdiction,
      encryptionKey: props.encryptionKey,
      residency: props.residency,
      // Key schema of lambda/shared/ledger-store.ts (LEDGER_HEAD_KEY): pk + sk, both strings.
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    });
  }

  /** Append entries: read existing ones (head repair), create new ones, advance the head. */
  public grantAppend(grantee: iam.IGrantable): iam.Grant {
    return this.store
      .grantRead(grantee, LEDGER_PREFIX)
      .combine(this.store.grantWrite(grantee, LEDGER_PREFIX))
      .combine(this.headTable.grantReadWrite(grantee));
  }
}
