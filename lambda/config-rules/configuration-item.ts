/**
 * An AWS Config configuration item mapped to what the CrossBorder judgements read: the resource's
 * CloudFormation type and CloudFormation-shaped properties, its region, data class and replica
 * regions. The judgements themselves are the cdk-nag rules' (lib/nag/judgements), so a resource
 * that passes at synth and is unchanged passes here, and one changed by hand fails here.
 *
 * Config writes item fields in the casing of the service's SDK model (`kmsMasterKeyID`,
 * `ssedescription`, `KmsMasterKeyId`): fields are looked up ignoring case and separators. A
 * supplementary configuration may arrive as a JSON string; it is parsed.
 */
import { asArray, isJsonObject, type JsonObject } from '../../lib/nag/judgements/values';
import { isRoleArn } from '../../lib/nag/judgements/mfa';
import { DATA_CLASS_TAG } from '../../lib/vocabulary/data-classes';

export interface ConfigurationItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly awsRegion?: string;
  readonly ARN?: string;
  readonly configurationItemStatus?: string;
  readonly configurationItemCaptureTime?: string;
  readonly tags?: Record<string, string>;
  readonly configuration?: unknown;
  readonly supplementaryConfiguration?: Record<string, unknown>;
}

/** What the runtime knows that the configuration item does not (both read from the app at synth). */
export interface DeclaredFacts {
  /** Region of every bucket the app declares, by name: replication destinations are resolved here. */
  readonly bucketRegions: Readonly<Record<string, string>>;
  /** Buckets the app declares as S3 server-access-log targets (exempt from the customer-key rule, as at synth). */
  readonly accessLogTargets: readonly string[];
}

export interface ResourceView {
  readonly type: string;
  readonly region?: string;
  readonly dataClass: unknown;
  readonly properties: JsonObject;
  /** Regions the resource copies data or key material to; undefined for a destination not shown. */
  readonly replicaRegions: readonly (string | undefined)[];
  readonly accessLogTarget: boolean;
  readonly isRolePrincipal: (value: unknown) => boolean;
  /** An AWS managed key (alias/aws/...): not ours to classify or place. */
  readonly awsManagedKey: boolean;
}

const normalise = (name: string): string => name.replace(/[^a-z0-9]/gi, '').toLowerCase();

/** `object[name]`, matching the name ignoring case and separators; JSON text is parsed. */
export function field(object: unknown, name: string): unknown {
  if (!isJsonObject(object)) return undefined;
  const wanted = normalise(name);
  const key = Object.keys(object).find((k) => normalise(k) === wanted);
  return key === undefined ? undefined : parsedIfJson(object[key]);
}

function parsedIfJson(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** An S3 bucket's name from an ARN (`arn:<partition>:s3:::name`) or a name. */
function bucketNameOf(reference: unknown): string | undefined {
  const value = text(reference);
  return value?.replace(/^arn:[^:]+:s3:::/, '').split('/')[0];
}

function bucketView(item: ConfigurationItem, declared: DeclaredFacts): Pick<ResourceView, 'properties' | 'replicaRegions' | 'accessLogTarget'> {
  const supplementary = item.supplementaryConfiguration ?? {};
  const encryption = field(supplementary, 'ServerSideEncryptionConfiguration');
  const defaults = asArray(field(encryption, 'rules')).map((rule) => {
    const byDefault = field(rule, 'applyServerSideEncryptionByDefault');
    return { ServerSideEncryptionByDefault: { SSEAlgorithm: field(byDefault, 'sseAlgorithm'), KMSMasterKeyID: field(byDefault, 'kmsMasterKeyID') } };
  });
  const replication = field(supplementary, 'BucketReplicationConfiguration');
  const rulesValue = field(replication, 'rules');
  // Config writes the rules as a map keyed by rule id; accept a list too.
  const rules = isJsonObject(rulesValue) ? Object.values(rulesValue) : asArray(rulesValue);
  const replicaRegions = rules
    .filter((rule) => {
      const status = text(field(rule, 'status'));
      return status === undefined || status.toLowerCase() !== 'disabled';
    })
    .map((rule) => {
      const destination = field(rule, 'destinationConfig') ?? field(rule, 'destination');
      const name = bucketNameOf(field(destination, 'bucketARN') ?? field(destination, 'bucket'));
      return name === undefined ? undefined : declared.bucketRegions[name];
    });
  const name = item.resourceName ?? item.resourceId;
  return {
    properties: { ...(defaults.length > 0 ? { BucketEncryption: { ServerSideEncryptionConfiguration: defaults } } : {}) },
    replicaRegions,
    accessLogTarget: declared.accessLogTargets.includes(name),
  };
}

function keySchema(value: unknown): JsonObject[] {
  return asArray(value).map((k) => ({ AttributeName: field(k, 'attributeName'), KeyType: field(k, 'keyType') }));
}

function tableView(configuration: unknown): Pick<ResourceView, 'properties' | 'replicaRegions'> {
  const sse = field(configuration, 'sseDescription');
  const sseEnabled = text(field(sse, 'status'))?.toUpperCase() === 'ENABLED';
  const indexes = (value: unknown): JsonObject[] =>
    asArray(value).map((index) => {
      const projection = field(index, 'projection');
      return {
        IndexName: field(index, 'indexName'),
        KeySchema: keySchema(field(index, 'keySchema')),
        Projection: { ProjectionType: field(projection, 'projectionType'), NonKeyAttributes: asArray(field(projection, 'nonKeyAttributes')) },
      };
    });
  return {
    properties: {
      KeySchema: keySchema(field(configuration, 'keySchema')),
      AttributeDefinitions: asArray(field(configuration, 'attributeDefinitions')).map((d) => ({
        AttributeName: field(d, 'attributeName'),
        AttributeType: field(d, 'attributeType'),
      })),
      GlobalSecondaryIndexes: indexes(field(configuration, 'globalSecondaryIndexes')),
      LocalSecondaryIndexes: indexes(field(configuration, 'localSecondaryIndexes')),
      SSESpecification: { SSEEnabled: sseEnabled, SSEType: field(sse, 'sseType'), KMSMasterKeyId: sseEnabled ? field(sse, 'kmsMasterKeyArn') : undefined },
    },
    replicaRegions: asArray(field(configuration, 'replicas')).map((r) => text(field(r, 'regionName'))),
  };
}

function keyView(configuration: unknown, region: string | undefined): Pick<ResourceView, 'properties' | 'replicaRegions' | 'awsManagedKey'> {
  const multiRegion = field(configuration, 'multiRegion') === true || field(configuration, 'multiRegion') === 'true';
  const multi = field(configuration, 'multiRegionConfiguration');
  // A replica's key material also lives where its primary is, and a primary's where its replicas are.
  const elsewhere = [field(multi, 'primaryKey'), ...asArray(field(multi, 'replicaKeys'))]
    .map((key) => text(field(key, 'region')))
    .filter((other) => other !== region);
  return {
    properties: { MultiRegion: multiRegion },
    // A multi-Region key whose configuration is not shown copies its material to unknown regions.
    replicaRegions: !multiRegion ? [] : multi === undefined ? [undefined] : elsewhere,
    awsManagedKey: text(field(configuration, 'keyManager'))?.toUpperCase() === 'AWS',
  };
}

/** A trust policy as Config records it: URL-encoded JSON text, or already an object. */
function policyDocument(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // not URL-encoded
  }
  return parsedIfJson(decoded);
}

/** Maps a configuration item; types the judgements do not know get empty properties (and are not applicable). */
export function resourceView(item: ConfigurationItem, declared: DeclaredFacts): ResourceView {
  const configuration = parsedIfJson(item.configuration);
  const base: ResourceView = {
    type: item.resourceType,
    region: text(item.awsRegion),
    dataClass: item.tags?.[DATA_CLASS_TAG],
    properties: {},
    replicaRegions: [],
    accessLogTarget: false,
    isRolePrincipal: isRoleArn,
    awsManagedKey: false,
  };
  switch (item.resourceType) {
    case 'AWS::S3::Bucket':
      return { ...base, ...bucketView(item, declared) };
    case 'AWS::DynamoDB::Table':
      return { ...base, ...tableView(configuration) };
    case 'AWS::KMS::Key':
      return { ...base, ...keyView(configuration, base.region) };
    case 'AWS::SQS::Queue':
      return { ...base, properties: { KmsMasterKeyId: field(configuration, 'KmsMasterKeyId'), SqsManagedSseEnabled: field(configuration, 'SqsManagedSseEnabled') } };
    case 'AWS::SNS::Topic':
      return { ...base, properties: { KmsMasterKeyId: field(configuration, 'KmsMasterKeyId') } };
    case 'AWS::Logs::LogGroup': {
      const days = field(configuration, 'retentionInDays');
      return { ...base, properties: { RetentionInDays: typeof days === 'string' && /^\d+$/.test(days) ? Number(days) : days, KmsKeyId: field(configuration, 'kmsKeyId') } };
    }
    case 'AWS::IAM::Role':
      return { ...base, properties: { AssumeRolePolicyDocument: policyDocument(field(configuration, 'assumeRolePolicyDocument')) } };
    default:
      return base;
  }
}
