import { render } from '../cfn-view';
import { judgeNoSensitiveAuthField } from '../judgements/schema';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { complianceOf } from '../verdict-compliance';

const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Glue::Table'];

/**
 * No table declares a field for sensitive authentication data (CVV/CVC/CVN, PIN or PIN block,
 * track data): DynamoDB key schemas, attribute definitions, index names and projected attributes,
 * and Glue table columns and partition keys.
 */
export default function NoSensitiveAuthDataField(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!TABLE_TYPES.includes(node.cfnResourceType)) return complianceOf('NOT_APPLICABLE');
    return complianceOf(judgeNoSensitiveAuthField({ type: node.cfnResourceType, properties: render(node).properties }));
  });
}
