import { Lazy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { countryOf, partitionOf } from '../../lambda/core/regions';
import { TRANSFER_INSTRUMENTS_METADATA_KEY, type RegisterRecord } from '../../lambda/core/assessment/instruments/summary';
import type { TransferRule } from '../../lambda/core/transfer-rule';
import { type DataClass, homePartition, type ResidencyConfig } from '../config';
import { AccessAnalyzers } from '../constructs/access-analyzers';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { AuditTrail } from '../constructs/audit-trail';
import { BackfillStateMachine } from '../constructs/backfill-state-machine';
import { landingBucketNameFromHome, outboundBucketName } from '../constructs/bucket-names';
import { ClassBackup } from '../constructs/class-backup';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { ClassifiedTable } from '../constructs/classified-table';
import { CloudHsmKeyStore } from '../constructs/cloudhsm-key-store';
import { RESIDENCY_TAG } from '../vocabulary/data-classes';
import { HeadcountAlarms } from '../constructs/headcount-alarms';
import { HumanAccess } from '../constructs/human-access';
import { IncidentResponse } from '../constructs/incident-response';
import { HUMAN_ACTION_CEILING, HumanPermissions } from '../constructs/human-permissions';
import { KeyHierarchy } from '../constructs/key-hierarchy';
import { LeakCanary } from '../constructs/leak-canary';
import { PrivateNetwork } from '../constructs/private-network';
import { guardrailRegions, RegionGuardrail } from '../constructs/region-guardrail';
import { RuntimeChecks } from '../constructs/runtime-checks';
import { SecurityAlarms } from '../constructs/security-alarms';
import { SubjectRights } from '../constructs/subject-rights';
import { TransferDelivery } from '../constructs/transfer-delivery';
import { OUTBOUND_PREFIX, RAW_PREFIX, TransferGateway } from '../constructs/transfer-gateway';
import { residencyPolicy } from '../nag/residency-policy';

export interface HomeDataStackProps extends StackProps {
  readonly config: ResidencyConfig;
  /** The approved transfer rules, validated at synth (see lib/transfer-rules.ts). */
  readonly rules: readonly TransferRule[];
  /**
   * Whether the exporter is a critical information infrastructure operator (CAC thresholds).
   * @default false
   */
  readonly ciio?: boolean;
  /**
   * The transfer-instrument register the rules were approved against, written into the template's
   * Metadata (`residency:transfer-instruments`) for the evidence report.
   * @default - none recorded
   */
  readonly instrumentRegister?: RegisterRecord;
}

/** Data classes that hold structured records in DynamoDB; C3 (authentication data) is never stored as records. */
const TABLE_CLASSES: readonly DataClass[] = ['C2', 'C1'];
/** Classes of raw personal data: every read and write of their stores is recorded as a data event. */
const RAW_DATA_CLASSES: readonly DataClass[] = ['C3', 'C2'];

/**
 * The stack in the home region: it holds every raw personal record, their keys, their backups, the
 * immutable audit record of the account, its alarms, the roles people use, and the transfer gateway
 * through which only desensitized, declared data leaves. Nothing raw replicates out of the region.
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
  public readonly guardrail: RegionGuardrail;
  public readonly humanAccess: HumanAccess;
  public readonly auditTrail: AuditTrail;
  public readonly securityAlarms: SecurityAlarms;
  public readonly accessAnalyzers: AccessAnalyzers;
  public readonly network: PrivateNetwork;
  public readonly gateway: TransferGateway;
  public readonly delivery: TransferDelivery;
  public readonly backfill: BackfillStateMachine;
  /** AWS Config twins of the CrossBorder rules (proof after deploy). */
  public readonly runtimeChecks: RuntimeChecks;
  /** Re-scans recent outbound objects for identifiers that should never leave. */
  public readonly leakCanary: LeakCanary;
  public readonly incidents: IncidentResponse;
  public readonly subjects: SubjectRights;

  constructor(scope: Construct, id: string, props: HomeDataStackProps) {
    // The stack's own tag is explicit (feature flag @aws-cdk/core:explicitStackTags): Tags.of below
    // tags the resources in the template, not the stack CloudFormation deploys.
    super(scope, id, { ...props, tags: { ...props.tags, [RESIDENCY_TAG]: props.config.homeRegion } });
    const { config } = props;
    this.config = config;
    const residency = config.homeRegion;
    this.jurisdiction = countryOf(config.homeRegion);
    Tags.of(this).add(RESIDENCY_TAG, residency);
    if (props.instrumentRegister) this.addMetadata(TRANSFER_INSTRUMENTS_METADATA_KEY, props.instrumentRegister);

    // People first: the key administrator must exist before the key policies that name it.
    const regions = guardrailRegions(config.homeRegion, config.allowedDestinationRegions);
    this.guardrail = new RegionGuardrail(this, 'RegionGuardrail', { ...regions, permittedActions: HUMAN_ACTION_CEILING });
    this.humanAccess = new HumanAccess(this, 'HumanAccess', {
      permissionsBoundary: this.guardrail.policy,
      trustedAccountIds: [this.account, ...(config.accounts.identity ? [config.accounts.identity] : [])],
      roleNamePrefix: config.projectName,
    });

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
      administrators: [this.humanAccess.keyAdministrator],
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
        administrators: [this.humanAccess.keyAdministrator],
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
      this.tables.set(
        dataClass,
        new ClassifiedTable(this, `${dataClass}${this.jurisdiction}Records`, {
          dataClass,
          jurisdiction: this.jurisdiction,
          encryptionKey: this.keys.keyFor(dataClass),
          residency,
        }),
      );
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

    // The transfer gateway: raw records land under raw/ in the C2 store; only desensitized,
    // declared output leaves, by replication (same partition) or push (across partitions).
    const rawStore = this.buckets.get('C2');
    if (!rawStore) throw new Error('HomeDataStack: the transfer gateway reads raw records from the C2 store, which is missing');
    this.network = new PrivateNetwork(this, 'Network', {
      flowLogsBucket: this.accessLogs.bucket,
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
    });
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
      alarmTopic: this.securityAlarms.topic,
      maxObjectBytes: config.maxRawObjectBytes,
      splitObjectBytes: config.splitObjectBytes,
      memorySize: config.gatewayMemoryMB,
    });
    this.delivery = new TransferDelivery(this, 'Delivery', {
      gateway: this.gateway,
      network: this.network,
      outboundBucketName: outboundName,
      targets: config.allowedDestinationRegions.map((region) => ({
        region,
        bucketName: landingBucketNameFromHome(config, region),
        samePartition: partitionOf(region) === partitionOf(config.homeRegion),
        landingKeyAlias: `alias/${config.projectName}/landing`,
      })),
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
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
    new HeadcountAlarms(this, 'HeadcountAlarms', {
      exporter: `${this.account}/${residency}`,
      ciio: props.ciio ?? false,
      topic: this.securityAlarms.topic,
    });

    // Proof after deploy: the CrossBorder rules judged again on the live resources (AWS Config), and
    // the leak canary re-scanning what actually left. Both raise the CIS alarms' topic.
    const route = { topic: this.securityAlarms.topic, topicKey: this.keys.auditKey };
    const bucketRegions: Record<string, string> = Object.fromEntries([
      ...[...this.buckets.values()].map((b) => [b.bucket.bucketName, residency]),
      ...[this.accessLogs.bucket, this.gateway.outbound.bucket, this.gateway.ledger.store.bucket].map((b) => [b.bucketName, residency]),
      ...config.allowedDestinationRegions.flatMap((region) => {
        const name = landingBucketNameFromHome(config, region);
        return name === undefined ? [] : [[name, region]];
      }),
    ]);
    this.runtimeChecks = new RuntimeChecks(this, 'RuntimeChecks', {
      policy: residencyPolicy({ homeRegion: config.homeRegion, allowedRegions: [config.homeRegion, ...config.allowedDestinationRegions], maxLogRetentionDays: config.logRetentionDays }),
      bucketRegions,
      accessLogTargets: [this.accessLogs.bucket.bucketName],
      route,
      auditKey: this.keys.auditKey,
      environmentKey: this.gateway.outboundKey,
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
      accessLogsBucket: this.accessLogs.bucket,
      evidenceRetentionDays: config.auditObjectLockDays,
      configRecorder: config.runtimeChecks.configRecorder,
    });
    this.leakCanary = new LeakCanary(this, 'LeakCanary', {
      outbound: this.gateway.outbound,
      outboundPrefix: OUTBOUND_PREFIX,
      results: this.runtimeChecks.evidence,
      route,
      network: this.network,
      environmentKey: this.gateway.outboundKey,
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
      everyMinutes: config.runtimeChecks.canaryEveryMinutes,
      lookbackHours: config.runtimeChecks.canaryLookbackHours,
      sampleSize: config.runtimeChecks.canarySampleSize,
    });

    // Breach clocks: findings and alarms open incident records with a deadline per jurisdiction the
    // data touches (home and every transfer rule's destination).
    this.incidents = new IncidentResponse(this, 'Incidents', {
      auditKey: this.keys.auditKey,
      logsKey: this.keys.logsKey,
      logRetentionDays: config.logRetentionDays,
      residency,
      accessLogsBucket: this.accessLogs.bucket,
      alarmTopic: this.securityAlarms.topic,
      topicKey: this.keys.auditKey,
      alarmNamePrefix: this.securityAlarms.alarmNamePrefix,
      scope: { homeRegion: config.homeRegion, destinations: props.rules.map((r) => r.destination), cnOperator: props.ciio ? 'ciio' : 'other' },
      retentionDays: config.auditObjectLockDays,
    });

    // People's rights: the suppression list the gateway enforces, its hand-on to recipients, erasure.
    const listStore = this.buckets.get('C1');
    if (!listStore) throw new Error('HomeDataStack: the suppression list lives in the C1 store, which is missing');
    this.subjects = new SubjectRights(this, 'Subjects', {
      keys: this.keys,
      listStore,
      homeStores: [...this.buckets.values()],
      gateway: this.gateway.gateway,
      ledger: this.gateway.ledger,
      outbound: this.gateway.outbound,
      outboundPrefix: OUTBOUND_PREFIX,
      rules: props.rules,
      environmentKey: this.gateway.outboundKey,
      network: this.network,
      logRetentionDays: config.logRetentionDays,
      residency,
    });

    // Every table is in an in-region backup plan under its class key; the gateway's bookkeeping
    // tables (idempotency, headcounts) are C1 and the ledger head is audit.
    const backedUp = new Map<DataClass, dynamodb.ITable[]>([...this.tables].map(([c, t]) => [c, [t.table]]));
    backedUp.get('C1')?.push(this.gateway.idempotencyTable.table, this.gateway.headcountTable.table);
    for (const [dataClass, tables] of backedUp) {
      new ClassBackup(this, `${dataClass}Backup`, { dataClass, encryptionKey: this.keys.keyFor(dataClass), residency, tables });
    }
    new ClassBackup(this, 'AuditBackup', { dataClass: 'audit', encryptionKey: this.keys.auditKey, residency, tables: [this.gateway.ledger.headTable.table] });
  }
}
