import { render } from '../cfn-view';
import { DATA_STORE_TYPES, isAccessLogTarget } from '../data-stores';
import { judgeCustomerManagedKey } from '../judgements/encryption';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { complianceOf } from '../verdict-compliance';

/**
 * A data store encrypts with a customer-managed KMS key: not SSE-S3, not an AWS owned key, not an
 * AWS managed `alias/aws/...` key. The one exception is the S3 server-access-log target, which S3
 * requires to use SSE-S3 (it must still be encrypted, with SSE-S3 or a customer key).
 */
export default function DataStoreCustomerManagedKey(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!DATA_STORE_TYPES.includes(node.cfnResourceType)) return complianceOf('NOT_APPLICABLE');
    const accessLogTarget = node.cfnResourceType === 'AWS::S3::Bucket' && isAccessLogTarget(node);
    return complianceOf(judgeCustomerManagedKey({ type: node.cfnResourceType, properties: render(node).properties, accessLogTarget }));
  });
}
