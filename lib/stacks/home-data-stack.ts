import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type DataClass, homePartition, type ResidencyConfig } from '../config';
import { countryOf } from '../../lambda/core/regions';
import { AccessAnalyzers } from '../constructs/access-analyzers';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { AuditTrail } from '../constructs/audit-trail';
import { ClassBackup } from '../constructs/class-backup';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { ClassifiedTable } from '../constructs/classified-table';
import { RESIDENCY_TAG } from '../constructs/data-classes';
import { HumanAccess } from '../constructs/human-access';
import { HUMAN_ACTION_CEILING, HumanPermissions } from '../constructs/human-permissions';
import { KeyHierarchy } from '../constructs/key-hierarchy';
import { guardrailRegions, RegionGuardrail } from '../constructs/region-guardrail';
import { SecurityAlarms } from '../constructs/security-alarms';

export interface HomeDataStackProps extends StackProps {
  readonly config: ResidencyConfig;
}

/** Data classes that hold structured records in DynamoDB; C3 (authentication data) is never stored as records. */
const TABLE_CLASSES: readonly DataClass[] = ['C2', 'C1'];
/** Classes of raw personal data: every read and write of their stores is recorded as a data event. */
const RAW_DATA_CLASSES: readonly DataClass[] = ['C3', 'C2'];

/**
 * The stack in the home region: it holds every raw personal record, their keys, their backups, the
 * immutable audit record of the account, its alarms, and the roles people use.
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
  public readonly guardrail: RegionGuardrail;
  public readonly humanAccess: HumanAccess;
  public readonly auditTrail: AuditTrail;
  public readonly securityAlarms: SecurityAlarms;
  public readonly accessAnalyzers: AccessAnalyzers;

  constructor(scope: Construct, id: string, props: HomeDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const residency = config.homeRegion;
    this.jurisdiction = countryOf(config.homeRegion);
    Tags.of(this).add(RESIDENCY_TAG, residency);

    // People first: the key administrator must exist before the key policies that name it.
    const regions = guardrailRegions(config.homeRegion, config.allowedDestinationRegions);
    this.guardrail = new RegionGuardrail(this, 'RegionGuardrail', { ...regions, permittedActions: HUMAN_ACTION_CEILING });
    this.humanAccess = new HumanAccess(this, 'HumanAccess', {
      permissionsBoundary: this.guardrail.policy,
      trustedAccountIds: [this.account, ...(config.accounts.identity ? [config.accounts.identity] : [])],
      roleNamePrefix: config.projectName,
    });

    this.keys = new KeyHierarchy(this, 'Keys', {
      residency,
      aliasPrefix: `alias/${config.projectName}`,
      dataClasses: config.dataClasses,
      administrators: [this.humanAccess.keyAdministrator],
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

    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      auditKey: this.keys.auditKey,
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      objectLockDays: config.auditObjectLockDays,
      residency,
      accessLogsBucket: this.accessLogs.bucket,
      dataEventBuckets: RAW_DATA_CLASSES.flatMap((c) => this.buckets.get(c)?.bucket ?? []),
      dataEventTables: RAW_DATA_CLASSES.flatMap((c) => this.tables.get(c)?.table ?? []),
      readers: [this.humanAccess.auditor],
    });
    this.securityAlarms = new SecurityAlarms(this, 'SecurityAlarms', {
      trailLogGroup: this.auditTrail.logGroup,
      encryptionKey: this.keys.auditKey,
      residency,
      partition: homePartition(config),
      allowedRegions: regions.allowedRegions,
      breakGlassRole: this.humanAccess.breakGlass,
      emailSubscribers: config.alarmSubscribers.emails,
      httpsSubscribers: config.alarmSubscribers.httpsEndpoints,
    });
    // The unused-access analyzer is only created where we know the partition offers it (see docs).
    this.accessAnalyzers = new AccessAnalyzers(this, 'AccessAnalyzers', {
      analyzerNamePrefix: config.projectName,
      unusedAccess: homePartition(config) === 'aws',
    });
    new HumanPermissions(this, 'HumanPermissions', {
      access: this.humanAccess,
      resources: {
        keyArns: [...this.keys.dataClasses.map((c) => this.keys.keyFor(c)), this.keys.auditKey, this.keys.logsKey, this.keys.tokenKey].map((k) => k.keyArn),
        bucketArns: [...this.buckets.values()].map((b) => b.bucket.bucketArn),
        tableArns: [...this.tables.values()].map((t) => t.table.tableArn),
        trailArn: this.auditTrail.trailArn,
        trailLogGroupArn: this.auditTrail.logGroup.logGroupArn,
        alarmArns: this.securityAlarms.alarms.map((a) => a.alarmArn),
        analyzerArns: this.accessAnalyzers.analyzerArns,
      },
    });
  }
}
