import { type JudgementPolicy, type ResourceProperties, type Verdict, verdictOf } from './verdict';

/**
 * The judgement of `LogRetentionCeiling`: a log group keeps events at most the ceiling. No
 * `RetentionInDays` means "never expire" and fails, as does a value that is not a number.
 */
export function judgeLogRetention(resource: ResourceProperties, policy: JudgementPolicy): Verdict {
  if (resource.type !== 'AWS::Logs::LogGroup') return 'NOT_APPLICABLE';
  const days = resource.properties.RetentionInDays;
  return verdictOf(typeof days === 'number' && days <= policy.maxLogRetentionDays);
}
