import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type DataClass, type ResidencyConfig } from '../config';
import { countryOf } from '../../lambda/core/regions';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { ClassBackup } from '../constructs/class-backup';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { ClassifiedTable } from '../constructs/classified-table';
import { RESIDENCY_TAG } from '../constructs/data-classes';
import { KeyHierarchy } from '../constructs/key-hierarchy';

export interface HomeDataStackProps extends StackProps {
  readonly config: ResidencyConfig;
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
      new ClassBackup(this, `${dataClass}Backup`, {
        dataClass,
        encryptionKey: this.keys.keyFor(dataClass),
        residency,
        tables: [table.table],
      });
    }
  }
}
