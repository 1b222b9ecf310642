import type { ConfigurationItem } from './configuration-item';
import type { ConfigRuleEnvironment } from './environment';
import { evaluateItem, type ItemEvaluation } from './evaluate-item';

/** What AWS Config sends a custom Lambda rule (the fields this rule reads). */
export interface ConfigRuleEvent {
  /** JSON text: `{ messageType, configurationItem | configurationItemSummary, notificationCreationTime }`. */
  readonly invokingEvent: string;
  /** JSON text of the rule's input parameters: `{ "judgement": "<CrossBorder rule>" }`. */
  readonly ruleParameters?: string;
  readonly resultToken: string;
  /** True when the resource no longer matches the rule's scope. */
  readonly eventLeftScope?: boolean;
  readonly configRuleName?: string;
}

export interface ConfigPorts {
  /** The latest configuration item of a resource (for oversized notifications, which carry only a summary). */
  fetchItem(summary: { resourceType: string; resourceId: string }): Promise<ConfigurationItem>;
  /** Reports evaluations; rejects when Config refuses any of them. */
  putEvaluations(resultToken: string, evaluations: readonly ItemEvaluation[]): Promise<void>;
}

interface InvokingEvent {
  readonly messageType?: string;
  readonly configurationItem?: ConfigurationItem;
  readonly configurationItemSummary?: { resourceType: string; resourceId: string };
  readonly notificationCreationTime?: string;
}

function parse(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`config rule event: ${what} is not a JSON object`);
}

/**
 * Evaluates the resource a change notification names under the rule's judgement and reports the
 * verdict to Config. A malformed event or an unknown judgement throws (the invocation fails and
 * lands in the dead-letter queue, which alarms): a rule that cannot judge never reports COMPLIANT.
 */
export async function runConfigRule(event: ConfigRuleEvent, env: ConfigRuleEnvironment, ports: ConfigPorts, now: Date): Promise<ItemEvaluation[]> {
  const invoking = parse(event.invokingEvent, 'invokingEvent') as InvokingEvent;
  const { judgement } = parse(event.ruleParameters, 'ruleParameters');
  if (typeof judgement !== 'string') throw new Error(`config rule ${event.configRuleName ?? ''}: input parameter "judgement" is missing`);
  let item: ConfigurationItem | undefined;
  switch (invoking.messageType) {
    case 'ConfigurationItemChangeNotification':
      item = invoking.configurationItem;
      break;
    case 'OversizedConfigurationItemChangeNotification':
      if (invoking.configurationItemSummary) item = await ports.fetchItem(invoking.configurationItemSummary);
      break;
    case 'ScheduledNotification':
      // These rules are change-triggered; a scheduled run names no resource to judge.
      return [];
    default:
      throw new Error(`config rule event: unknown messageType ${JSON.stringify(invoking.messageType)}`);
  }
  if (item === undefined || typeof item.resourceType !== 'string' || typeof item.resourceId !== 'string') {
    throw new Error(`config rule event: ${invoking.messageType} without a configuration item`);
  }
  const evaluation: ItemEvaluation = event.eventLeftScope
    ? { complianceResourceType: item.resourceType, complianceResourceId: item.resourceId, complianceType: 'NOT_APPLICABLE', orderingTimestamp: now }
    : evaluateItem(judgement, item, env, invoking.notificationCreationTime ? new Date(invoking.notificationCreationTime) : now);
  await ports.putEvaluations(event.resultToken, [evaluation]);
  return [evaluation];
}
