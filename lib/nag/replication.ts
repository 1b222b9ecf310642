import type { CfnResource } from 'aws-cdk-lib';
import {
  asArray,
  dataClassOf,
  findBucket,
  isJsonObject,
  referencedLogicalId,
  regionOf,
  render,
  resourceInStack,
} from './cfn-view';

/**
 * Regions a resource copies data or key material to. `undefined` stands for a destination whose
 * region the template does not show (an imported bucket ARN, a token): rules treat it as outside.
 *
 * - S3: each enabled replication rule's destination bucket (followed to its stack);
 * - DynamoDB: global table replicas, and the `Custom::DynamoDBReplica` resources that
 *   `Table.replicationRegions` creates;
 * - KMS: a replica key sits in its own stack's region.
 */
export function replicationRegions(node: CfnResource): (string | undefined)[] {
  const { properties } = render(node);
  switch (node.cfnResourceType) {
    case 'AWS::S3::Bucket': {
      const config = properties.ReplicationConfiguration;
      if (!isJsonObject(config)) return [];
      return asArray(config.Rules)
        .filter((rule) => isJsonObject(rule) && rule.Status !== 'Disabled')
        .map((rule) => {
          const destination = isJsonObject(rule) && isJsonObject(rule.Destination) ? rule.Destination.Bucket : undefined;
          const bucket = findBucket(node, destination);
          return bucket === undefined ? undefined : regionOf(bucket);
        });
    }
    case 'AWS::DynamoDB::GlobalTable':
      return asArray(properties.Replicas).map((r) => (isJsonObject(r) && typeof r.Region === 'string' ? r.Region : undefined));
    case 'Custom::DynamoDBReplica':
      return [typeof properties.Region === 'string' ? properties.Region : undefined];
    case 'AWS::KMS::ReplicaKey':
      return [regionOf(node)];
    default:
      return [];
  }
}

/** The data class of what a resource replicates: a DynamoDB replica carries its source table's. */
export function replicatedDataClass(node: CfnResource): unknown {
  const rendered = render(node);
  if (node.cfnResourceType !== 'Custom::DynamoDBReplica') return dataClassOf(rendered);
  const tableId = referencedLogicalId(rendered.properties.TableName);
  const table = tableId === undefined ? undefined : resourceInStack(node, tableId);
  return table === undefined ? undefined : dataClassOf(render(table));
}
