import fc from 'fast-check';
import {
  assessCac,
  mechanismRank,
  type CacAssessmentInput,
  type CacFlow,
  type CacMechanism,
} from '../../../../lambda/core/assessment/cac';
import { PURPOSE_NAMES, exemptionOf, type Purpose } from '../../../../lambda/core/assessment/purposes';

function flow(purpose: Purpose, personal: number, sensitive = 0, importantData = false): CacFlow {
  return { purpose, personal, sensitive, importantData };
}

function decide(flows: CacFlow[], ciio = false): CacMechanism {
  return assessCac({ ciio, flows }).mechanism;
}

describe('assessCac: thresholds (以上 inclusive, 不满 exclusive)', () => {
  test.each<[string, number, number, CacMechanism]>([
    ['non-sensitive 0', 0, 0, 'exempt'],
    ['non-sensitive 1', 1, 0, 'exempt'],
    ['non-sensitive 99,999 (不满10万)', 99_999, 0, 'exempt'],
    ['non-sensitive 100,000 (10万人以上)', 100_000, 0, 'standard_contract_or_certification'],
    ['non-sensitive 100,001', 100_001, 0, 'standard_contract_or_certification'],
    ['non-sensitive 999,999 (不满100万)', 999_999, 0, 'standard_contract_or_certification'],
    ['non-sensitive 1,000,000 (100万人以上)', 1_000_000, 0, 'security_assessment'],
    ['non-sensitive 5,000,000', 5_000_000, 0, 'security_assessment'],
    ['sensitive 0: no sensitive obligation', 0, 0, 'exempt'],
    ['sensitive 1: no de-minimis floor', 0, 1, 'standard_contract_or_certification'],
    ['sensitive 9,999 (不满1万)', 0, 9_999, 'standard_contract_or_certification'],
    ['sensitive 10,000 (1万人以上)', 0, 10_000, 'security_assessment'],
    ['sensitive 10,001', 0, 10_001, 'security_assessment'],
    ['99,999 non-sensitive + 1 sensitive', 99_999, 1, 'standard_contract_or_certification'],
    ['999,999 non-sensitive + 10,000 sensitive', 999_999, 10_000, 'security_assessment'],
    ['1,000,000 non-sensitive + 0 sensitive', 1_000_000, 0, 'security_assessment'],
  ])('%s (non-sensitive %i, sensitive %i) → %s', (_label, personal, sensitive, expected) => {
    expect(decide([flow('marketing_analytics', personal, sensitive)])).toBe(expected);
  });

  test('the crossing count, the threshold and the article are named in the reasons', () => {
    const result = assessCac({ ciio: false, flows: [flow('marketing_analytics', 100_000)] });
    expect(result.reasons).toContainEqual(
      expect.objectContaining({
        provision: 'CAC Provisions 2024 Art. 8',
        mechanism: 'standard_contract_or_certification',
        measure: { count: 'personal', value: 100_000, threshold: 100_000, relation: 'at_or_above' },
      }),
    );
    const below = assessCac({ ciio: false, flows: [flow('marketing_analytics', 99_999)] });
    expect(below.reasons).toContainEqual(
      expect.objectContaining({
        provision: 'CAC Provisions 2024 Art. 5(4)',
        measure: { count: 'personal', value: 99_999, threshold: 100_000, relation: 'below' },
      }),
    );
    const sensitive = assessCac({ ciio: false, flows: [flow('marketing_analytics', 0, 10_000)] });
    expect(sensitive.reasons).toContainEqual(
      expect.objectContaining({ provision: 'CAC Provisions 2024 Art. 7(2)', mechanism: 'security_assessment' }),
    );
  });
});

describe('assessCac: headroom', () => {
  test.each<[number, number | null, number | null, CacMechanism | null]>([
    [0, 100_000, 99_999, 'standard_contract_or_certification'],
    [99_999, 100_000, 0, 'standard_contract_or_certification'],
    [100_000, 1_000_000, 899_999, 'security_assessment'],
    [150_000, 1_000_000, 849_999, 'security_assessment'],
    [1_000_000, null, null, null],
  ])('non-sensitive %i → next %p, %p more allowed, then %p', (counted, next, additional, atThreshold) => {
    const { headroom } = assessCac({ ciio: false, flows: [flow('marketing_analytics', counted)] });
    expect(headroom.personal).toMatchObject({
      counted,
      nextThreshold: next,
      additionalBeforeThreshold: additional,
      mechanismAtThreshold: atThreshold,
    });
  });

  test.each<[number, number | null, number | null]>([
    [0, 1, 0],
    [1, 10_000, 9_998],
    [9_999, 10_000, 0],
    [10_000, null, null],
  ])('sensitive %i → next %p, %p more allowed', (counted, next, additional) => {
    const { headroom } = assessCac({ ciio: false, flows: [flow('marketing_analytics', 0, counted)] });
    expect(headroom.sensitive).toMatchObject({ counted, nextThreshold: next, additionalBeforeThreshold: additional });
  });

  test('a CIIO has no headroom for non-exempt personal information: the first individual needs an assessment', () => {
    const { headroom } = assessCac({ ciio: true, flows: [flow('payment_settlement', 3_000_000)] });
    expect(headroom.personal).toMatchObject({ counted: 0, nextThreshold: 1, mechanismAtThreshold: 'security_assessment' });
  });
});

describe('assessCac: exemptions (Art. 5(1)–(3))', () => {
  test.each<[Purpose, string]>([
    ['payment_settlement', 'Art. 5(1)'],
    ['cross_border_payment', 'Art. 5(1)'],
    ['contract_necessity', 'Art. 5(1)'],
    ['hr_management', 'Art. 5(2)'],
    ['emergency', 'Art. 5(3)'],
  ])('%s with huge counts stays exempt (%s) and is not counted', (purpose, article) => {
    const result = assessCac({ ciio: false, flows: [flow(purpose, 50_000_000, 2_000_000)] });
    expect(result.mechanism).toBe('exempt');
    expect(result.counted).toEqual({ personal: 0, sensitive: 0 });
    expect(result.excluded).toEqual({ personal: 50_000_000, sensitive: 2_000_000 });
    expect(result.reasons.map((r) => r.provision)).toContain(`CAC Provisions 2024 ${article}`);
  });

  test('exempt purpose + important data → security assessment: exemptions never cover important data', () => {
    const result = assessCac({ ciio: false, flows: [flow('payment_settlement', 10, 0, true)] });
    expect(result.mechanism).toBe('security_assessment');
    expect(result.personalInformationMechanism).toBe('exempt');
    expect(result.reasons[0].finding).toMatch(/covers personal information only, never important data/);
  });

  test('exempt flows do not lift non-exempt flows over a threshold', () => {
    expect(decide([flow('payment_settlement', 900_000), flow('marketing_analytics', 99_999)])).toBe('exempt');
  });

  test('no personal information and no important data → exempt under Art. 3', () => {
    const result = assessCac({ ciio: false, flows: [flow('group_reporting', 0)] });
    expect(result.mechanism).toBe('exempt');
    expect(result.reasons.map((r) => r.provision)).toContain('CAC Provisions 2024 Art. 3');
  });
});

describe('assessCac: CIIO and important data', () => {
  test.each<[string, CacMechanism, CacFlow[]]>([
    ['one non-exempt individual', 'security_assessment', [flow('marketing_analytics', 1)]],
    ['one sensitive individual', 'security_assessment', [flow('fraud_risk_control', 0, 1)]],
    ['only exempt flows', 'exempt', [flow('payment_settlement', 2_000_000, 50_000)]],
    ['nothing non-exempt', 'exempt', [flow('marketing_analytics', 0)]],
    ['important data alone', 'security_assessment', [flow('it_operations', 0, 0, true)]],
  ])('CIIO with %s → %s', (_label, expected, flows) => {
    expect(decide(flows, true)).toBe(expected);
  });

  test('a CIIO is cited under Art. 7(1), not the volume thresholds', () => {
    const result = assessCac({ ciio: true, flows: [flow('marketing_analytics', 5)] });
    expect(result.reasons.map((r) => r.provision)).toEqual(['CAC Provisions 2024 Art. 7(1)']);
  });

  test('important data in a non-exempt flow needs an assessment whatever the headcount (Art. 7(2))', () => {
    const result = assessCac({ ciio: false, flows: [flow('marketing_analytics', 0, 0, true)] });
    expect(result.mechanism).toBe('security_assessment');
    expect(result.reasons[0]).toMatchObject({ provision: 'CAC Provisions 2024 Art. 7(2)', mechanism: 'security_assessment' });
  });
});

describe('assessCac: flows are summed (conservative upper bound)', () => {
  test.each<[string, CacMechanism, CacFlow[]]>([
    ['two flows of 50,000 reach 100,000', 'standard_contract_or_certification', [flow('marketing_analytics', 50_000), flow('customer_support', 50_000)]],
    ['49,999 + 50,000 stay below', 'exempt', [flow('marketing_analytics', 49_999), flow('customer_support', 50_000)]],
    ['sensitive 5,000 + 5,000 reach 10,000', 'security_assessment', [flow('fraud_risk_control', 0, 5_000), flow('customer_support', 0, 5_000)]],
    ['500,000 × 2 reach 1,000,000', 'security_assessment', [flow('marketing_analytics', 500_000), flow('it_operations', 500_000)]],
  ])('%s → %s', (_label, expected, flows) => {
    expect(decide(flows)).toBe(expected);
  });
});

describe('assessCac: fails closed on malformed input', () => {
  test.each<[string, CacFlow]>([
    ['negative', flow('marketing_analytics', -1)],
    ['fractional', flow('marketing_analytics', 1.5)],
    ['NaN sensitive', flow('marketing_analytics', 0, Number.NaN)],
    ['unknown purpose', { purpose: 'lottery' as Purpose, personal: 1, sensitive: 0, importantData: false }],
  ])('%s', (_label, bad) => {
    expect(() => assessCac({ ciio: false, flows: [bad] })).toThrow(RangeError);
  });
});

describe('property: adding subjects never weakens the mechanism (exempt < standard < assessment)', () => {
  const count = fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.constantFrom(0, 1, 9_999, 10_000, 99_999, 100_000, 999_999));
  const arbFlow = fc.record({
    purpose: fc.constantFrom(...PURPOSE_NAMES),
    personal: count,
    sensitive: count,
    importantData: fc.boolean(),
  });
  const arbInput: fc.Arbitrary<CacAssessmentInput> = fc.record({ ciio: fc.boolean(), flows: fc.array(arbFlow, { maxLength: 6 }) });

  test('more individuals in any existing flow', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(), fc.constantFrom('personal', 'sensitive'), fc.integer({ min: 1, max: 2_000_000 }), (input, pick, kind, added) => {
        fc.pre(input.flows.length > 0);
        const index = pick % input.flows.length;
        const grown = input.flows.map((f, i) => (i === index ? { ...f, [kind]: f[kind as 'personal' | 'sensitive'] + added } : f));
        const before = mechanismRank(assessCac(input).mechanism);
        const after = mechanismRank(assessCac({ ...input, flows: grown }).mechanism);
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  test('one more flow', () => {
    fc.assert(
      fc.property(arbInput, arbFlow, (input, extra) => {
        const before = mechanismRank(assessCac(input).mechanism);
        const after = mechanismRank(assessCac({ ...input, flows: [...input.flows, extra] }).mechanism);
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  test('exempt-purpose flows never change the headcount-based mechanism', () => {
    const exemptFlow = arbFlow.filter((f) => exemptionOf(f.purpose) !== null).map((f) => ({ ...f, importantData: false }));
    fc.assert(
      fc.property(arbInput, exemptFlow, (input, extra) => {
        expect(assessCac({ ...input, flows: [...input.flows, extra] }).mechanism).toBe(assessCac(input).mechanism);
      }),
    );
  });
});

describe('assessCac: reason order', () => {
  test('the deciding reason comes first', () => {
    const mixed = assessCac({ ciio: false, flows: [flow('payment_settlement', 10), flow('marketing_analytics', 0, 10_000)] });
    expect(mixed.reasons.map((r) => r.mechanism)).toEqual(['security_assessment', 'exempt', 'exempt']);
    expect(mixed.reasons[0].provision).toBe('CAC Provisions 2024 Art. 7(2)');
    const exemptOnly = assessCac({ ciio: false, flows: [flow('payment_settlement', 10)] });
    expect(exemptOnly.reasons[0].provision).toBe('CAC Provisions 2024 Art. 5(1)');
  });
});
