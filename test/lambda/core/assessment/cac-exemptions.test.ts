import fc from 'fast-check';
import { assessCac, mechanismRank, type CacAssessmentInput, type CacFlow } from '../../../../lambda/core/assessment/cac';
import type { FreeTradeZone } from '../../../../lambda/core/assessment/cac-exemptions';
import { CnAssessmentInputSchema } from '../../../../lambda/core/assessment/schema';

const tianjin: FreeTradeZone = {
  zone: 'China (Tianjin) Pilot Free Trade Zone',
  listReference: 'Tianjin FTZ data outbound negative list (2024)',
  entries: [
    { id: 'TJ-01', description: 'customer financial account data of 100,000 or more people' },
    { id: 'TJ-02', description: 'vehicle and charging network operating data' },
  ],
};

function marketing(personal: number, sensitive: number, extra: Partial<CacFlow> = {}): CacFlow {
  return { purpose: 'marketing_analytics', personal, sensitive, importantData: false, ...extra };
}

describe('Art. 4: collected abroad, processed in China, sent back', () => {
  test('does not count and needs no mechanism, however many individuals', () => {
    const result = assessCac({ ciio: false, flows: [marketing(3_000_000, 200_000, { collectedAbroad: true })] });
    expect(result).toMatchObject({ mechanism: 'exempt', counted: { personal: 0, sensitive: 0 }, excluded: { personal: 3_000_000, sensitive: 200_000 } });
    expect(result.reasons[0]).toMatchObject({ provision: 'CAC Provisions 2024 Art. 4', mechanism: 'exempt' });
    expect(result.reasons[0].finding).toMatch(/collected and produced abroad, processed in China and sent back out/);
  });

  test('also for a CIIO (Art. 4 is not limited to non-CIIOs)', () => {
    expect(assessCac({ ciio: true, flows: [marketing(10, 10, { collectedAbroad: true })] }).mechanism).toBe('exempt');
  });

  test('domestic flows beside it still count', () => {
    const result = assessCac({ ciio: false, flows: [marketing(900_000, 0, { collectedAbroad: true }), marketing(150_000, 0)] });
    expect(result).toMatchObject({ mechanism: 'standard_contract_or_certification', counted: { personal: 150_000 } });
  });

  test('the input refuses Art. 4 together with important data, naming the flow', () => {
    const parsed = CnAssessmentInputSchema.safeParse({ jurisdiction: 'CN', year: 2026, ciio: false, flows: [{ ...marketing(5, 0), importantData: true, collectedAbroad: true }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['flows', 0, 'collectedAbroad'], message: expect.stringMatching(/Art\. 4 covers only data sent back without domestic personal information or important data/) });
  });
});

describe('Art. 6: free trade zone negative lists', () => {
  const inZone = (...flows: CacFlow[]): CacAssessmentInput => ({ ciio: false, freeTradeZone: tianjin, flows });

  test('data outside the list leaves without a mechanism and does not count: the exporter is not over-assessed', () => {
    const result = assessCac(inZone(marketing(2_000_000, 50_000, { negativeListEntries: [] })));
    expect(result).toMatchObject({ mechanism: 'exempt', counted: { personal: 0, sensitive: 0 }, excluded: { personal: 2_000_000, sensitive: 50_000 } });
    expect(result.reasons[0]).toMatchObject({ provision: 'CAC Provisions 2024 Art. 6' });
    expect(result.reasons[0].finding).toMatch(/outside the negative list of the China \(Tianjin\) Pilot Free Trade Zone/);
  });

  test('data on the list counts as usual', () => {
    expect(assessCac(inZone(marketing(150_000, 0, { negativeListEntries: ['TJ-01'] }))).mechanism).toBe('standard_contract_or_certification');
  });

  test('a flow that does not say counts as listed (fail closed)', () => {
    expect(assessCac(inZone(marketing(1_000_000, 0))).mechanism).toBe('security_assessment');
  });

  test('without a zone, an empty list means nothing', () => {
    expect(assessCac({ ciio: false, flows: [marketing(150_000, 0, { negativeListEntries: [] })] }).mechanism).toBe('standard_contract_or_certification');
  });

  test('important data still needs a security assessment, with the reason', () => {
    const result = assessCac(inZone({ ...marketing(10, 0, { negativeListEntries: [] }), importantData: true }));
    expect(result.mechanism).toBe('security_assessment');
    expect(result.reasons[0].finding).toMatch(/Art\. 6 is not applied to notified important data/);
  });

  test.each<[string, unknown, (string | number)[], RegExp]>([
    ['an entry the zone does not list', { freeTradeZone: tianjin, flows: [marketing(5, 0, { negativeListEntries: ['TJ-99'] })] }, ['flows', 0, 'negativeListEntries', 0], /is not an entry of the China \(Tianjin\) Pilot Free Trade Zone negative list \(entries: TJ-01, TJ-02\)/],
    ['entries without a zone', { flows: [marketing(5, 0, { negativeListEntries: [] })] }, ['flows', 0, 'negativeListEntries'], /needs freeTradeZone/],
    ['a zone with no entries', { freeTradeZone: { ...tianjin, entries: [] }, flows: [marketing(5, 0)] }, ['freeTradeZone', 'entries'], /at least one entry/],
    ['an entry listed twice', { freeTradeZone: { ...tianjin, entries: [tianjin.entries[0], tianjin.entries[0]] }, flows: [marketing(5, 0)] }, ['freeTradeZone', 'entries', 1, 'id'], /listed twice/],
    ['a zone without its list reference', { freeTradeZone: { zone: 'x', entries: tianjin.entries }, flows: [marketing(5, 0)] }, ['freeTradeZone', 'listReference'], /cite the published negative list/],
  ])('the input refuses %s, naming the key', (_label, extra, path, message) => {
    const parsed = CnAssessmentInputSchema.safeParse({ jurisdiction: 'CN', year: 2026, ciio: false, ...(extra as object) });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
  });
});

describe('property: marking flows exempt (Art. 4 / Art. 6) never strengthens the mechanism', () => {
  test('holds for any counts', () => {
    const count = fc.integer({ min: 0, max: 3_000_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(count, fc.integer({ min: 0, max: 30_000 }), fc.constantFrom<'none' | 'abroad' | 'outside'>('none', 'abroad', 'outside')), { minLength: 1, maxLength: 5 }), (specs) => {
        const plain = specs.map(([p, s]) => marketing(p, s, { negativeListEntries: ['TJ-01'] }));
        const marked = specs.map(([p, s, how]) =>
          how === 'abroad' ? marketing(p, s, { collectedAbroad: true, negativeListEntries: ['TJ-01'] }) : marketing(p, s, { negativeListEntries: how === 'outside' ? [] : ['TJ-01'] }),
        );
        const before = assessCac({ ciio: false, freeTradeZone: tianjin, flows: plain }).mechanism;
        const after = assessCac({ ciio: false, freeTradeZone: tianjin, flows: marked }).mechanism;
        expect(mechanismRank(after)).toBeLessThanOrEqual(mechanismRank(before));
      }),
    );
  });
});
