import { NagRuleCompliance } from './cdk-nag-core';
import type { Verdict } from './judgements/verdict';

const COMPLIANCE: Readonly<Record<Verdict, NagRuleCompliance>> = {
  COMPLIANT: NagRuleCompliance.COMPLIANT,
  NON_COMPLIANT: NagRuleCompliance.NON_COMPLIANT,
  NOT_APPLICABLE: NagRuleCompliance.NOT_APPLICABLE,
};

/** A judgement's verdict as cdk-nag reports it. */
export function complianceOf(verdict: Verdict): NagRuleCompliance {
  return COMPLIANCE[verdict];
}
