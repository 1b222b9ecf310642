/**
 * The AWS Config custom rule of the CrossBorder runtime twins: Config invokes it on every change to
 * a resource in a rule's scope; it judges the configuration item with the same judgement the
 * cdk-nag rule applies to the template and reports COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE.
 * It reads resource metadata only, never customer data.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { ConfigServiceClient, GetResourceConfigHistoryCommand, PutEvaluationsCommand, type ResourceType } from '@aws-sdk/client-config-service';
import { readConfigRuleEnvironment } from './environment';
import { type ConfigPorts, type ConfigRuleEvent, runConfigRule } from './run-rule';

const env = readConfigRuleEnvironment(process.env);
const logger = new Logger();
const tracer = new Tracer();
const config = tracer.captureAWSv3Client(new ConfigServiceClient({}));

const ports: ConfigPorts = {
  async fetchItem({ resourceType, resourceId }) {
    const history = await config.send(new GetResourceConfigHistoryCommand({ resourceType: resourceType as ResourceType, resourceId, limit: 1 }));
    const item = history.configurationItems?.[0];
    if (!item?.resourceType || !item.resourceId) throw new Error(`no configuration item recorded for ${resourceType} ${resourceId}`);
    return {
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      resourceName: item.resourceName,
      awsRegion: item.awsRegion,
      ARN: item.arn,
      configurationItemStatus: item.configurationItemStatus,
      configurationItemCaptureTime: item.configurationItemCaptureTime?.toISOString(),
      tags: item.tags,
      configuration: item.configuration,
      supplementaryConfiguration: item.supplementaryConfiguration,
    };
  },
  async putEvaluations(resultToken, evaluations) {
    const result = await config.send(
      new PutEvaluationsCommand({
        ResultToken: resultToken,
        Evaluations: evaluations.map((e) => ({
          ComplianceResourceType: e.complianceResourceType,
          ComplianceResourceId: e.complianceResourceId,
          ComplianceType: e.complianceType,
          Annotation: e.annotation,
          OrderingTimestamp: e.orderingTimestamp,
        })),
      }),
    );
    if ((result.FailedEvaluations ?? []).length > 0) throw new Error(`AWS Config refused ${result.FailedEvaluations?.length} evaluation(s)`);
  },
};

export async function handler(event: ConfigRuleEvent): Promise<void> {
  const evaluations = await runConfigRule(event, env, ports, new Date());
  for (const e of evaluations) {
    logger.info('evaluated', { rule: event.configRuleName, resourceType: e.complianceResourceType, resourceId: e.complianceResourceId, compliance: e.complianceType });
  }
}
