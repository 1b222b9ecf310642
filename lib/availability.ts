import { isKnownRegion, partitionOf } from '../lambda/core/regions';

/**
 * Where the resource types and features our stacks use are offered: one dated, sourced table,
 * read by the constructs (to fall back or refuse) and by `residency preflight` (to report).
 *
 * Each row covers one partition (optionally only some of its regions), says whether the thing is
 * offered, the page it was checked against and when. For `aws-cn` the source is the AWS China
 * documentation ("Getting Started with Amazon Web Services in China": each service's page lists
 * its Region Availability and its Feature Availability and Implementation Differences). A region
 * no row covers is `unchecked`: the constructs treat it as not offered, and the preflight reports
 * it as a blocker until someone checks and adds a row.
 */

export type Availability = 'offered' | 'not-offered' | 'unchecked';

export interface AvailabilityRow {
  /** A CloudFormation resource-type prefix (`AWS::S3::`) or a feature id (`lambda:arm64`). */
  readonly subject: string;
  readonly partition: 'aws' | 'aws-cn';
  /** Regions of the partition the row covers. */
  readonly regions: readonly string[];
  readonly availability: Exclude<Availability, 'unchecked'>;
  /** The page the fact was checked against. */
  readonly source: string;
  /** Day it was checked (YYYY-MM-DD). */
  readonly checked: string;
  /** What the page says, or how the fact was established when no page says it outright. */
  readonly note: string;
}

/** The China regions (Beijing, Ningxia). */
const CN = ['cn-north-1', 'cn-northwest-1'] as const;
/** The commercial regions the shipped profiles use (home or destination); others are unchecked. */
const AWS = ['ap-southeast-1', 'eu-west-1', 'us-east-1'] as const;
const CHECKED = '2026-12-02';
const CN_GUIDE = 'https://docs.amazonaws.cn/en_us/aws/latest/userguide';
const REGIONAL_SERVICES = 'https://aws.amazon.com/about-aws/global-infrastructure/regional-product-services/';

/** Services whose every resource type we use is offered in both China regions, by their China page. */
const CN_SERVICES: ReadonlyArray<readonly [prefix: string, page: string, note: string]> = [
  ['AWS::Lambda::', 'lambda', 'Available in the Beijing and Ningxia Regions (differences: see the lambda:* rows)'],
  ['AWS::DynamoDB::', 'dynamodb', 'Available in the Beijing and Ningxia Regions; only multi-Region strong consistency of global tables differs'],
  ['AWS::EC2::', 'vpc', 'Amazon VPC available in the Beijing and Ningxia Regions; no private DNS names for endpoint services of your own'],
  ['AWS::SecretsManager::', 'secretsmanager', 'Available in the Beijing and Ningxia Regions; rotation with a Lambda function of your own is not among the differences'],
  ['AWS::Backup::', 'backup', 'Available in the Beijing and Ningxia Regions; cross-Region backups only between the two'],
  ['AWS::IAM::', 'iam', 'Available (no Region to choose) in Beijing and Ningxia; no root user; virtual MFA only'],
  ['AWS::CloudTrail::', 'cloudtrail', 'Available in the Beijing and Ningxia Regions'],
  ['AWS::StepFunctions::', 'step-functions', 'Available in the Beijing and Ningxia Regions; HTTPS API calls from workflows are not'],
  ['AWS::SQS::', 'sqs', 'Available in the Beijing and Ningxia Regions, with SSE; the dead-letter queue redrive feature is not (see sqs:dlq-redrive)'],
  ['AWS::SNS::', 'sns', 'Available in the Beijing and Ningxia Regions; no mobile push, SMS or message data protection (we use e-mail and HTTPS)'],
  ['AWS::S3::', 's3', 'Core service of both China regions; bucket names are unique within the aws-cn partition'],
  ['AWS::KMS::', 'kms', 'Core service of both China regions; SYMMETRIC_DEFAULT is SM4 there'],
  ['AWS::CloudWatch::', 'cloudwatch', 'Core service of both China regions'],
  ['AWS::Logs::', 'cloudwatchlogs', 'Core service of both China regions'],
  ['AWS::Events::', 'eventbridge', 'Core service of both China regions'],
  ['AWS::Config::', 'config', 'Amazon Config available in the Beijing and Ningxia Regions; custom Lambda rules and the managed rules the runtime checks use are documented there'],
];

/** Services we use in the commercial partition (every one is offered in the regions the profiles use). */
const AWS_SERVICES = [...CN_SERVICES.map(([prefix]) => prefix), 'AWS::AccessAnalyzer::', 'AWS::Scheduler::'];

export const AVAILABILITY: readonly AvailabilityRow[] = [
  ...CN_SERVICES.map(([subject, page, note]): AvailabilityRow => ({
    subject,
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: `${CN_GUIDE}/${page}.html`,
    checked: CHECKED,
    note,
  })),
  ...AWS_SERVICES.map((subject): AvailabilityRow => ({
    subject,
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: REGIONAL_SERVICES,
    checked: CHECKED,
    note: 'Offered in ap-southeast-1, eu-west-1 and us-east-1 (long-standing regions with every service we use)',
  })),
  {
    subject: 'AWS::AccessAnalyzer::',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: 'https://docs.amazonaws.cn/AWSCloudFormation/latest/UserGuide/AWS_AccessAnalyzer.html',
    checked: CHECKED,
    note: 'IAM Access Analyzer resource types are in the China edition of the CloudFormation reference (external access analyzers; unused access is not relied on there)',
  },
  {
    subject: 'lambda:xray-tracing',
    partition: 'aws-cn',
    regions: CN,
    availability: 'not-offered',
    source: `${CN_GUIDE}/lambda.html`,
    checked: CHECKED,
    note: '"Amazon X-Ray integration with Lambda functions is not available in the China Regions": functions there are not traced',
  },
  {
    subject: 'lambda:xray-tracing',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
    checked: CHECKED,
    note: 'Active tracing; a function in a VPC without internet access needs the X-Ray interface endpoint (vpc-endpoint:xray)',
  },
  {
    subject: 'vpc-endpoint:xray',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html',
    checked: CHECKED,
    note: 'Interface endpoint com.amazonaws.<region>.xray (PrivateLink)',
  },
  {
    subject: 'lambda:arm64',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: `${CN_GUIDE}/lambda.html`,
    checked: CHECKED,
    note: 'Not among the differences of Lambda in China; aws-cdk-lib 2.276 region facts list the arm64 Lambda Insights layer in cn-north-1 and cn-northwest-1',
  },
  {
    subject: 'lambda:arm64',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html',
    checked: CHECKED,
    note: 'arm64 (Graviton2) functions',
  },
  {
    subject: 'lambda:nodejs24.x',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: 'https://docs.amazonaws.cn/en_us/lambda/latest/dg/lambda-runtimes.html',
    checked: CHECKED,
    note: 'The China Lambda page warns that future runtime release dates do not apply to China; aws-cdk-lib 2.276 records nodejs24.x as the latest Node.js runtime of cn-north-1 and cn-northwest-1. Recheck the runtimes page before the first deploy',
  },
  {
    subject: 'lambda:nodejs24.x',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html',
    checked: CHECKED,
    note: 'Node.js 24 (Amazon Linux 2023), deprecation 30 April 2028',
  },
  {
    subject: 'cloudtrail:dynamodb-data-events',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: 'https://docs.amazonaws.cn/en_us/awscloudtrail/latest/userguide/cloudtrail-concepts.html',
    checked: CHECKED,
    note: 'Trails log data events of S3 objects, Lambda functions and DynamoDB tables with basic or advanced event selectors (China edition of the CloudTrail guide)',
  },
  {
    subject: 'cloudtrail:dynamodb-data-events',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html',
    checked: CHECKED,
    note: 'AWS::DynamoDB::Table data events',
  },
  {
    subject: 'AWS::Scheduler::',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/feature-availability.html',
    checked: CHECKED,
    note: 'EventBridge Scheduler is ticked for US East (N. Virginia), Asia Pacific (Singapore) and Europe (Ireland) in the feature-availability table',
  },
  // AWS::Scheduler:: in aws-cn: the China edition of the EventBridge feature-availability page lists API
  // destinations and event buses only, and no China page names Scheduler. Left unchecked on purpose:
  // the leak canary falls back to an EventBridge rule with a schedule expression there.
  {
    subject: 'stepfunctions:distributed-map',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: 'https://docs.amazonaws.cn/en_us/step-functions/latest/dg/input-output-itemreader.html',
    checked: CHECKED,
    note: 'The China edition of the Step Functions guide documents the Distributed Map state (ItemReader with arn:aws-cn:states:::s3:getObject); the China service page lists HTTPS API calls from workflows as the only difference',
  },
  {
    subject: 'stepfunctions:distributed-map',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html',
    checked: CHECKED,
    note: 'Map state in Distributed mode: up to 10,000 parallel child executions',
  },
  {
    subject: 'stepfunctions:xray-tracing',
    partition: 'aws-cn',
    regions: CN,
    availability: 'offered',
    source: `${CN_GUIDE}/step-functions.html`,
    checked: CHECKED,
    note: 'Not among the differences of Step Functions in China (only calling HTTPS APIs is); unlike Lambda, whose X-Ray integration the Lambda page excludes. Recheck before the first deploy',
  },
  {
    subject: 'stepfunctions:xray-tracing',
    partition: 'aws',
    regions: AWS,
    availability: 'offered',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html',
    checked: CHECKED,
    note: 'X-Ray tracing of state machine executions (TracingConfiguration)',
  },
  {
    subject: 'sqs:dlq-redrive',
    partition: 'aws-cn',
    regions: CN,
    availability: 'not-offered',
    source: `${CN_GUIDE}/sqs.html`,
    checked: CHECKED,
    note: '"The SQS dead-letter queue redrive feature is not supported": failed events are replayed from the dead-letter queue by hand (receive and re-invoke)',
  },
];

/** The features the constructs decide on. */
export type Feature =
  | 'AWS::Scheduler::'
  | 'lambda:xray-tracing'
  | 'vpc-endpoint:xray'
  | 'lambda:arm64'
  | 'lambda:nodejs24.x'
  | 'cloudtrail:dynamodb-data-events'
  | 'sqs:dlq-redrive'
  | 'stepfunctions:distributed-map'
  | 'stepfunctions:xray-tracing';

/** The row that covers a subject in a region, if any. */
export function availabilityRow(subject: string, region: string): AvailabilityRow | undefined {
  if (!isKnownRegion(region)) return undefined;
  const partition = partitionOf(region);
  return AVAILABILITY.find((row) => row.partition === partition && row.regions.includes(region) && subject.startsWith(row.subject));
}

/** Whether a feature or resource type is offered in a region (`unchecked` where no row covers it). */
export function availabilityOf(subject: string, region: string): Availability {
  return availabilityRow(subject, region)?.availability ?? 'unchecked';
}

/** True only where the table says offered: constructs fall back wherever it is not known to be. */
export function isOffered(feature: Feature, region: string): boolean {
  return availabilityOf(feature, region) === 'offered';
}

/** A clear refusal for a feature a control cannot do without. */
export function requireOffered(feature: Feature, region: string, needFor: string, whatToDo: string): void {
  const row = availabilityRow(feature, region);
  if (row?.availability === 'offered') return;
  const state = row ? `is not offered in ${region} (partition ${row.partition}; ${row.source}, checked ${row.checked})` : `is not checked for ${region} in lib/availability.ts`;
  throw new Error(`${feature} ${state}; ${needFor} needs it. ${whatToDo}`);
}
