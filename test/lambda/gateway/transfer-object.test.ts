import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { compileTransferRule } from '../../../lambda/core/desensitize';
import { declarationIdentity, type DeclarationEntry } from '../../../lambda/core/ledger';
import { tokenKeyFromBytes } from '../../../lambda/core/tokens';
import { loadTransferRule } from '../../../lambda/core/transfer-rule';
import {
  DeclarationConflictError,
  keyReference,
  type StagedOutput,
  type TransferDeclaration,
  type TransferPorts,
  transferObject,
  versionedPath,
} from '../../../lambda/gateway/transfer-object';
import { memorySink, sourceStream } from './support/memory-sink';

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
const TEXT = `${RECORDS.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Ports that record what the transfer asks for, in order; `recorded` plays the ledger's earlier declaration. */
function fakePorts(recorded?: (body: TransferDeclaration) => DeclarationEntry) {
  const order: string[] = [];
  const quarantines: Array<{ bucket: string; key: string; body: string }> = [];
  const staged: Array<{ key: string; body: string }> = [];
  const declarations: TransferDeclaration[] = [];
  const releases: Array<{ staged: StagedOutput; key: string; metadata: Record<string, string> }> = [];
  const refusals: Array<{ bucket: string; key: string; body: string }> = [];
  const ports: TransferPorts = {
    readObject: async () => sourceStream(TEXT),
    openQuarantine: ({ bucket, key }) =>
      memorySink(key, (body) => {
        order.push('quarantine');
        quarantines.push({ bucket, key, body });
      }),
    openStaged: (key) =>
      memorySink(
        key,
        (body) => {
          order.push('stage');
          staged.push({ key, body });
        },
        'staged-1',
      ),
    declare: async (body) => {
      order.push('declare');
      declarations.push(body);
      const entry = recorded?.(body) ?? { ...body, kind: 'declaration' as const, declaredAt: '2026-06-01T12:00:00.000Z', seq: 7, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
      return { entry, resumed: recorded !== undefined };
    },
    releaseOutput: async (release) => {
      order.push('release');
      releases.push(release);
    },
    countSubjects: async ({ tokens }) => {
      order.push('count');
      return tokens.length;
    },
    refuseObject: async (target) => {
      order.push('refuse');
      refusals.push(target);
    },
  };
  return { ports, order, quarantines, staged, declarations, releases, refusals };
}

const SETTINGS = { outboundBucket: 'outbound', outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: '111122223333/cn-north-1' };
const SOURCE = { bucket: 'raw-c2', key: 'raw/source=pos/date=2026-06-01/batch-1.jsonl', versionId: 'v1' };

describe('transferObject', () => {
  test('stages the output, declares it with its hash, then releases it: nothing reaches outbound/ undeclared', async () => {
    const { ports, order, staged, declarations, releases } = fakePorts();
    const [outcome] = await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);

    expect(order).toEqual(['quarantine', 'stage', 'declare', 'release']);
    expect(outcome).toMatchObject({ status: 'transferred', read: 3, written: 1, quarantined: 2, declarationSeq: 7, resumed: false });
    expect(staged[0]?.key).toBe('staging/ap-southeast-1/sg-settlement/v3/source=pos/date=2026-06-01/version=v1/batch-1.jsonl');
    expect(releases[0]).toMatchObject({
      key: 'outbound/ap-southeast-1/sg-settlement/v3/source=pos/date=2026-06-01/version=v1/batch-1.jsonl',
      staged: { key: staged[0]?.key, versionId: 'staged-1' },
      metadata: { rule: 'sg-settlement@3', 'declaration-seq': '7', 'declaration-hash': 'a'.repeat(64), sha256: sha256(staged[0]!.body) },
    });
    expect(declarations[0]).toMatchObject({
      rule: { id: 'sg-settlement', version: '3', legalBasis: 'cac_contract_necessity' },
      source: SOURCE,
      output: { bucket: 'outbound', key: releases[0]?.key, sha256: sha256(staged[0]!.body), bytes: Buffer.byteLength(staged[0]!.body), records: 1 },
      counts: { in: 3, out: 1, quarantined: 2 },
      idempotencyKey: declarationIdentity(SOURCE, { id: 'sg-settlement', version: 3 }),
    });
    expect(declarations[0]?.categories).toMatchObject({ cn_resident_id: expect.any(Number), cn_mobile: expect.any(Number), bank_card: expect.any(Number) });
    // Nothing raw in the output; the payer's name was not whitelisted.
    expect(staged[0]?.body).not.toMatch(/11010519491231002X|13800138000|13912345678|6222021234567890123|张三/);
  });

  test('records quarantined lines by reference, under the object version, never copying a card security code', async () => {
    const { ports, quarantines } = fakePorts();
    await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);
    expect(quarantines[0]).toMatchObject({ bucket: 'raw-c2', key: 'quarantine/sg-settlement/v3/source=pos/date=2026-06-01/version=v1/batch-1.jsonl.json' });
    const record = JSON.parse(quarantines[0]!.body) as { entries: { reason: string }[] };
    expect(record.entries.map((e) => e.reason).sort()).toEqual(['sensitive_auth_data', 'unparseable']);
    expect(quarantines[0]?.body).not.toContain('"123"');
  });

  test('a retry that finds its declaration continues from it (the first declaredAt) and releases the same bytes', async () => {
    const first = { declaredAt: '2026-06-01T11:00:00.000Z', seq: 3, prevHash: '0'.repeat(64), hash: 'c'.repeat(64) };
    const { ports, releases } = fakePorts((body) => ({ ...body, kind: 'declaration', ...first }));
    const [outcome] = await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);
    expect(outcome).toMatchObject({ declarationSeq: 3, resumed: true });
    expect(releases[0]?.metadata).toMatchObject({ 'declaration-seq': '3', 'declaration-hash': 'c'.repeat(64) });
  });

  test('refuses to release when the recorded declaration of the transfer declares other bytes', async () => {
    const { ports, releases } = fakePorts((body) => ({
      ...body,
      output: { ...body.output, sha256: 'f'.repeat(64) },
      kind: 'declaration',
      declaredAt: '2026-06-01T11:00:00.000Z',
      seq: 3,
      prevHash: '0'.repeat(64),
      hash: 'c'.repeat(64),
    }));
    const transfer = transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);
    await expect(transfer).rejects.toThrow(DeclarationConflictError);
    await expect(transfer).rejects.toThrow(/is already declared \(seq 3\) with other output: refusing to release/);
    expect(releases).toHaveLength(0);
  });

  test('an expired rule transfers nothing and reads nothing', async () => {
    const { ports, order } = fakePorts();
    const readObject = jest.spyOn(ports, 'readObject');
    const outcomes = await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, new Date('2028-01-01T00:00:00Z'));
    expect(outcomes).toEqual([{ rule: 'sg-settlement@3', status: 'rule_inactive' }]);
    expect(readObject).not.toHaveBeenCalled();
    expect(order).toEqual([]);
  });

  test('refuses an object outside the raw prefix', async () => {
    const { ports } = fakePorts();
    await expect(transferObject({ ...SOURCE, key: 'quarantine/x.json' }, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW)).rejects.toThrow(
      /not under the raw prefix raw\//,
    );
  });

  test('counts distinct subjects only for purposes that count towards the CAC thresholds, before declaring', async () => {
    const exempt = fakePorts();
    await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, exempt.ports, NOW);
    expect(exempt.order).not.toContain('count');

    const counted = fakePorts();
    const countSubjects = jest.spyOn(counted.ports, 'countSubjects');
    const marketing = rule({ purpose: 'marketing_analytics', legalBasis: 'cac_standard_contract' });
    const [outcome] = await transferObject(SOURCE, [compileTransferRule(marketing, KEY)], SETTINGS, counted.ports, NOW);
    expect(counted.order).toEqual(['quarantine', 'stage', 'count', 'declare', 'release']);
    expect(countSubjects).toHaveBeenCalledWith(expect.objectContaining({ year: 2026, kind: 'sensitive', exporter: SETTINGS.exporter }));
    const tokens = countSubjects.mock.calls[0]![0].tokens;
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).not.toContain('13800138000');
    expect(outcome).toMatchObject({ distinctSubjects: 1 });
  });

  test('a batch with nothing left to send stages and declares nothing', async () => {
    const { ports, order } = fakePorts();
    ports.readObject = async () => sourceStream('garbage\n{"card":{"cvv":"999"}}\n');
    const [outcome] = await transferObject(SOURCE, [compileTransferRule(rule(), KEY)], SETTINGS, ports, NOW);
    expect(outcome).toMatchObject({ status: 'nothing_to_send', written: 0, quarantined: 2 });
    expect(order).toEqual(['quarantine']);
  });
});

describe('an object that cannot be processed', () => {
  const KEYED = { ...SOURCE, key: 'raw/source=kyc/13800138000-张三.csv' };

  test.each([
    ['a format the gateway does not read (by its key)', KEYED, TEXT, {}, 'unsupported_format'],
    ['a gzip stream under a JSON Lines key', SOURCE, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), {}, 'unsupported_format'],
    ['an object over the configured ceiling', SOURCE, TEXT, { maxObjectBytes: 10 }, 'too_large'],
  ])('%s is quarantined by reference (bucket, HMAC of the key, version, size, reason) and nothing is staged or declared', async (_what, source, body, extra, reason) => {
    const { ports, order, refusals } = fakePorts();
    ports.readObject = async () => sourceStream(body as string | Buffer);
    const outcomes = await transferObject(source, [compileTransferRule(rule(), KEY)], { ...SETTINGS, ...extra }, ports, NOW);
    expect(outcomes).toEqual([{ rule: 'sg-settlement@3', status: 'object_quarantined', reason, reference: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(order).toEqual(['refuse']);
    const record = JSON.parse(refusals[0]!.body) as Record<string, unknown>;
    expect(record).toEqual({
      source: { bucket: 'raw-c2', keyHmacSha256: outcomes[0] && 'reference' in outcomes[0] ? outcomes[0].reference : '', versionId: 'v1', size: Buffer.byteLength(body as string | Buffer) },
      reason,
      detail: expect.any(String),
      rules: ['sg-settlement@3'],
    });
    expect(refusals[0]!.key).toMatch(/^quarantine\/objects\/[0-9a-f]{64}\/v1\.json$/);
    // Nothing personal: neither the key nor anything in it appears, in the record or its key.
    for (const text of [refusals[0]!.body, refusals[0]!.key]) {
      expect(text).not.toMatch(/13800138000|张三|source=|batch-1/);
    }
  });

  test('the key reference is an HMAC under the deployment key: stable for one key, other for another key or deployment', async () => {
    const plan = compileTransferRule(rule(), KEY);
    expect(keyReference(plan, SOURCE.key)).toBe(keyReference(plan, SOURCE.key));
    expect(keyReference(plan, SOURCE.key)).not.toBe(keyReference(plan, `${SOURCE.key}x`));
    expect(keyReference(compileTransferRule(rule(), tokenKeyFromBytes(randomBytes(32))), SOURCE.key)).not.toBe(keyReference(plan, SOURCE.key));
    expect(keyReference(plan, SOURCE.key)).not.toBe(createHash('sha256').update(SOURCE.key).digest('hex'));
  });
});

describe('versionedPath', () => {
  test('puts the version as a folder before the file name, keeping the name and extension', () => {
    expect(versionedPath('source=pos/date=2026-06-01/batch-1.jsonl', '3HL4kqtJlcpXroDTDmJ.rr')).toBe('source=pos/date=2026-06-01/version=3HL4kqtJlcpXroDTDmJ.rr/batch-1.jsonl');
    expect(versionedPath('batch.jsonl', 'null')).toBe('version=null/batch.jsonl');
  });

  test('two (key, version) pairs never share an output path', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9=._ -]{1,12}$/);
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    const version = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(key, version, key, version, (k1, v1, k2, v2) => {
        fc.pre(k1 !== k2 || v1 !== v2);
        expect(versionedPath(k1, v1)).not.toBe(versionedPath(k2, v2));
      }),
    );
  });
});
