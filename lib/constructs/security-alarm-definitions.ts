import type { Partition } from '../../lambda/core/regions';

/**
 * The metric filters behind the security alarms: CIS AWS Foundations Benchmark 4.1-4.15 (v1.4-v3.0
 * numbering), plus API calls outside the allowed regions and use of the break-glass role.
 * Pure data: the SecurityAlarms construct turns each into a metric filter and an alarm.
 */
export interface SecurityAlarmDefinition {
  /** Construct id and metric name; stable (renaming replaces the alarm). */
  readonly id: string;
  /** The control the alarm serves, e.g. `CIS 4.3`. */
  readonly control: string;
  /** What a firing alarm means, for the person paged. */
  readonly description: string;
  /** CloudWatch Logs JSON filter pattern over CloudTrail events. */
  readonly filterPattern: string;
}

export interface SecurityAlarmOptions {
  /** Partition of the account: `aws-cn` has no root user, so CIS 4.3 has nothing to watch there. */
  readonly partition: Partition;
  /** Regions where API calls are expected (the home region and same-partition destinations). */
  readonly allowedRegions: readonly string[];
  /** ARN of the break-glass role (may be a token). */
  readonly breakGlassRoleArn: string;
}

/** CloudWatch Logs refuses filter patterns longer than this. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

/**
 * Event sources not bound to a region: their events are logged in us-east-1 (aws) or the
 * partition's first region whatever region the caller works in, and say nothing about where data lives.
 */
export const GLOBAL_EVENT_SOURCES = [
  'iam.amazonaws.com',
  'sts.amazonaws.com',
  'signin.amazonaws.com',
  'organizations.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
  'support.amazonaws.com',
  'health.amazonaws.com',
] as const;

const quote = (value: string): string => `"${value}"`;

/** `{ ($.eventSource = "source") && (($.eventName = "a") || ...) }` */
function eventsOf(source: string, eventNames: readonly string[]): string {
  const names = eventNames.map((name) => `($.eventName = ${quote(name)})`).join(' || ');
  return `{ ($.eventSource = ${quote(source)}) && (${names}) }`;
}

/** The definitions for an account; CIS 4.3 (root usage) only where a root user exists. */
export function securityAlarmDefinitions(options: SecurityAlarmOptions): SecurityAlarmDefinition[] {
  if (options.allowedRegions.length === 0) {
    throw new Error('securityAlarmDefinitions allowedRegions: got none; expected at least the home region');
  }
  const definitions: SecurityAlarmDefinition[] = [
    {
      id: 'UnauthorizedApiCalls',
      control: 'CIS 4.1',
      description: 'API calls were refused (UnauthorizedOperation / AccessDenied): probing or a broken permission',
      filterPattern:
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ' +
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    },
    {
      id: 'ConsoleSignInWithoutMfa',
      control: 'CIS 4.2',
      description: 'An IAM user signed in to the console without MFA',
      filterPattern:
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ' +
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    },
  ];
  if (options.partition === 'aws') {
    definitions.push({
      id: 'RootUsage',
      control: 'CIS 4.3',
      description: 'The account root user made an API call',
      filterPattern: '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
    });
  }
  definitions.push(
    {
      id: 'IamPolicyChanges',
      control: 'CIS 4.4',
      description: 'An IAM policy was created, changed, attached or detached',
      filterPattern: eventsOf('iam.amazonaws.com', [
        'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
        'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
        'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
        'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary', 'UpdateAssumeRolePolicy',
      ]),
    },
    {
      id: 'CloudTrailChanges',
      control: 'CIS 4.5',
      description: 'A trail was created, changed, stopped or deleted, or its event selectors changed',
      filterPattern: eventsOf('cloudtrail.amazonaws.com', [
        'CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors',
      ]),
    },
    {
      id: 'ConsoleAuthenticationFailures',
      control: 'CIS 4.6',
      description: 'A console sign-in failed authentication',
      filterPattern: '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }',
    },
    {
      id: 'KeyDisabledOrScheduledForDeletion',
      control: 'CIS 4.7',
      description: 'A KMS key was disabled or scheduled for deletion: data under it becomes unreadable',
      filterPattern: eventsOf('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion']),
    },
    {
      id: 'BucketPolicyChanges',
      control: 'CIS 4.8',
      description: 'An S3 bucket policy, ACL, CORS, lifecycle or replication setting changed',
      filterPattern: eventsOf('s3.amazonaws.com', [
        'PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication',
        'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication',
      ]),
    },
    {
      id: 'ConfigChanges',
      control: 'CIS 4.9',
      description: 'AWS Config recording or delivery was stopped or changed',
      filterPattern: eventsOf('config.amazonaws.com', [
        'StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder',
      ]),
    },
    {
      id: 'SecurityGroupChanges',
      control: 'CIS 4.10',
      description: 'A security group or one of its rules changed',
      filterPattern: eventsOf('ec2.amazonaws.com', [
        'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
        'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup',
      ]),
    },
    {
      id: 'NetworkAclChanges',
      control: 'CIS 4.11',
      description: 'A network ACL or one of its entries changed',
      filterPattern: eventsOf('ec2.amazonaws.com', [
        'CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry',
        'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation',
      ]),
    },
    {
      id: 'NetworkGatewayChanges',
      control: 'CIS 4.12',
      description: 'An internet or customer gateway was created, attached, detached or deleted',
      filterPattern: eventsOf('ec2.amazonaws.com', [
        'CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway',
        'DeleteInternetGateway', 'DetachInternetGateway',
      ]),
    },
    {
      id: 'RouteTableChanges',
      control: 'CIS 4.13',
      description: 'A route or route table changed: traffic may leave by a new path',
      filterPattern: eventsOf('ec2.amazonaws.com', [
        'CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable',
        'DeleteRoute', 'DisassociateRouteTable',
      ]),
    },
    {
      id: 'VpcChanges',
      control: 'CIS 4.14',
      description: 'A VPC or VPC peering connection changed',
      filterPattern: eventsOf('ec2.amazonaws.com', [
        'CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection',
        'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc',
        'DisableVpcClassicLink', 'EnableVpcClassicLink',
      ]),
    },
    {
      id: 'OrganizationsChanges',
      control: 'CIS 4.15',
      description: 'AWS Organizations changed (accounts, units, policies such as the region guardrail SCP)',
      filterPattern: eventsOf('organizations.amazonaws.com', [
        'AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake',
        'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType',
        'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount',
        'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit',
      ]),
    },
    {
      id: 'ApiCallsOutsideAllowedRegions',
      control: 'Residency',
      description: `An API call was made in a region outside ${options.allowedRegions.join(', ')}: data may be placed where it must not live`,
      filterPattern:
        '{ ' +
        [
          ...options.allowedRegions.map((region) => `($.awsRegion != ${quote(region)})`),
          ...GLOBAL_EVENT_SOURCES.map((source) => `($.eventSource != ${quote(source)})`),
          '($.eventType != "AwsServiceEvent")',
        ].join(' && ') +
        ' }',
    },
    {
      id: 'BreakGlassRoleUsed',
      control: 'Break-glass',
      description: 'The break-glass role was assumed or used: confirm the emergency and review every action taken',
      filterPattern:
        `{ ($.userIdentity.sessionContext.sessionIssuer.arn = ${quote(options.breakGlassRoleArn)}) || ` +
        `(($.eventName = "AssumeRole") && ($.requestParameters.roleArn = ${quote(options.breakGlassRoleArn)})) }`,
    },
  );
  return definitions;
}
