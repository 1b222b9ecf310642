import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUDIT_BUCKET_READ_ACTIONS, AUDIT_OBJECT_READ_ACTIONS } from './audit-bucket';
import type { HumanAccess } from './human-access';
import { keyAdministratorActions } from '../vocabulary/kms-duties';

/** The resources human permissions are scoped to, by ARN. */
export interface HumanResources {
  /** Every KMS key of the stack (metadata and administration only: data use is denied by the boundary). */
  readonly keyArns: readonly string[];
  /** The classified buckets (bucket-level metadata only; objects are never granted). */
  readonly bucketArns: readonly string[];
  /** The classified tables (table-level metadata only; items are never granted). */
  readonly tableArns: readonly string[];
  readonly trailArn: string;
  readonly trailLogGroupArn: string;
  readonly alarmArns: readonly string[];
  readonly analyzerArns: readonly string[];
}

/** Where a statement's actions apply: a kind of resource, the stack itself, or `*` for account-wide listing and reading that names no single resource. */
export type PermissionScope = keyof HumanResources | 'stack' | 'accountWide';

/** One statement of a role's permission set. */
export interface PermissionStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly scope: PermissionScope;
}

/** Operators run the platform: alarms, metrics, store and key metadata, stack status. No records. */
export const OPERATOR_PERMISSIONS: readonly PermissionStatement[] = [
  { sid: 'ReadAlarmsAndMetrics', scope: 'accountWide', actions: ['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'] },
  { sid: 'ListInventory', scope: 'accountWide', actions: ['backup:DescribeBackupJob', 'backup:ListBackupJobs', 'cloudformation:ListStacks', 'dynamodb:ListTables', 'kms:ListAliases', 'kms:ListKeys', 's3:ListAllMyBuckets'] },
  { sid: 'DescribeTables', scope: 'tableArns', actions: ['dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'] },
  { sid: 'DescribeBuckets', scope: 'bucketArns', actions: ['s3:GetBucketLogging', 's3:GetBucketTagging', 's3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration'] },
  { sid: 'DescribeKeys', scope: 'keyArns', actions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus'] },
  { sid: 'ReadStackStatus', scope: 'stack', actions: ['cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:ListStackResources'] },
];

/** Auditors read: the trail and its events, alarms, access reviews, IAM and key configuration. */
export const AUDITOR_PERMISSIONS: readonly PermissionStatement[] = [
  { sid: 'ReadTrailConfiguration', scope: 'trailArn', actions: ['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus'] },
  { sid: 'ReadTrailEvents', scope: 'trailLogGroupArn', actions: ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartQuery'] },
  // The GetFindingV2 and ListFindingsV2 APIs are authorized by access-analyzer:GetFinding and
  // access-analyzer:ListFindings; there are no *V2 IAM actions (IAM Access Analyzer API reference,
  // API_GetFindingV2 / API_ListFindingsV2).
  { sid: 'ReadAccessReviews', scope: 'analyzerArns', actions: ['access-analyzer:GetAnalyzer', 'access-analyzer:GetFinding', 'access-analyzer:ListFindings'] },
  { sid: 'ReadKeyConfiguration', scope: 'keyArns', actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'] },
  { sid: 'ReadStoreConfiguration', scope: 'bucketArns', actions: ['s3:GetBucketLogging', 's3:GetBucketPolicy', 's3:GetBucketVersioning', 's3:GetEncryptionConfiguration'] },
  { sid: 'ReadTableConfiguration', scope: 'tableArns', actions: ['dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTable'] },
  {
    sid: 'ReadAccountConfiguration',
    scope: 'accountWide',
    actions: [
      'access-analyzer:ListAnalyzers', 'cloudtrail:DescribeTrails', 'cloudtrail:LookupEvents', 'cloudwatch:DescribeAlarmHistory',
      'cloudwatch:DescribeAlarms', 'iam:GenerateCredentialReport', 'iam:GetAccountAuthorizationDetails', 'iam:GetAccountPasswordPolicy',
      'iam:GetAccountSummary', 'iam:GetCredentialReport', 'kms:ListAliases', 'kms:ListKeys', 'logs:DescribeLogGroups', 'logs:GetQueryResults',
    ],
  },
];

/** Key administrators administer keys; every key policy also denies them cryptographic use. */
export const KEY_ADMINISTRATOR_PERMISSIONS: readonly PermissionStatement[] = [
  { sid: 'AdministerKeys', scope: 'keyArns', actions: keyAdministratorActions() },
  { sid: 'ListKeys', scope: 'accountWide', actions: ['kms:ListAliases', 'kms:ListKeys'] },
];

/**
 * Break-glass restores controls someone switched off (logging, alarm actions, keys, backups, bucket
 * protections) on top of the operator's view. It cannot stop, delete or read anything.
 */
export const BREAK_GLASS_PERMISSIONS: readonly PermissionStatement[] = [
  { sid: 'RestoreTrailLogging', scope: 'trailArn', actions: ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'] },
  { sid: 'RestoreAlarmActions', scope: 'alarmArns', actions: ['cloudwatch:EnableAlarmActions'] },
  { sid: 'RestoreKeys', scope: 'keyArns', actions: ['kms:CancelKeyDeletion', 'kms:DescribeKey', 'kms:EnableKey'] },
  { sid: 'RestoreTableRecovery', scope: 'tableArns', actions: ['dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups'] },
  { sid: 'RestoreBucketProtection', scope: 'bucketArns', actions: ['s3:PutBucketPublicAccessBlock', 's3:PutEncryptionConfiguration'] },
];

/**
 * Every action a person may ever hold: the permission sets above plus reading the audit record,
 * which the audit bucket and key policies grant to the auditor. The region guardrail boundary
 * allows exactly these.
 */
export const HUMAN_ACTION_CEILING: readonly string[] = [
  ...new Set([
    ...[OPERATOR_PERMISSIONS, AUDITOR_PERMISSIONS, KEY_ADMINISTRATOR_PERMISSIONS, BREAK_GLASS_PERMISSIONS].flatMap((set) => set.flatMap((s) => s.actions)),
    ...AUDIT_BUCKET_READ_ACTIONS,
    ...AUDIT_OBJECT_READ_ACTIONS,
    'kms:Decrypt',
  ]),
].sort();

export interface HumanPermissionsProps {
  /** The roles to equip. */
  readonly access: HumanAccess;
  /** What the permissions are scoped to. */
  readonly resources: HumanResources;
}

/**
 * One customer-managed policy per role (NIST, PCI and HIPAA packs refuse inline policies), built from
 * the permission sets above. Break-glass gets the operator's policy as well as its own. No set grants
 * reading objects or items of the classified stores, nor any cryptographic use of their keys.
 */
export class HumanPermissions extends Construct {
  public readonly operatorPolicy: iam.ManagedPolicy;
  public readonly auditorPolicy: iam.ManagedPolicy;
  public readonly keyAdministratorPolicy: iam.ManagedPolicy;
  public readonly breakGlassPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: HumanPermissionsProps) {
    super(scope, id);
    const { access, resources } = props;
    this.operatorPolicy = this.policy('OperatorPolicy', 'Operator: operations metadata, never records', OPERATOR_PERMISSIONS, resources, [access.operator, access.breakGlass]);
    this.auditorPolicy = this.policy('AuditorPolicy', 'Auditor: read-only audit, access review and configuration', AUDITOR_PERMISSIONS, resources, [access.auditor]);
    this.keyAdministratorPolicy = this.policy('KeyAdministratorPolicy', 'Key administrator: administration only', KEY_ADMINISTRATOR_PERMISSIONS, resources, [access.keyAdministrator]);
    this.breakGlassPolicy = this.policy('BreakGlassPolicy', 'Break-glass: restore disabled controls', BREAK_GLASS_PERMISSIONS, resources, [access.breakGlass]);
  }

  private policy(
    id: string,
    description: string,
    permissions: readonly PermissionStatement[],
    resources: HumanResources,
    roles: iam.IRole[],
  ): iam.ManagedPolicy {
    const statements = permissions
      .map((permission) => ({ permission, arns: this.arnsFor(permission.scope, resources) }))
      // A scope with nothing in it (e.g. no tables) grants nothing rather than falling back to `*`.
      .filter(({ arns }) => arns.length > 0)
      .map(({ permission, arns }) => new iam.PolicyStatement({ sid: permission.sid, actions: [...permission.actions], resources: arns }));
    return new iam.ManagedPolicy(this, id, { description, statements, roles });
  }

  private arnsFor(scope: PermissionScope, resources: HumanResources): string[] {
    if (scope === 'accountWide') return ['*'];
    if (scope === 'stack') return [Stack.of(this).stackId];
    const value = resources[scope];
    return typeof value === 'string' ? [value] : [...value];
  }
}
