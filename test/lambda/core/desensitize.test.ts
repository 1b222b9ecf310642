import { compileTransferRule, desensitizeRecord, transformForPath } from '../../../lambda/core/desensitize';
import { tokenize } from '../../../lambda/core/tokens';
import { KEY, planWith, ruleWith, settlementRecord } from './support';

describe('desensitizeRecord under the example rule (sg-settlement)', () => {
  const plan = planWith();

  test('named fields transformed, unnamed fields dropped, free text redacted', () => {
    const result = desensitizeRecord(settlementRecord(), plan);
    expect(result).toEqual({
      status: 'written',
      record: {
        txn: { tradeNo: '2024010122001400000000000001', amount: 1280.5 },
        payer: { idNumber: '002X', mobile: tokenize(KEY, 'cn_mobile', '13800138000') },
        card: { pan: '622202******7890' },
        memo: 'call [REDACTED:cn_mobile] id [REDACTED:cn_resident_id]',
      },
      counts: { redactions: 2, safetyNetRedactions: 0, tokenized: 1, masked: 1, truncated: 1, transformFallbacks: 0, shapeRedactions: 0 },
    });
  });

  test('a kept value that has its shape but holds an identifier is caught by the safety net and counted', () => {
    const result = desensitizeRecord({ txn: { amount: 13800138000 } }, planWith({ fields: { 'txn.amount': { keep: 'decimal' } } }));
    expect(result).toMatchObject({ status: 'written', record: { txn: { amount: '[REDACTED:cn_mobile]' } }, counts: { safetyNetRedactions: 1 } });
  });

  test('a kept value of another shape quarantines the record by default, naming the field and shape, never the value', () => {
    const result = desensitizeRecord({ txn: { tradeNo: 'see card 4111111111111111', amount: 4111111111111111 } }, plan);
    expect(result).toEqual({
      status: 'quarantined',
      reason: 'shape_mismatch',
      field: 'txn.tradeNo',
      detail: 'field "txn.tradeNo" holds a value that is not pattern ^[0-9]{28}$, the shape the rule keeps; the rule quarantines such records',
    });
  });

  test('paths missing from a record are fine, and empty objects are not invented', () => {
    expect(desensitizeRecord({ payer: { name: 'x' }, other: 1 }, plan)).toEqual({
      status: 'written',
      record: {},
      counts: expect.objectContaining({ redactions: 0 }),
    });
  });

  test.each([
    [{ card: { pan: '4111111111111111', cvv: '123' } }, 'card.cvv'],
    [{ card: { pan: '4111111111111111', CVN2: 123 } }, 'card.CVN2'],
    [{ auth: { pinBlock: '0412AC89ABCDEF67' } }, 'auth.pinBlock'],
    [{ items: [{ ok: 1 }, { track2: ';4111111111111111=2512101?' }] }, 'items[1].track2'],
    [{ dropped: { nested: { password: 'hunter2' } } }, 'dropped.nested.password'],
  ])('%j is quarantined, never transformed (SAD at %s)', (record, path) => {
    const result = desensitizeRecord(record, plan);
    expect(result).toEqual({ status: 'quarantined', reason: 'sensitive_auth_data', detail: expect.stringContaining(`"${path}"`) });
  });

  test('track data in any string quarantines the record', () => {
    const result = desensitizeRecord({ memo: 'swipe ;4111111111111111=25121010000000000000?' }, plan);
    expect(result).toEqual({ status: 'quarantined', reason: 'sensitive_auth_data', detail: expect.stringContaining('track data in field "memo"') });
  });

  test('an empty SAD field carries nothing and does not quarantine', () => {
    expect(desensitizeRecord({ card: { pan: '4111111111111111', cvv: '' } }, plan).status).toBe('written');
  });

  test.each([[[1, 2]], ['text'], [null], [42]])('%j is not an object: quarantined', (record) => {
    expect(desensitizeRecord(record, plan)).toMatchObject({ status: 'quarantined', reason: 'not_an_object' });
  });

  test('a transform that cannot apply redacts the value whole and counts it', () => {
    const result = desensitizeRecord({ card: { pan: 'unknown' }, payer: { idNumber: '12' } }, plan);
    expect(result).toMatchObject({
      status: 'written',
      record: { card: { pan: '[REDACTED]' }, payer: { idNumber: '[REDACTED]' } },
      counts: { transformFallbacks: 2 },
    });
  });
});

describe('rule paths', () => {
  test('otherFields redact keeps unnamed fields with identifiers redacted, keys included', () => {
    const plan = planWith({ fields: { 'payer.mobile': 'drop' }, otherFields: 'redact' });
    const result = desensitizeRecord({ payer: { mobile: '13800138000', note: 'alt 13900139000' }, '13700137000': 'x' }, plan);
    expect(result).toMatchObject({
      status: 'written',
      record: { payer: { note: 'alt [REDACTED:cn_mobile]' }, '[REDACTED:cn_mobile]': 'x' },
      counts: { redactions: 2 },
    });
  });

  test('a named object under redact is kept whole, recursively scanned', () => {
    const plan = planWith({ fields: { shipping: 'redact' } });
    const result = desensitizeRecord({ shipping: { city: 'Singapore', contact: { phone: '138 0013 8000' } } }, plan);
    expect(result).toMatchObject({
      record: { shipping: { city: 'Singapore', contact: { phone: '[REDACTED:cn_mobile]' } } },
      counts: { redactions: 1 },
    });
  });

  test('paths through arrays apply to each element', () => {
    const plan = planWith({ fields: { 'items.pan': 'mask_pan', 'items.sku': { keep: { pattern: '^[A-Z][0-9]$' } } } });
    const result = desensitizeRecord({ items: [{ pan: '4111111111111111', sku: 'A1', extra: 1 }, { sku: 'B2' }, 'loose'] }, plan);
    expect(result).toMatchObject({ record: { items: [{ pan: '411111******1111', sku: 'A1' }, { sku: 'B2' }] } });
  });

  test('a record key "__proto__" does not change the output prototype', () => {
    const plan = planWith({ fields: { memo: { keep: { enum: ['x'] } } }, otherFields: 'redact' });
    const result = desensitizeRecord(JSON.parse('{"__proto__": {"polluted": true}, "memo": "x"}'), plan);
    expect(result.status).toBe('written');
    if (result.status !== 'written') return;
    expect(Object.getPrototypeOf(result.record)).toBe(Object.prototype);
    expect(Object.keys(result.record)).toEqual(['__proto__', 'memo']);
  });

  test('transformForPath answers per column: own transform, enclosing transform or otherFields', () => {
    const plan = compileTransferRule(ruleWith({ fields: { payer: 'redact', 'txn.amount': { keep: 'decimal' }, 'card.pan': 'mask_pan' } }), KEY);
    expect(transformForPath(plan, ['payer', 'name'])).toBe('redact');
    expect(transformForPath(plan, ['txn', 'amount'])).toBe('keep');
    expect(transformForPath(plan, ['card', 'pan'])).toBe('mask_pan');
    expect(transformForPath(plan, ['card'])).toBe('drop');
    expect(transformForPath(plan, ['memo'])).toBe('drop');
  });
});
