import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ClassTag } from '../vocabulary/data-classes';
import { tagClassified } from './tag-classified';
import { ManagedPolicyRole } from './managed-policy-role';

export interface ClassBackupProps {
  /** Class of what is backed up; the vault uses that class's key. */
  readonly dataClass: ClassTag;
  /** The class key: backups are as sensitive as their source. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the data: backups stay in it (no cross-region copy). */
  readonly residency: string;
  /** Tables to back up. */
  readonly tables: readonly dynamodb.ITable[];
  /**
   * Days each daily recovery point is kept.
   * @default 35
   */
  readonly retentionDays?: number;
}

/**
 * A daily AWS Backup plan for one data class, into an in-region vault encrypted with the class key.
 * Point-in-time recovery covers mistakes of the last 35 days; the plan gives an independent copy
 * that a table deletion cannot take with it.
 */
export class ClassBackup extends Construct {
  /**
   * The role AWS Backup assumes: what AWSBackupServiceRolePolicyForBackup allows for DynamoDB,
   * narrowed to these tables, this vault and this class key (the AWS-managed policy covers every
   * table and key in the account).
   */
  private backupRole(props: ClassBackupProps): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup of the ${props.dataClass} tables into their vault`,
    });
    const tableArns = props.tables.map((t) => t.tableArn);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeTable', 'dynamodb:CreateBackup', 'dynamodb:StartAwsBackupJob', 'dynamodb:ListTagsOfResource'],
        resources: tableArns,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'], resources: tableArns.map((arn) => `${arn}/backup/*`) }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'], resources: [this.vault.backupVaultArn] }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [props.encryptionKey.keyArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [props.encryptionKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringLike: { 'kms:ViaService': ['dynamodb.*', 'backup.*'] } },
      }),
    );
    // Backup discovers resources by tag; tag:GetResources has no resource-level scoping.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['tag:GetResources'], resources: ['*'] }));
    return role;
  }

  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: ClassBackupProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 35;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`ClassBackup retentionDays: got ${retentionDays}; expected a whole number of days ≥ 1`);
    }
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    tagClassified(this.vault, props.dataClass, props.residency);
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'daily',
        scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
        deleteAfter: Duration.days(retentionDays),
      }),
    );
    this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => backup.BackupResource.fromDynamoDbTable(table)),
      // Without policy updates: the selection would otherwise attach the account-wide AWS-managed policy.
      role: this.backupRole(props).withoutPolicyUpdates(),
    });
  }
}
