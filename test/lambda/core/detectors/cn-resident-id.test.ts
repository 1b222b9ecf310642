import { cnResidentIdCheckChar, dateKey, isCnResidentId, isCnResidentId15, isCnResidentId18 } from '../../../../lambda/core/detectors/cn-resident-id';

// Check characters below were computed independently (Python) from the GB 11643 weights.
describe('18-character resident ID', () => {
  test.each([
    ['11010519491231002X', 'the published GB 11643 sample, X check char'],
    ['11010519491231002x', 'lower-case x'],
    ['440308199901101512', 'Shenzhen, digit check char'],
    ['620102196208231547', 'Gansu (62, also a UnionPay prefix)'],
    ['310104200002291236', 'born on 29 Feb of a leap year'],
    ['11010519000101001X', 'born 1 Jan 1900, the earliest date accepted'],
    ['810000198001010014', 'Hong Kong residence permit (81)'],
    ['910000198001010018', '2023 foreign permanent-resident ID (9)'],
  ])('%s is an ID (%s)', (id) => {
    expect(isCnResidentId18(id)).toBe(true);
    expect(isCnResidentId(id)).toBe(true);
  });

  test.each([
    ['110105194912310021', 'wrong check char (X expected)'],
    ['440308199901101513', 'check char off by one'],
    ['310104190002291231', '29 Feb 1900: not a leap year'],
    ['110105194902301234', '30 Feb'],
    ['110105194913011234', 'month 13'],
    ['110105189912311234', 'born 1899'],
    ['001234198001010011', 'unknown province 00'],
    ['11010519491231002', '17 characters'],
    ['1101051949123100211', '19 characters'],
    ['11010519491231X02X', 'X inside'],
  ])('%s is not an ID (%s)', (value) => {
    expect(isCnResidentId18(value)).toBe(false);
  });

  test('a birth date after today is refused', () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const first17 = `110105${String(dateKey(tomorrow))}001`;
    const id = first17 + cnResidentIdCheckChar(first17);
    expect(isCnResidentId18(id)).toBe(false);
    // ...and accepted once that day has come.
    expect(isCnResidentId18(id, dateKey(tomorrow))).toBe(true);
  });

  test('the check char helper agrees with the published sample', () => {
    expect(cnResidentIdCheckChar('11010519491231002')).toBe('X');
  });
});

describe('15-digit legacy resident ID', () => {
  test.each([
    ['110105491231002', true, 'born 1949-12-31'],
    ['440308000229151', false, '1900-02-29 does not exist'],
    ['440308960229151', true, '1996-02-29 exists'],
    ['110105491331002', false, 'month 13'],
    ['000105491231002', false, 'unknown province'],
    ['910000800101001', false, 'no 15-digit form for prefix 9'],
  ])('%s → %s (%s)', (value, expected) => {
    expect(isCnResidentId15(value)).toBe(expected);
    expect(isCnResidentId(value)).toBe(expected);
  });
});
