import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { partitionOf } from '../../lambda/core/regions';
import { type ClassTag, DATA_CLASS_TAG, RESIDENCY_TAG } from '../vocabulary/data-classes';
import { keyDataActions } from '../vocabulary/kms-duties';

/**
 * Actions of services that have no region of their own (or are addressed through one global
 * endpoint). Denying them outside the allowed regions would break them everywhere, so the region
 * deny exempts them, as Control Tower's does. Unlike Control Tower's list, `kms:*` is NOT here:
 * keys are regional, and a key outside the home region is where residency leaks.
 */
export const REGIONLESS_ACTIONS = [
  'account:*',
  'aws-portal:*',
  'budgets:*',
  'ce:*',
  'cloudfront:*',
  'cur:*',
  'ec2:DescribeRegions',
  'globalaccelerator:*',
  'health:*',
  'iam:*',
  'organizations:*',
  'pricing:*',
  'route53:*',
  'route53domains:*',
  's3:GetAccountPublicAccessBlock',
  's3:ListAllMyBuckets',
  'shield:*',
  'sts:*',
  'support:*',
  'trustedadvisor:*',
  'waf:*',
] as const;

/** A policy statement in IAM's JSON grammar (what an SCP file holds). */
export interface PolicyStatementJson {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatementJson[];
}

export interface GuardrailRegions {
  /** Where raw personal data and its keys live. */
  readonly homeRegion: string;
  /** Every region where work may happen, home included. */
  readonly allowedRegions: readonly string[];
}

/**
 * The regions a home-account guardrail allows: the home region and the destinations in the same
 * partition. A destination in another partition (e.g. Singapore for a China home) lives in another
 * account by necessity; naming it in a China policy would mean nothing.
 */
export function guardrailRegions(homeRegion: string, destinationRegions: readonly string[]): GuardrailRegions {
  const partition = partitionOf(homeRegion);
  const samePartition = destinationRegions.filter((region) => partitionOf(region) === partition);
  return { homeRegion, allowedRegions: [homeRegion, ...samePartition.filter((region) => region !== homeRegion)] };
}

/**
 * The two region statements, shared by the permissions boundary and the service control policy:
 * nothing outside the allowed regions (regionless services aside), and no direct KMS use outside the
 * home region. KMS calls that an AWS service makes for the caller (S3 or DynamoDB encryption in an
 * allowed destination region) stay possible: the service itself is region-denied everywhere else.
 */
export function regionGuardrailStatements(regions: GuardrailRegions): PolicyStatementJson[] {
  if (!regions.allowedRegions.includes(regions.homeRegion)) {
    throw new Error(`regionGuardrailStatements: allowedRegions (${regions.allowedRegions.join(', ')}) must include the home region ${regions.homeRegion}`);
  }
  return [
    {
      Sid: 'DenyOutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: [...REGIONLESS_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': [...regions.allowedRegions] } },
    },
    {
      Sid: 'DenyDirectKmsUseOutsideHomeRegion',
      Effect: 'Deny',
      Action: 'kms:*',
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': [regions.homeRegion] },
        Bool: { 'aws:ViaAWSService': 'false' },
      },
    },
  ];
}

/** SCPs are limited to 5,120 characters, whitespace included. */
export const SCP_MAX_CHARACTERS = 5120;

/** The ready service control policy for the home account's organizational unit. */
export function serviceControlPolicy(regions: GuardrailRegions): PolicyDocumentJson {
  const document: PolicyDocumentJson = { Version: '2012-10-17', Statement: regionGuardrailStatements(regions) };
  // Measured as written (indented), so the file can be pasted as it is.
  const size = JSON.stringify(document, null, 2).length;
  if (size > SCP_MAX_CHARACTERS) {
    throw new Error(`serviceControlPolicy: ${size} characters; AWS Organizations accepts at most ${SCP_MAX_CHARACTERS}`);
  }
  return document;
}

export interface RegionGuardrailProps extends GuardrailRegions {
  /**
   * The ceiling: every action a bounded principal may ever be granted. A boundary must allow
   * something, and allowing `*` would make it no ceiling at all. Explicit actions only (no `*`).
   */
  readonly permittedActions: readonly string[];
  /**
   * Data classes whose keys bounded principals can never use for data (raw personal data stays with
   * the workloads built for it).
   * @default ['C3', 'C2']
   */
  readonly protectedDataClasses?: readonly ClassTag[];
  /**
   * Name of the managed policy.
   * @default - a generated name
   */
  readonly managedPolicyName?: string;
}

/**
 * The permissions boundary for people: the region guardrail (see `regionGuardrailStatements`), a
 * ceiling of permitted actions, and a Deny of cryptographic use of keys tagged with a protected data
 * class (and of changing those tags), so no human session decrypts raw C2/C3 data whatever it is granted.
 */
export class RegionGuardrail extends Construct {
  public readonly policy: iam.ManagedPolicy;
  public readonly regions: GuardrailRegions;

  constructor(scope: Construct, id: string, props: RegionGuardrailProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.permittedActions.length === 0) problems.push('permittedActions: got none; a boundary that allows nothing locks its roles out');
    const wildcards = props.permittedActions.filter((action) => action.includes('*'));
    if (wildcards.length > 0) problems.push(`permittedActions: got wildcards ${wildcards.join(', ')}; expected explicit actions`);
    if (problems.length > 0) throw new Error(`RegionGuardrail ${id}: ${problems.join('; ')}`);

    this.regions = { homeRegion: props.homeRegion, allowedRegions: props.allowedRegions };
    const protectedClasses = props.protectedDataClasses ?? ['C3', 'C2'];
    // Allow first, Denies after: the NIST/PCI/HIPAA full-access check reads the policy as one string
    // and would take a `kms:*` in a Deny followed by any Allow for a wildcard grant.
    const statements: PolicyStatementJson[] = [
      { Sid: 'PermittedActionsCeiling', Effect: 'Allow', Action: [...new Set(props.permittedActions)].sort(), Resource: '*' },
      ...regionGuardrailStatements(this.regions),
      {
        Sid: 'DenyUseOfProtectedClassKeys',
        Effect: 'Deny',
        Action: keyDataActions(),
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/${DATA_CLASS_TAG}`]: [...protectedClasses] } },
      },
      {
        Sid: 'DenyChangingClassificationTags',
        Effect: 'Deny',
        Action: ['kms:TagResource', 'kms:UntagResource'],
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [DATA_CLASS_TAG, RESIDENCY_TAG] } },
      },
    ];
    this.policy = new iam.ManagedPolicy(this, 'Boundary', {
      managedPolicyName: props.managedPolicyName,
      description: `Boundary for people: regions ${props.allowedRegions.join(', ')}, KMS only in ${props.homeRegion}, no use of ${protectedClasses.join('/')} keys`,
      document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: statements }),
    });
  }
}
