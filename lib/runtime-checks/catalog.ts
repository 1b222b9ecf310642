/**
 * The runtime twins of the CrossBorder rules: which rules are also judged on the live resources by
 * AWS Config, how (a managed rule, or our custom-rule Lambda calling the same judgement as the
 * cdk-nag rule, see lib/nag/judgements), and whether that is offered in the `aws-cn` partition.
 * One source for the Config rules the home stack deploys, the table in docs/runtime-checks.md and
 * the "proven at synth / at runtime" column of the evidence report.
 *
 * Availability in `aws-cn` was checked against the China documentation (docs.amazonaws.cn) in 2026:
 * AWS Config and custom Lambda rules are offered in cn-north-1 and cn-northwest-1; each managed
 * rule's page there lists its regions. Guard custom policy rules (CUSTOM_POLICY) are not used: a
 * Guard policy would be a second implementation of each judgement in another language, which is
 * exactly the drift this module exists to prevent.
 */
import { DATA_CLASS_TAG, KNOWN_DATA_CLASSES } from '../vocabulary/data-classes';

/** Resource types AWS Config records and the custom rules evaluate (Config names; no GlobalTable or ReplicaKey: those are Tables and Keys there). */
export const STORE_RESOURCE_TYPES = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::Logs::LogGroup'] as const;
export const KEY_RESOURCE_TYPE = 'AWS::KMS::Key';

export type ConfigRuleSource =
  | { readonly owner: 'CUSTOM_LAMBDA' }
  | { readonly owner: 'AWS'; readonly identifier: string; readonly inputParameters?: Readonly<Record<string, string>>; readonly periodic?: boolean };

export interface RuntimeConfigRule {
  /** Suffix of the Config rule name: `<stack name>-<name>`. For custom rules, also the judgement the Lambda runs. */
  readonly name: string;
  readonly source: ConfigRuleSource;
  /** Resource types in the rule's scope (empty for periodic managed rules, which choose their own). */
  readonly resourceTypes: readonly string[];
  /** Limits the scope to resources with this tag (managed rules only). */
  readonly scopeTag?: { readonly key: string; readonly value: string };
  /** Whether `aws-cn` offers it, and where that was read. */
  readonly awsCn: { readonly available: boolean; readonly source: string };
}

export type RuntimeTwin =
  | { readonly rule: string; readonly kind: 'runtime'; readonly configRules: readonly RuntimeConfigRule[]; readonly note: string }
  | { readonly rule: string; readonly kind: 'synth-only'; readonly reason: string };

const CUSTOM: ConfigRuleSource = { owner: 'CUSTOM_LAMBDA' };
const CUSTOM_RULES_IN_CHINA = {
  available: true,
  source: 'AWS Config custom Lambda rules: docs.amazonaws.cn Config developer guide (Beijing and Ningxia)',
};
const managedInChina = (page: string) => ({ available: true, source: `docs.amazonaws.cn managed rule page ${page}: all supported regions` });

/** Every CrossBorder rule, in the pack's order, with its runtime twin or the reason it has none. */
export const RUNTIME_TWINS: readonly RuntimeTwin[] = [
  {
    rule: 'StackRegionAllowed',
    kind: 'runtime',
    note: 'Config records only its own region: in the home region this proves the stores and keys there; other regions are covered by the region guardrail SCP (prevent) and the multi-region trail alarm on API calls outside the allowed regions (detect).',
    configRules: [{ name: 'StackRegionAllowed', source: CUSTOM, resourceTypes: [...STORE_RESOURCE_TYPES, KEY_RESOURCE_TYPE], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'ReplicaRegionAllowed',
    kind: 'runtime',
    note: 'A replication destination whose region the app does not declare fails, as at synth: a rule added by hand is flagged even if it points at an allowed region. No managed rule fits: s3-bucket-replication-enabled checks the opposite (that replication IS on).',
    configRules: [{ name: 'ReplicaRegionAllowed', source: CUSTOM, resourceTypes: ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', KEY_RESOURCE_TYPE], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'RestrictedDataStaysHome',
    kind: 'runtime',
    note: 'C2/C3 stores and keys (by their data-class tag) stay home, replicate nowhere else, and no C2/C3 key is multi-Region.',
    configRules: [{ name: 'RestrictedDataStaysHome', source: CUSTOM, resourceTypes: [...STORE_RESOURCE_TYPES, KEY_RESOURCE_TYPE], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'LogRetentionCeiling',
    kind: 'runtime',
    note: 'A ceiling, not a floor: the managed cw-loggroup-retention-period-check checks a MINIMUM retention, the opposite of data minimization, so it cannot be the twin.',
    configRules: [{ name: 'LogRetentionCeiling', source: CUSTOM, resourceTypes: ['AWS::Logs::LogGroup'], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'HumanRoleRequiresMfa',
    kind: 'runtime',
    note: 'Judges role trust policies. The managed iam-user-mfa-enabled and mfa-enabled-for-iam-console-access look at IAM users, not at who may assume a role. IAM is global: Config records it in the home region (both shipped homes had Config before February 2022).',
    configRules: [{ name: 'HumanRoleRequiresMfa', source: CUSTOM, resourceTypes: ['AWS::IAM::Role'], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'KmsNoWildcardExceptRoot',
    kind: 'synth-only',
    reason: 'A key policy is not part of what AWS Config evaluates for AWS::KMS::Key here; changes to it (PutKeyPolicy) are recorded by the multi-region trail. A periodic rule reading GetKeyPolicy would be the runtime twin (not built).',
  },
  {
    rule: 'KmsAdminsSeparateFromUsers',
    kind: 'synth-only',
    reason: 'As KmsNoWildcardExceptRoot: judged on the key policy, which this project does not read at runtime.',
  },
  {
    rule: 'AuditTrailImmutable',
    kind: 'runtime',
    note: 'Managed rules judge the same three properties: Object Lock in COMPLIANCE mode by default on every bucket classed audit (the audit record, the ledger, the runtime evidence), log-file validation and KMS encryption of the trail.',
    configRules: [
      {
        name: 'AuditRecordObjectLock',
        source: { owner: 'AWS', identifier: 'S3_BUCKET_DEFAULT_LOCK_ENABLED', inputParameters: { mode: 'COMPLIANCE' } },
        resourceTypes: ['AWS::S3::Bucket'],
        scopeTag: { key: DATA_CLASS_TAG, value: 'audit' },
        awsCn: managedInChina('s3-bucket-default-lock-enabled'),
      },
      {
        name: 'AuditTrailLogFileValidation',
        source: { owner: 'AWS', identifier: 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', periodic: true },
        resourceTypes: [],
        awsCn: managedInChina('cloud-trail-log-file-validation-enabled'),
      },
      {
        name: 'AuditTrailEncryption',
        source: { owner: 'AWS', identifier: 'CLOUD_TRAIL_ENCRYPTION_ENABLED', periodic: true },
        resourceTypes: [],
        awsCn: managedInChina('cloud-trail-encryption-enabled'),
      },
    ],
  },
  {
    rule: 'DataStoreCustomerManagedKey',
    kind: 'runtime',
    note: 'Custom, because the managed s3-default-encryption-kms flags the S3 access-log bucket that S3 forces to SSE-S3, and dynamodb-table-encrypted-kms accepts AWS managed keys unless given every key ARN. The exemption is as narrow as at synth: only the buckets the app declares as access-log targets.',
    configRules: [{ name: 'DataStoreCustomerManagedKey', source: CUSTOM, resourceTypes: [...STORE_RESOURCE_TYPES], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
  {
    rule: 'DataClassTagged',
    kind: 'runtime',
    note: 'The managed required-tags covers buckets and tables; it does not take KMS keys, queues, topics or log groups, so the custom rule judges those with the same judgement as at synth. AWS managed keys (alias/aws/...) are not applicable: they are not ours to classify.',
    configRules: [
      {
        name: 'DataClassTaggedStores',
        source: { owner: 'AWS', identifier: 'REQUIRED_TAGS', inputParameters: { tag1Key: DATA_CLASS_TAG, tag1Value: KNOWN_DATA_CLASSES.join(',') } },
        resourceTypes: ['AWS::S3::Bucket', 'AWS::DynamoDB::Table'],
        awsCn: { available: true, source: 'docs.amazonaws.cn managed rule page required-tags (listed in the China documentation)' },
      },
      { name: 'DataClassTagged', source: CUSTOM, resourceTypes: ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::Logs::LogGroup', KEY_RESOURCE_TYPE], awsCn: CUSTOM_RULES_IN_CHINA },
    ],
  },
  {
    rule: 'NoHardcodedPartition',
    kind: 'synth-only',
    reason: 'A property of the template text: deployed resources hold resolved ARNs, which always carry their partition.',
  },
  {
    rule: 'NoSensitiveAuthDataField',
    kind: 'runtime',
    note: 'Judged on the live key schema, attribute definitions and indexes of DynamoDB tables; Glue tables are not recorded by Config and stay synth-only.',
    configRules: [{ name: 'NoSensitiveAuthDataField', source: CUSTOM, resourceTypes: ['AWS::DynamoDB::Table'], awsCn: CUSTOM_RULES_IN_CHINA }],
  },
];

/** The Config rules of every runtime twin, in catalog order. */
export function runtimeConfigRules(): RuntimeConfigRule[] {
  return RUNTIME_TWINS.flatMap((twin) => (twin.kind === 'runtime' ? twin.configRules : []));
}

/** Names of the judgements the custom-rule Lambda runs. */
export const CUSTOM_JUDGEMENTS = runtimeConfigRules()
  .filter((r) => r.source.owner === 'CUSTOM_LAMBDA')
  .map((r) => r.name);
