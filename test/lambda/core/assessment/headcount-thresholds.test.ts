import fc from 'fast-check';
import { assessCac } from '../../../../lambda/core/assessment/cac';
import {
  alarmPoints,
  thresholdLevels,
  type ExporterHeadcount,
  type HeadcountState,
} from '../../../../lambda/core/assessment/headcount-thresholds';

function row(kind: 'personal' | 'sensitive', distinctIndividuals: number, exporter = 'acme-cn'): ExporterHeadcount {
  return { exporter, year: 2026, kind, distinctIndividuals };
}

describe('alarmPoints', () => {
  test('non-sensitive: warn at 80,000 and 800,000, alarm at 100,000 and 1,000,000', () => {
    expect(alarmPoints('personal', { ciio: false })).toEqual([
      { threshold: 100_000, warnAt: 80_000, alarmAt: 100_000, mechanismAtThreshold: 'standard_contract_or_certification', provision: 'CAC Provisions 2024 Art. 8' },
      { threshold: 1_000_000, warnAt: 800_000, alarmAt: 1_000_000, mechanismAtThreshold: 'security_assessment', provision: 'CAC Provisions 2024 Art. 7(2)' },
    ]);
  });

  test('sensitive: the first individual already needs a standard contract, so warning and alarm coincide', () => {
    expect(alarmPoints('sensitive', { ciio: false }).map((p) => [p.warnAt, p.alarmAt])).toEqual([
      [1, 1],
      [8_000, 10_000],
    ]);
  });

  test('CIIO: one point at a single individual (Art. 7(1))', () => {
    expect(alarmPoints('personal', { ciio: true })).toEqual([
      { threshold: 1, warnAt: 1, alarmAt: 1, mechanismAtThreshold: 'security_assessment', provision: 'CAC Provisions 2024 Art. 7(1)' },
    ]);
  });
});

describe('thresholdLevels', () => {
  test.each<['personal' | 'sensitive', number, HeadcountState, number | null, number | null]>([
    ['personal', 0, 'below_warning', 80_000, 100_000],
    ['personal', 79_999, 'below_warning', 80_000, 100_000],
    ['personal', 80_000, 'warning', 80_000, 100_000],
    ['personal', 99_999, 'warning', 80_000, 100_000],
    ['personal', 100_000, 'below_warning', 800_000, 1_000_000],
    ['personal', 800_000, 'warning', 800_000, 1_000_000],
    ['personal', 1_000_000, 'above_all_thresholds', null, null],
    ['sensitive', 0, 'below_warning', 1, 1],
    ['sensitive', 7_999, 'below_warning', 8_000, 10_000],
    ['sensitive', 8_000, 'warning', 8_000, 10_000],
    ['sensitive', 10_000, 'above_all_thresholds', null, null],
  ])('%s %i → %s (warn %p, alarm %p)', (kind, count, state, warnAt, alarmAt) => {
    const [levels] = thresholdLevels([row(kind, count)]);
    expect(levels.state).toBe(state);
    expect(levels.next?.warnAt ?? null).toBe(warnAt);
    expect(levels.next?.alarmAt ?? null).toBe(alarmAt);
  });

  test('CIIO exporters are on the single-rung ladder; others are not', () => {
    const levels = thresholdLevels([row('personal', 5, 'grid-cn'), row('personal', 5, 'shop-cn')], { ciioExporters: ['grid-cn'] });
    expect(levels.map((l) => l.mechanismNow)).toEqual(['security_assessment', 'exempt']);
    expect(levels[0].reached?.provision).toBe('CAC Provisions 2024 Art. 7(1)');
  });

  test('refuses a repeated exporter/year/kind and malformed counts', () => {
    expect(() => thresholdLevels([row('personal', 1), row('personal', 2)])).toThrow(/repeats exporter "acme-cn", year 2026/);
    expect(() => thresholdLevels([row('personal', -1)])).toThrow(RangeError);
    expect(() => thresholdLevels([row('sensitive', 0.5)])).toThrow(RangeError);
  });

  test('property: mechanismNow agrees with assessCac for the same count', () => {
    fc.assert(
      fc.property(fc.constantFrom('personal' as const, 'sensitive' as const), fc.integer({ min: 0, max: 3_000_000 }), fc.boolean(), (kind, count, ciio) => {
        const [levels] = thresholdLevels([row(kind, count)], { ciioExporters: ciio ? ['acme-cn'] : [] });
        const flow = { purpose: 'marketing_analytics' as const, personal: 0, sensitive: 0, importantData: false, [kind]: count };
        expect(levels.mechanismNow).toBe(assessCac({ ciio, flows: [flow] }).mechanism);
        if (levels.next) expect(count).toBeLessThan(levels.next.alarmAt);
      }),
    );
  });
});
