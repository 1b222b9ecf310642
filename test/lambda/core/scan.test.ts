import { Inventory } from '../../../lambda/core/scan';
import { settlementRecord } from './support';

describe('Inventory', () => {
  test('counts categories per field path, with levels, most sensitive first', () => {
    const inventory = new Inventory();
    inventory.addRecord(settlementRecord());
    inventory.addRecord({ ...settlementRecord(), card: { pan: '4111111111111111', cvv: '123' } });
    inventory.addRecord('not an object');
    inventory.addInvalid();
    const report = inventory.report();
    expect(report.records).toBe(2);
    expect(report.invalid).toBe(2);
    expect(report.recordsWithSensitiveAuthData).toBe(1);
    expect(report.fields).toEqual([
      { path: 'card.cvv', values: 1, categories: { sensitive_auth_data: 1 }, level: 'C3' },
      { path: 'card.pan', values: 2, categories: { bank_card: 2 }, level: 'C2' },
      { path: 'device.ip', values: 2, categories: { ip_address: 2 }, level: 'C2' },
      { path: 'memo', values: 2, categories: { cn_resident_id: 2, cn_mobile: 2 }, level: 'C2' },
      { path: 'payer.idNumber', values: 2, categories: { cn_resident_id: 2 }, level: 'C2' },
      { path: 'payer.mobile', values: 2, categories: { cn_mobile: 2 }, level: 'C2' },
      { path: 'txn.tradeNo', values: 2, categories: { payment_transaction_id: 2 }, level: 'C2' },
    ]);
  });

  test('array elements share one path', () => {
    const inventory = new Inventory();
    inventory.addRecord({ items: [{ pan: '4111111111111111' }, { pan: '5555555555554444' }], tags: [['13800138000']] });
    expect(inventory.report().fields).toEqual([
      { path: 'items[].pan', values: 2, categories: { bank_card: 2 }, level: 'C2' },
      { path: 'tags[][]', values: 1, categories: { cn_mobile: 1 }, level: 'C2' },
    ]);
  });

  test('a transaction id needs its field name: the same value elsewhere is not one', () => {
    const inventory = new Inventory();
    inventory.addRecord({ out_trade_no: '4200001234202401011234567890', reference: '4200001234202401011234567890' });
    expect(inventory.report().fields.map((f) => f.path)).toEqual(['out_trade_no']);
  });

  test('snapshots from separate parts merge into the same report as one pass', () => {
    const records = [settlementRecord(), { memo: 'a@b.co', extra: { pin: '1234' } }, { items: [{ pan: '4111111111111111' }] }];
    const whole = new Inventory();
    records.forEach((r) => whole.addRecord(r));
    const merged = new Inventory();
    for (const record of records) {
      const part = new Inventory();
      part.addRecord(record);
      merged.absorb(part.snapshot());
    }
    expect(merged.report()).toEqual(whole.report());
  });

  test('a map keyed by ids folds into * after many distinct keys', () => {
    const inventory = new Inventory();
    const byId: Record<string, string> = {};
    for (let i = 0; i < 600; i++) byId[`m${i}`] = '13800138000';
    inventory.addRecord({ byId });
    const paths = inventory.snapshot().fields.map((f) => f.path);
    expect(paths).toHaveLength(501);
    expect(inventory.report().fields.find((f) => f.path === 'byId.*')).toMatchObject({ values: 100, categories: { cn_mobile: 100 } });
  });
});
