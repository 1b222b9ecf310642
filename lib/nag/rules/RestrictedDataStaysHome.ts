import { NagRuleCompliance } from '../cdk-nag-core';
import { isTrue, regionOf, render } from '../cfn-view';
import { HOME_ONLY_CLASSES } from '../data-classes';
import { DATA_STORE_TYPES, KEY_TYPES } from '../data-stores';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { replicatedDataClass, replicationRegions } from '../replication';
import type { ResidencyPolicy } from '../residency-policy';

/**
 * A data store or key holding C2/C3 data (its `data-class` tag, or for a DynamoDB replica its table's) is
 * in the home region and copies nothing outside it: replication destinations, table replicas and
 * replica keys stay home, and a C2/C3 key is not multi-Region (its material could be replicated
 * abroad by one API call). Without a configured home region every C2/C3 resource fails.
 */
export default function RestrictedDataStaysHome(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => {
    // Tags flow down to every child of a construct (a bucket's replication role too): only stores,
    // keys and replicas hold the data.
    const holdsData = [...DATA_STORE_TYPES, ...KEY_TYPES, 'Custom::DynamoDBReplica'].includes(node.cfnResourceType);
    if (!holdsData) return NagRuleCompliance.NOT_APPLICABLE;
    const dataClass = replicatedDataClass(node);
    if (typeof dataClass !== 'string' || !HOME_ONLY_CLASSES.includes(dataClass)) return NagRuleCompliance.NOT_APPLICABLE;
    const home = policy.homeRegion;
    if (home === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const placedAtHome = regionOf(node) === home;
    const copiesStayHome = replicationRegions(node).every((region) => region === home);
    const multiRegionKey = node.cfnResourceType === 'AWS::KMS::Key' && isTrue(render(node).properties.MultiRegion);
    return placedAtHome && copiesStayHome && !multiRegionKey ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
