import { isSensitiveAuthField } from '../sensitive-auth-fields';
import { asArray, isJsonObject, type JsonObject } from './values';
import { type ResourceProperties, type Verdict, verdictOf } from './verdict';

/**
 * The judgement of `NoSensitiveAuthDataField`: no table declares a field for sensitive
 * authentication data: DynamoDB key schemas, attribute definitions, index names and projected
 * attributes; Glue table columns and partition keys.
 */
export function judgeNoSensitiveAuthField(table: ResourceProperties): Verdict {
  let names: unknown[];
  switch (table.type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      names = dynamoDbFieldNames(table.properties);
      break;
    case 'AWS::Glue::Table':
      names = glueColumnNames(table.properties);
      break;
    default:
      return 'NOT_APPLICABLE';
  }
  return verdictOf(!names.some((name) => typeof name === 'string' && isSensitiveAuthField(name)));
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
