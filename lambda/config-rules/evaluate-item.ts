/**
 * Runs one CrossBorder judgement on one configuration item: the custom AWS Config rules of
 * lib/runtime-checks/catalog.ts, each naming its judgement in the rule's input parameters.
 */
import { judgeDataClassTagged } from '../../lib/nag/judgements/classification';
import { judgeCustomerManagedKey } from '../../lib/nag/judgements/encryption';
import { judgeHumanRoleMfa } from '../../lib/nag/judgements/mfa';
import { judgeRegionAllowed, judgeReplicaRegions, judgeRestrictedDataStaysHome } from '../../lib/nag/judgements/residency';
import { judgeLogRetention } from '../../lib/nag/judgements/retention';
import { judgeNoSensitiveAuthField } from '../../lib/nag/judgements/schema';
import type { JudgementPolicy, Verdict } from '../../lib/nag/judgements/verdict';
import { type ConfigurationItem, type DeclaredFacts, resourceView, type ResourceView } from './configuration-item';

type Judgement = (view: ResourceView, policy: JudgementPolicy) => Verdict;

/** Every judgement the custom rules may name, with what a NON_COMPLIANT annotation says. */
export const JUDGEMENTS: Readonly<Record<string, { readonly judge: Judgement; readonly annotation: (policy: JudgementPolicy) => string }>> = {
  StackRegionAllowed: {
    judge: (v, p) => judgeRegionAllowed(v.region, p),
    annotation: (p) => `CrossBorder-StackRegionAllowed: in a region outside the residency policy (allowed: ${p.allowedRegions.join(', ')})`,
  },
  ReplicaRegionAllowed: {
    judge: (v, p) => judgeReplicaRegions(v.replicaRegions, p),
    annotation: () => 'CrossBorder-ReplicaRegionAllowed: replicates to a region outside the policy, or to a destination the app does not declare',
  },
  RestrictedDataStaysHome: {
    judge: (v, p) => judgeRestrictedDataStaysHome(v, p),
    annotation: (p) => `CrossBorder-RestrictedDataStaysHome: C2/C3 data stored, replicated or keyed outside ${p.homeRegion ?? 'the (unset) home region'}`,
  },
  LogRetentionCeiling: {
    judge: (v, p) => judgeLogRetention(v, p),
    annotation: (p) => `CrossBorder-LogRetentionCeiling: log events never expire or are kept longer than ${p.maxLogRetentionDays} days`,
  },
  HumanRoleRequiresMfa: {
    judge: (v) => judgeHumanRoleMfa(v),
    annotation: () => 'CrossBorder-HumanRoleRequiresMfa: people can assume the role without aws:MultiFactorAuthPresent=true',
  },
  DataStoreCustomerManagedKey: {
    judge: (v) => judgeCustomerManagedKey(v),
    annotation: () => 'CrossBorder-DataStoreCustomerManagedKey: not encrypted with a customer-managed KMS key',
  },
  DataClassTagged: {
    judge: (v) => judgeDataClassTagged(v.type, v.dataClass),
    annotation: () => 'CrossBorder-DataClassTagged: no data-class tag with a known class',
  },
  NoSensitiveAuthDataField: {
    judge: (v) => judgeNoSensitiveAuthField(v),
    annotation: () => 'CrossBorder-NoSensitiveAuthDataField: the table declares a field for sensitive authentication data',
  },
};

export interface ItemEvaluation {
  readonly complianceResourceType: string;
  readonly complianceResourceId: string;
  readonly complianceType: Verdict;
  readonly annotation?: string;
  readonly orderingTimestamp: Date;
}

/** Statuses of an item that describes no live resource: nothing to judge. */
const GONE = ['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'];

export function isJudgementName(name: unknown): name is keyof typeof JUDGEMENTS {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(JUDGEMENTS, name);
}

/** The evaluation Config receives for one item under one judgement. */
export function evaluateItem(judgement: string, item: ConfigurationItem, settings: { policy: JudgementPolicy; declared: DeclaredFacts }, fallbackTime: Date): ItemEvaluation {
  if (!isJudgementName(judgement)) {
    throw new Error(`config rule parameters: judgement "${judgement}" is not one of ${Object.keys(JUDGEMENTS).join(', ')}`);
  }
  const captured = item.configurationItemCaptureTime ? new Date(item.configurationItemCaptureTime) : fallbackTime;
  const base = {
    complianceResourceType: item.resourceType,
    complianceResourceId: item.resourceId,
    orderingTimestamp: Number.isNaN(captured.getTime()) ? fallbackTime : captured,
  };
  if (GONE.includes(item.configurationItemStatus ?? '')) return { ...base, complianceType: 'NOT_APPLICABLE' };
  const view = resourceView(item, settings.declared);
  if (view.awsManagedKey) return { ...base, complianceType: 'NOT_APPLICABLE' };
  const { judge, annotation } = JUDGEMENTS[judgement];
  const verdict = judge(view, settings.policy);
  return verdict === 'NON_COMPLIANT' ? { ...base, complianceType: verdict, annotation: annotation(settings.policy).slice(0, 256) } : { ...base, complianceType: verdict };
}
