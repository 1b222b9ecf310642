import { NagRuleCompliance } from '../cdk-nag-core';
import { render } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';

/** A literal partition in an ARN (`aws`, `aws-cn`, `aws-us-gov`, ...) rather than `${AWS::Partition}`. */
const LITERAL_PARTITION = /arn:aws(?:-[a-z-]+)?:/;

/**
 * No property holds an ARN with a literal partition; ARNs are built from `${AWS::Partition}`
 * (CDK's `Aws.PARTITION`, `Stack.formatArn`), so the same template deploys in `aws` and `aws-cn`.
 */
export default function NoHardcodedPartition(): NagRule {
  return namedAfterFile(__filename, (node) =>
    LITERAL_PARTITION.test(JSON.stringify(render(node).properties)) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT,
  );
}
