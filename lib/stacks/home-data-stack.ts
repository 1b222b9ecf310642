import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { type DataClass, type ResidencyConfig } from '../config';
import { countryOf } from '../../lambda/core/regions';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { ClassBackup } from '../constructs/class-backup';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { ClassifiedTable } from '../constructs/classified-table';
import { RESIDENCY_TAG } from '../constructs/data-classes';
import { KeyHierarchy } from '../constructs/key-hierarchy';
import { BackfillStateMachine } from '../constructs/backfill-state-machine';
import { landingBucketName, outboundBucketName } from '../constructs/bucket-names';
import { PrivateNetwork } from '../constructs/private-network';
import { RAW_PREFIX, TransferGateway } from '../constructs/transfer-gateway';
import { TransferDelivery } from '../constructs/transfer-delivery';
import { partitionOf } from '../../lambda/core/regions';
import type { TransferRule } from '../../lambda/core/transfer-rule';

export interface HomeDataStackProps extends StackProps {
  readonly config: ResidencyConfig;
  /** The approved transfer rules, validated at synth (see lib/transfer-rules.ts). */
  readonly rules: readonly TransferRule[];
}

/** Data classes that hold structured records in DynamoDB; C3 (authentication data) is never stored as records. */
const TABLE_CLASSES: readonly DataClass[] = ['C2', 'C1'];

/**
 * The stack in the home region: it holds every raw personal record, their keys, and their backups.
 * Nothing in it replicates out of the region.
 */
export class HomeDataStack extends Stack {
  public readonly config: ResidencyConfig;
  public readonly keys: KeyHierarchy;
  public readonly accessLogs: AccessLogsBucket;
  public readonly buckets = new Map<DataClass, ClassifiedBucket>();
  public readonly tables = new Map<DataClass, ClassifiedTable>();
  /** ISO country of the home region: the jurisdiction the tables are partitioned by. */
  public readonly jurisdiction: string;
  public readonly network: PrivateNetwork;
  public readonly gateway: TransferGateway;
  public readonly delivery: TransferDelivery;
  public readonly backfill: BackfillStateMachine;

  constructor(scope: Construct, id: string, props: HomeDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const residency = config.homeRegion;
    this.jurisdiction = countryOf(config.homeRegion);
    Tags.of(this).add(RESIDENCY_TAG, residency);

    this.keys = new KeyHierarchy(this, 'Keys', {
      residency,
      aliasPrefix: `alias/${config.projectName}`,
      dataClasses: config.dataClasses,
    });
    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      residency,
      expireAfterDays: config.logRetentionDays,
    });

    for (const dataClass of config.dataClasses) {
      this.buckets.set(
        dataClass,
        new ClassifiedBucket(this, `${dataClass}Store`, {
          dataClass,
          encryptionKey: this.keys.keyFor(dataClass),
          residency,
          accessLogsBucket: this.accessLogs.bucket,
        }),
      );
    }

    for (const dataClass of TABLE_CLASSES.filter((c) => config.dataClasses.includes(c))) {
      const table = new ClassifiedTable(this, `${dataClass}${this.jurisdiction}Records`, {
        dataClass,
        jurisdiction: this.jurisdiction,
        encryptionKey: this.keys.keyFor(dataClass),
        residency,
      });
      this.tables.set(dataClass, table);
    }

    const rawStore = this.buckets.get('C2');
    if (!rawStore) throw new Error('HomeDataStack: the transfer gateway reads raw records from the C2 store, which is missing');
    this.network = new PrivateNetwork(this, 'Network', { flowLogsBucket: this.accessLogs.bucket });
    const outboundName = outboundBucketName(config);
    this.gateway = new TransferGateway(this, 'Gateway', {
      residency,
      jurisdiction: this.jurisdiction,
      keys: this.keys,
      rawStore,
      accessLogsBucket: this.accessLogs.bucket,
      network: this.network,
      rules: props.rules,
      outboundBucketName: outboundName,
      logRetentionDays: config.logRetentionDays,
      ledgerRetentionDays: config.auditObjectLockDays,
    });
    this.delivery = new TransferDelivery(this, 'Delivery', {
      gateway: this.gateway,
      outboundBucketName: outboundName,
      targets: config.allowedDestinationRegions.map((region) => ({
        region,
        bucketName: landingBucketName(config, region),
        samePartition: partitionOf(region) === partitionOf(config.homeRegion),
        landingKeyAlias: `alias/${config.projectName}/landing`,
      })),
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
    });
    // Every table is in an in-region backup plan with its class key; the gateway's bookkeeping
    // tables (idempotency, headcounts) are C1 and the ledger head is audit.
    const backedUp = new Map<DataClass, dynamodb.ITable[]>([...this.tables].map(([c, t]) => [c, [t.table]]));
    backedUp.get('C1')?.push(this.gateway.idempotencyTable.table, this.gateway.headcountTable.table);
    for (const [dataClass, tables] of backedUp) {
      new ClassBackup(this, `${dataClass}Backup`, { dataClass, encryptionKey: this.keys.keyFor(dataClass), residency, tables });
    }
    new ClassBackup(this, 'AuditBackup', {
      dataClass: 'audit',
      encryptionKey: this.keys.auditKey,
      residency,
      tables: [this.gateway.ledger.headTable.table],
    });
    this.backfill = new BackfillStateMachine(this, 'Backfill', {
      gateway: this.gateway.gateway,
      rawBucket: rawStore.bucket,
      rawPrefix: RAW_PREFIX,
      resultsPrefix: 'backfill-results/',
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
    });
  }
}
