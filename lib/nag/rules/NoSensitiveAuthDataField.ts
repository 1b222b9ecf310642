import { NagRuleCompliance } from '../cdk-nag-core';
import { asArray, isJsonObject, render, type JsonObject } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { isSensitiveAuthField } from '../sensitive-auth-fields';

/**
 * No table declares a field for sensitive authentication data (CVV/CVC/CVN, PIN or PIN block,
 * track data): DynamoDB key schemas, attribute definitions, index names and projected attributes,
 * and Glue table columns and partition keys.
 */
export default function NoSensitiveAuthDataField(): NagRule {
  return namedAfterFile(__filename, (node) => {
    const props = render(node).properties;
    let names: unknown[];
    switch (node.cfnResourceType) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        names = dynamoDbFieldNames(props);
        break;
      case 'AWS::Glue::Table':
        names = glueColumnNames(props);
        break;
      default:
        return NagRuleCompliance.NOT_APPLICABLE;
    }
    return names.some((name) => typeof name === 'string' && isSensitiveAuthField(name))
      ? NagRuleCompliance.NON_COMPLIANT
      : NagRuleCompliance.COMPLIANT;
  });
}

function keyNames(keySchema: unknown): unknown[] {
  return asArray(keySchema).map((k) => (isJsonObject(k) ? k.AttributeName : undefined));
}

function dynamoDbFieldNames(props: JsonObject): unknown[] {
  const indexes = [...asArray(props.GlobalSecondaryIndexes), ...asArray(props.LocalSecondaryIndexes)].filter(isJsonObject);
  return [
    ...asArray(props.AttributeDefinitions).map((d) => (isJsonObject(d) ? d.AttributeName : undefined)),
    ...keyNames(props.KeySchema),
    ...indexes.flatMap((index) => [
      index.IndexName,
      ...keyNames(index.KeySchema),
      ...(isJsonObject(index.Projection) ? asArray(index.Projection.NonKeyAttributes) : []),
    ]),
  ];
}

function glueColumnNames(props: JsonObject): unknown[] {
  const input = isJsonObject(props.TableInput) ? props.TableInput : {};
  const descriptor = isJsonObject(input.StorageDescriptor) ? input.StorageDescriptor : {};
  return [...asArray(descriptor.Columns), ...asArray(input.PartitionKeys)].map((c) => (isJsonObject(c) ? c.Name : undefined));
}
