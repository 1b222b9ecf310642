import { regionOf, render } from '../cfn-view';
import { judgeRestrictedDataStaysHome } from '../judgements/residency';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { replicatedDataClass, replicationRegions } from '../replication';
import type { ResidencyPolicy } from '../residency-policy';
import { complianceOf } from '../verdict-compliance';

/**
 * A data store or key holding C2/C3 data (its `data-class` tag, or for a DynamoDB replica its table's) is
 * in the home region and copies nothing outside it: replication destinations, table replicas and
 * replica keys stay home, and a C2/C3 key is not multi-Region (its material could be replicated
 * abroad by one API call). Without a configured home region every C2/C3 resource fails.
 */
export default function RestrictedDataStaysHome(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) =>
    complianceOf(
      judgeRestrictedDataStaysHome(
        {
          type: node.cfnResourceType,
          properties: render(node).properties,
          dataClass: replicatedDataClass(node),
          region: regionOf(node),
          replicaRegions: replicationRegions(node),
        },
        policy,
      ),
    ),
  );
}
