import { desensitizeRecord } from '../../../lambda/core/desensitize';
import { findIdentifiers } from '../../../lambda/core/detectors/identifiers';
import { JsonNumber } from '../../../lambda/core/json/json-number';
import { IDENTIFIER_SAMPLES, patternProblem } from '../../../lambda/core/pattern-safety';
import { compileShape, type Shape } from '../../../lambda/core/shapes';
import { planWith } from './support';

describe('shapes', () => {
  test.each<[Shape, unknown[], unknown[]]>([
    // A number is judged by its value (1e5 is 100000), a string by its text.
    ['decimal', [0, 12.5, -3, '1280.50', new JsonNumber('1280.50'), new JsonNumber('1e5'), '999999999999999.12345678'], ['1e5', new JsonNumber('1e40'), 0.1 + 0.2, '12,50', '.5', '1.', '007', '', ' 1', true, {}, [1], '1234567890123456', NaN]],
    [{ decimal: { maxIntegerDigits: 6, maxFractionDigits: 2 } }, ['123456.78', 0.5], ['1234567', '1.234', 1.005]],
    ['integer', [0, -5, '42', 999999999999999], ['1.0', 1.5, '-0', '0042', 1000000000000000, new JsonNumber('12345678901234567'), 'x']],
    [{ integer: { min: 0, max: 100 } }, [0, 100, '7'], [-1, 101, '1000']],
    ['boolean', [true, false, 'true', 'false'], ['TRUE', 1, 0, 'yes', 'null', null]],
    ['currency', ['CNY', 'SGD', 'USD', 'JPY', 'THB'], ['cny', 'XXXX', 'ZZZ', '', 'CN']],
    ['date', ['2026-03-01', '2024-02-29'], ['2026-02-30', '2025-02-29', '2026-3-1', '20260301', '2026-03-01T00:00:00Z']],
    ['timestamp', ['2026-03-01T10:00:00+08:00', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123456Z', '2026-03-01T10:00', '2016-12-31T23:59:60Z'], ['2026-03-01', '2026-03-01 10:00:00', '2026-13-01T10:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T10:00:00+15:00', 'now']],
    [{ enum: ['SUCCESS', 'REFUND', 0] }, ['SUCCESS', 'REFUND', 0, '0'], ['success', 'CLOSED', '', 1]],
    [{ pattern: '^[0-9]{28}$' }, ['2024010122001400000000000001', new JsonNumber('2024010122001400000000000001')], ['202401012200140000000000000', '２０２４０１０１２２００１４００００００００００００００１', 'x2024010122001400000000000001', true]],
  ])('%j: matches %j, not %j', (shape, matching, other) => {
    const matches = compileShape(shape);
    for (const value of matching) expect([value, matches(value)]).toEqual([value, true]);
    for (const value of other) expect([value, matches(value)]).toEqual([value, false]);
  });

  test('every ISO 4217 code the runtime knows is a currency; three capitals alone are not', () => {
    const currency = compileShape('currency');
    for (const code of Intl.supportedValuesOf('currency')) expect(currency(code)).toBe(true);
    expect(currency('ABC')).toBe(false);
  });
});

describe('keep with a shape, in a record', () => {
  const plan = planWith({
    fields: {
      'txn.amount': { keep: 'decimal', onMismatch: 'redact' },
      'txn.status': { keep: { enum: ['SUCCESS', 'REFUND'] }, onMismatch: 'redact' },
      'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' } },
    },
  });

  test('matching values pass as they are, numbers digit for digit', () => {
    const tradeNo = new JsonNumber('2024010122001400000000000001');
    const result = desensitizeRecord({ txn: { amount: new JsonNumber('1280.50'), status: 'SUCCESS', tradeNo } }, plan);
    expect(result).toMatchObject({ status: 'written', record: { txn: { amount: new JsonNumber('1280.50'), status: 'SUCCESS', tradeNo } } });
  });

  test('onMismatch redact replaces the value whole and counts it by field; quarantine (the default) refuses the record', () => {
    const redacted = desensitizeRecord({ txn: { amount: '12,50 CNY', status: 'call 13800138000', tradeNo: '2024010122001400000000000001' } }, plan);
    expect(redacted).toMatchObject({
      status: 'written',
      record: { txn: { amount: '[REDACTED]', status: '[REDACTED]', tradeNo: '2024010122001400000000000001' } },
      counts: { shapeRedactions: 2, safetyNetRedactions: 0 },
      mismatches: ['txn.amount', 'txn.status'],
    });
    const quarantined = desensitizeRecord({ txn: { tradeNo: '信息：１５０５０１２００３０３０７１２３Ｘ' } }, plan);
    expect(quarantined).toMatchObject({ status: 'quarantined', reason: 'shape_mismatch', field: 'txn.tradeNo' });
    expect(JSON.stringify(quarantined)).not.toMatch(/１５０５|信息/);
  });

  test('arrays are matched element by element; null carries nothing; an object never has a scalar shape', () => {
    expect(desensitizeRecord({ txn: { amount: [1, 'x', null] } }, plan)).toMatchObject({ record: { txn: { amount: [1, '[REDACTED]', null] } } });
    expect(desensitizeRecord({ txn: { amount: null } }, plan)).toMatchObject({ record: { txn: { amount: null } } });
    expect(desensitizeRecord({ txn: { tradeNo: { n: '2024010122001400000000000001' } } }, plan)).toMatchObject({ status: 'quarantined', reason: 'shape_mismatch' });
  });
});

describe('pattern safety', () => {
  test('every sample identifier is one the detectors recognise (else the probe proves nothing)', () => {
    for (const sample of IDENTIFIER_SAMPLES) expect([sample.value, findIdentifiers(sample.value).map((m) => m.category)]).toEqual([sample.value, [sample.category]]);
  });

  test.each([
    ['^[0-9]{28}$', undefined],
    ['^M[0-9]{14}$', undefined],
    ['^(?:SUCCESS|REFUND)$', undefined],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', undefined],
    ['[0-9]{28}', /anchored at both ends/],
    ['^[0-9]{28}', /anchored at both ends/],
    ['^[0-9]{28}\\$', /anchored at both ends/],
    ['^a$|^b$', /\| outside any group/],
    ['^(a+)+$', /backtrack catastrophically/],
    ['^\\d*\\d*$', /backtrack catastrophically/],
    ['^(a|a)*$', /catastrophic|too complex/],
    ['^(\\w+\\s?)+$', /catastrophic|too complex/],
    ['^[0-9]{16}$', /can match a bank_card/],
    ['^.*$', /can match a/],
    ['^1[3-9][0-9]{9}$', /can match a cn_mobile/],
    ['^[^@]+@[^@]+$', /can match a email/],
    ['^(?:$', /not a valid regular expression/],
    [`^${'a'.repeat(600)}$`, /at most 512/],
  ])('%s → %s', (pattern, problem) => {
    const found = patternProblem(pattern);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
