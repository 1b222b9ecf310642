import { createHash, randomBytes } from 'node:crypto';
import { compileTransferRule } from '../../../lambda/core/desensitize';
import { tokenKeyFromBytes } from '../../../lambda/core/tokens';
import { loadTransferRule } from '../../../lambda/core/transfer-rule';
import { type DeclarationBody, type TransferPorts, transferObject } from '../../../lambda/gateway/transfer-object';

const NOW = new Date('2026-06-01T12:00:00Z');
const KEY = tokenKeyFromBytes(randomBytes(32));

function rule(overrides: Record<string, unknown> = {}) {
  return loadTransferRule(
    {
      id: 'sg-settlement',
      version: 3,
      destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'Example Settlement Pte. Ltd.' },
      purpose: 'payment_settlement',
      legalBasis: 'cac_contract_necessity',
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
      fields: { 'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' } }, 'payer.idNumber': 'last4', 'payer.mobile': 'token', 'card.pan': 'mask_pan', memo: 'redact' },
      otherFields: 'drop',
      ...overrides,
    },
    'test rule',
    NOW,
  );
}

const RECORDS = [
  { txn: { tradeNo: '2026060122001234567890123456' }, payer: { idNumber: '11010519491231002X', mobile: '13800138000', name: '张三' }, card: { pan: '6222021234567890123' }, memo: 'call 13912345678' },
  { txn: { tradeNo: '2026060122001234567890123457' }, payer: { idNumber: '110105194912310029', mobile: '13800138001' }, card: { pan: '4111111111111111', cvv: '123' } },
  'not json at all',
];

function fakePorts() {
  const puts: Array<{ bucket: string; key: string; body: string; metadata: Record<string, string> }> = [];
  const declarations: DeclarationBody[] = [];
  const order: string[] = [];
  const ports: TransferPorts = {
    readBytes: async () => ({ bytes: Buffer.from(RECORDS.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n'), versionId: 'v1' }),
    put: async (target) => {
      order.push(`put:${target.key.split('/')[0]}`);
      puts.push(target);
    },
    declare: async (body) => {
      order.push('declare');
      declarations.push(body);
      return { seq: 7, hash: 'a'.repeat(64) };
    },
    countSubjects: async ({ tokens }) => tokens.length,
  };
  return { ports, puts, declarations, order };
}

const SETTINGS = { outboundBucket: 'outbound', outboundPrefix: 'outbound/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: '111122223333/cn-north-1' };
const REF = { bucket: 'raw-c2', key: 'raw/source=pos/date=2026-06-01/batch-1.jsonl' };

describe('transferObject', () => {
  test('declares before the output reaches the outbound prefix, and records quarantine by reference', async () => {
    const { ports, puts, declarations, order } = fakePorts();
    const [outcome] = await transferObject(REF, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);

    expect(order).toEqual(['put:quarantine', 'declare', 'put:outbound']);
    expect(outcome).toMatchObject({ status: 'transferred', read: 3, written: 1, quarantined: 2, declarationSeq: 7 });

    const output = puts.find((p) => p.key.startsWith('outbound/'))!;
    expect(output.key).toBe('outbound/ap-southeast-1/sg-settlement/v3/source=pos/date=2026-06-01/batch-1.jsonl');
    expect(output.metadata).toMatchObject({ 'declaration-seq': '7', 'declaration-hash': 'a'.repeat(64) });
    expect(declarations[0].output.sha256).toBe(createHash('sha256').update(output.body).digest('hex'));
    expect(declarations[0]).toMatchObject({
      rule: { id: 'sg-settlement', version: 3, legalBasis: 'cac_contract_necessity' },
      source: { bucket: 'raw-c2', key: REF.key, versionId: 'v1' },
      counts: { in: 3, out: 1, quarantined: 2 },
    });
    expect(declarations[0].categories).toMatchObject({ cn_resident_id: expect.any(Number), cn_mobile: expect.any(Number), bank_card: expect.any(Number) });

    // Nothing raw in the output; the payer's name was not whitelisted.
    expect(output.body).not.toMatch(/11010519491231002X|13800138000|13912345678|6222021234567890123|张三/);
    const quarantine = JSON.parse(puts.find((p) => p.key.startsWith('quarantine/'))!.body);
    expect(quarantine.entries.map((e: { reason: string }) => e.reason).sort()).toEqual(['sensitive_auth_data', 'unparseable']);
    // The quarantine record names the line and reason only: the CVV is never copied.
    expect(JSON.stringify(quarantine)).not.toContain('"123"');
  });

  test('an expired rule transfers nothing and reads nothing', async () => {
    const { ports, puts, declarations } = fakePorts();
    const readBytes = jest.spyOn(ports, 'readBytes');
    const expired = compileTransferRule(rule(), KEY);
    const outcomes = await transferObject(REF, [expired], SETTINGS, ports, new Date('2028-01-01T00:00:00Z'));
    expect(outcomes).toEqual([{ rule: 'sg-settlement@3', status: 'rule_inactive' }]);
    expect(readBytes).not.toHaveBeenCalled();
    expect(puts).toHaveLength(0);
    expect(declarations).toHaveLength(0);
  });

  test('refuses an object outside the raw prefix', async () => {
    const { ports } = fakePorts();
    await expect(transferObject({ bucket: 'raw-c2', key: 'quarantine/x.json' }, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW)).rejects.toThrow(
      /not under the raw prefix raw\//,
    );
  });

  test('counts distinct subjects only for purposes that count towards the CAC thresholds', async () => {
    const exempt = fakePorts();
    const countExempt = jest.spyOn(exempt.ports, 'countSubjects');
    await transferObject(REF, [compileTransferRule(rule(), KEY)], SETTINGS, exempt.ports, NOW);
    expect(countExempt).not.toHaveBeenCalled();

    const counted = fakePorts();
    const countCounted = jest.spyOn(counted.ports, 'countSubjects');
    const marketing = rule({ purpose: 'marketing_analytics', legalBasis: 'cac_standard_contract' });
    const [outcome] = await transferObject(REF, [compileTransferRule(marketing, KEY)], SETTINGS, counted.ports, NOW);
    expect(countCounted).toHaveBeenCalledWith(expect.objectContaining({ year: 2026, kind: 'sensitive', exporter: SETTINGS.exporter }));
    const tokens = countCounted.mock.calls[0][0].tokens;
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).not.toContain('13800138000');
    expect(outcome).toMatchObject({ distinctSubjects: 1 });
  });

  test('a batch with nothing left to send declares nothing', async () => {
    const { ports, declarations } = fakePorts();
    ports.readBytes = async () => ({ bytes: Buffer.from('garbage\n{"card":{"cvv":"999"}}\n') });
    const [outcome] = await transferObject(REF, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);
    expect(outcome).toMatchObject({ status: 'nothing_to_send', written: 0, quarantined: 2 });
    expect(declarations).toHaveLength(0);
  });
});
