import { Lazy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type DataClass, type ResidencyConfig } from '../config';
import { countryOf } from '../../lambda/core/regions';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { ClassBackup } from '../constructs/class-backup';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { ClassifiedTable } from '../constructs/classified-table';
import { CloudHsmKeyStore } from '../constructs/cloudhsm-key-store';
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
  /** The C3 key's CloudHSM key store, when `cloudHsm.enabled` (customer-held key material). */
  public readonly c3KeyStore?: CloudHsmKeyStore;
  /** ISO country of the home region: the jurisdiction the tables are partitioned by. */
  public readonly jurisdiction: string;

  constructor(scope: Construct, id: string, props: HomeDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const residency = config.homeRegion;
    this.jurisdiction = countryOf(config.homeRegion);
    Tags.of(this).add(RESIDENCY_TAG, residency);

    // With CloudHSM, the C3 key lives in the customer's cluster. KeyHierarchy takes that key when it
    // is built, but the store's provider logs with the hierarchy's logs key: the C3 key is therefore
    // referenced by a lazy ARN, filled in once the store exists. CloudFormation sees no cycle: the
    // store depends on the logs key, and only the C3 bucket depends on the store.
    const hsm = config.cloudHsm;
    const hsmKeyArn = Lazy.string({
      produce: () => {
        if (!this.c3KeyStore) throw new Error('HomeDataStack: the C3 CloudHSM key store was never built');
        return this.c3KeyStore.key.keyArn;
      },
    });
    this.keys = new KeyHierarchy(this, 'Keys', {
      residency,
      aliasPrefix: `alias/${config.projectName}`,
      dataClasses: config.dataClasses,
      externalClassKeys: hsm.enabled ? { C3: kms.Key.fromKeyArn(this, 'C3HsmKey', hsmKeyArn) } : undefined,
    });
    if (hsm.enabled) {
      const { clusterId, trustAnchorCertificateParameter, keyStorePasswordSecretName } = hsm;
      if (!clusterId || !trustAnchorCertificateParameter || !keyStorePasswordSecretName) {
        throw new Error('cloudHsm.enabled needs clusterId, trustAnchorCertificateParameter and keyStorePasswordSecretName');
      }
      this.c3KeyStore = new CloudHsmKeyStore(this, 'C3HsmKeyStore', {
        clusterId,
        trustAnchorCertificateParameter,
        keyStorePasswordSecretName,
        dataClass: 'C3',
        residency,
        logsKey: this.keys.logsKey,
        logRetentionDays: config.logRetentionDays,
      });
    }
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
