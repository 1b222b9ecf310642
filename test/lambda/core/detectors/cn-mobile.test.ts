import { findIdentifiers } from '../../../../lambda/core/detectors/identifiers';
import { isCnMobileDigits } from '../../../../lambda/core/detectors/cn-mobile';

describe('CN mobile numbers', () => {
  test.each([
    ['13800138000', true],
    ['19912345678', true],
    ['8613800138000', true],
    ['008613800138000', true],
    ['12800138000', false], // 12 is not a mobile prefix
    ['1380013800', false], // 10 digits
    ['138001380001', false], // 12 digits
    ['8513800138000', false], // 85 is not the country code
    ['0085213800138000', false],
  ])('digits %s → %s', (digits, expected) => {
    expect(isCnMobileDigits(digits)).toBe(expected);
  });

  test.each([
    '13800138000',
    '138 0013 8000',
    '138-0013-8000',
    '+86 138 0013 8000',
    '+86-138-0013-8000',
    '+8613800138000',
    '86-13800138000',
    '0086 13800138000',
    '138\u30000013\u30008000',
  ])('%j as a whole value is one cn_mobile match covering all of it', (value) => {
    expect(findIdentifiers(value)).toEqual([{ start: 0, end: value.length, category: 'cn_mobile' }]);
  });
});
