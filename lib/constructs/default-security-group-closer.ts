import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { DataPlaneFunction } from './data-plane-function';
import { createCustomerKey } from './key-policies';

export interface DefaultSecurityGroupCloserProps {
  /** Encrypts the function's log group. */
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
}

/** The construct id CDK (and cdk-nag's VPCDefaultSecurityGroupClosed) use for this custom resource under a VPC. */
export const DEFAULT_SG_CLOSER_ID = 'RestrictDefaultSecurityGroupCustomResource';
/** The resource type CDK's own closer uses; kept so checks and reports recognise it. */
export const DEFAULT_SG_CLOSER_TYPE = 'Custom::VpcRestrictDefaultSG';

/**
 * Closes a VPC's default security group at deploy time (no rules in or out), in place of CDK's
 * `restrictDefaultSecurityGroup`, whose provider is a plain function without reserved concurrency or
 * a dead-letter queue (checkov CKV_AWS_115/116) that no construct option can give it. This one is a
 * DataPlaneFunction like every other function here: explicit short-retention log group, reserved
 * concurrency of 1, an encrypted dead-letter queue, a managed-policy role scoped to this group only.
 * It sits under the VPC with CDK's id and type, so what looks for CDK's closer finds this one.
 */
export class DefaultSecurityGroupCloser extends Construct {
  public readonly handler: DataPlaneFunction;
  public readonly resource: CfnResource;

  constructor(vpc: ec2.Vpc, props: DefaultSecurityGroupCloserProps) {
    super(vpc, DEFAULT_SG_CLOSER_ID);
    const stack = Stack.of(this);
    const key = createCustomerKey(this, 'Key', {
      description: 'Environment and dead letters of the default-security-group closer (CloudFormation events)',
      dataClass: 'logs',
      residency: props.residency,
    });
    this.handler = new DataPlaneFunction(this, 'Handler', {
      entry: join(__dirname, '..', '..', 'lambda', 'default-security-group', 'handler.ts'),
      description: "Removes the default rules of the VPC's default security group at deploy time",
      environmentKey: key,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      timeout: Duration.minutes(2),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
    });
    const groupArn = stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: vpc.vpcDefaultSecurityGroup });
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
        resources: [groupArn],
      }),
    );
    this.resource = new CfnResource(this, 'Default', {
      type: DEFAULT_SG_CLOSER_TYPE,
      properties: {
        ServiceToken: this.handler.function.functionArn,
        DefaultSecurityGroupId: vpc.vpcDefaultSecurityGroup,
        Account: stack.account,
      },
    });
  }
}
