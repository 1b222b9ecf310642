import { dataClassOf, render } from '../cfn-view';
import { DATA_STORE_TYPES, KEY_TYPES } from '../data-stores';
import { judgeDataClassTagged } from '../judgements/classification';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { complianceOf } from '../verdict-compliance';

/**
 * Every data store and KMS key carries a `data-class` tag naming a known class (C3, C2, C1 or an
 * operational class). A global table's replicas must all carry the same class.
 */
export default function DataClassTagged(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!DATA_STORE_TYPES.includes(node.cfnResourceType) && !KEY_TYPES.includes(node.cfnResourceType)) return complianceOf('NOT_APPLICABLE');
    return complianceOf(judgeDataClassTagged(node.cfnResourceType, dataClassOf(render(node))));
  });
}
