import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { compileTransferRule } from '../../../lambda/core/desensitize';
import { tokenKeyFromBytes, tokenize } from '../../../lambda/core/tokens';
import { loadTransferRule } from '../../../lambda/core/transfer-rule';
import { transferObject, type TransferDeclaration, type TransferPorts, type TransferSettings } from '../../../lambda/gateway/transfer-object';
import { memorySink, sourceStream } from './support/memory-sink';

const NOW = new Date('2026-06-01T12:00:00Z');
const KEY = tokenKeyFromBytes(randomBytes(32));

function rule(id: string, fields: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return loadTransferRule(
    {
      id,
      version: 1,
      destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'Example Settlement Pte. Ltd.' },
      purpose: 'payment_settlement',
      legalBasis: 'cac_contract_necessity',
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
      fields,
      otherFields: 'drop',
      ...overrides,
    },
    `${id} rule`,
    NOW,
  );
}

/** Two rules, so the threads carry every rule's pass; the second counts subjects (a token field, a purpose that counts). */
const PLANS = [
  compileTransferRule(rule('settlement', { 'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' } }, 'payer.idNumber': 'last4', 'card.pan': 'mask_pan', memo: 'redact' }), KEY),
  compileTransferRule(rule('kyc', { 'payer.mobile': 'token', 'payer.idNumber': 'redact', amount: { keep: 'integer' } }, { purpose: 'marketing_analytics', legalBasis: 'cac_standard_contract' }), KEY),
];

const tradeNo = (i: number) => String(2026060122001234567890000000n + BigInt(i));
const mobile = (i: number) => `138${String(i % 97).padStart(8, '0')}`;

/** Records of every kind the gateway meets: written, quarantined (a card security code, not JSON, invalid UTF-8, blank), suppressed. */
function objectOf(count: number, seed: number): Buffer {
  const lines: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const kind = (i * 7 + seed) % 23;
    if (kind === 3) lines.push(Buffer.from('not json at all'));
    else if (kind === 5) lines.push(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    else if (kind === 8) lines.push(Buffer.from(''));
    else {
      const record: Record<string, unknown> = { txn: { tradeNo: tradeNo(i) }, payer: { idNumber: '11010519491231002X', mobile: mobile(i), name: '张三' }, amount: i, memo: `call ${mobile(i + 1)}` };
      if (kind === 11) record.card = { pan: '6222021234567890123', cvv: '123' };
      else if (kind % 2 === 0) record.card = { pan: '4111111111111111' };
      lines.push(Buffer.from(JSON.stringify(record)));
    }
  }
  return Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
}

/** Everything a transfer leaves behind, in the order it was asked for. */
async function transferred(object: Buffer, settings: Partial<TransferSettings>) {
  const written: Record<string, string> = {};
  const declarations: TransferDeclaration[] = [];
  const counted: string[][] = [];
  const ports: TransferPorts = {
    readObject: async () => sourceStream(object, 1000),
    openQuarantine: ({ key }) => memorySink(key, (body) => (written[key] = body)),
    openStaged: (key) => memorySink(key, (body) => (written[key] = body), 'staged-1'),
    declare: async (body) => {
      declarations.push(body);
      return { entry: { ...body, kind: 'declaration', declaredAt: NOW.toISOString(), seq: declarations.length, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) }, resumed: false };
    },
    releaseOutput: async () => undefined,
    countSubjects: async ({ tokens }) => {
      counted.push([...tokens].sort());
      return tokens.length;
    },
    suppressionTokens: async () => [tokenize(KEY, 'cn_mobile', mobile(13))],
    refuseObject: async () => undefined,
  };
  const base = { outboundBucket: 'outbound', outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: 'e' };
  const outcomes = await transferObject({ bucket: 'raw', key: 'raw/a/b.jsonl', versionId: 'v1' }, PLANS, { ...base, ...settings }, ports, NOW);
  return { outcomes, written, declarations: JSON.stringify(declarations), counted };
}

describe('the gateway across worker threads', () => {
  const object = objectOf(900, 0);
  let inThread: Awaited<ReturnType<typeof transferred>>;
  beforeAll(async () => {
    inThread = await transferred(object, { threads: 1 });
  });

  test('the in-thread transfer is a real one: written, quarantined (with line numbers), suppressed and counted records', () => {
    const [settlement, kyc] = inThread.outcomes;
    // Blank lines are not records.
    const records = 900 - Array.from({ length: 900 }, (_, i) => i).filter((i) => (i * 7) % 23 === 8).length;
    expect(settlement).toMatchObject({ status: 'transferred', read: records });
    expect(kyc).toMatchObject({ status: 'transferred', read: records });
    expect((settlement as { suppressed: number }).suppressed).toBeGreaterThan(0);
    expect((settlement as { quarantined: number }).quarantined).toBeGreaterThan(0);
    expect(inThread.counted.flat().length).toBeGreaterThan(0);
    const quarantine = JSON.parse(inThread.written['quarantine/settlement/v1/a/version=v1/b.jsonl.json'] as string) as { entries: { line: number; reason: string }[] };
    expect(new Set(quarantine.entries.map((e) => e.reason))).toEqual(new Set(['sensitive_auth_data', 'unparseable', 'invalid_utf8']));
    expect(JSON.parse(inThread.declarations)[0].categories).toMatchObject({ cn_resident_id: expect.any(Number), cn_mobile: expect.any(Number) });
  });

  test.each([
    [1, 512],
    [2, 512],
    [3, 512],
    [2, 4096],
    [3, 64],
    [2, 1 << 20],
  ])('%i threads, batches of %i bytes: the same outputs, quarantine records, declarations and subject counts as one thread', async (threads, batchBytes) => {
    const threaded = await transferred(object, { threads, batchBytes });
    expect(threaded.outcomes).toEqual(inThread.outcomes);
    expect(threaded.written).toEqual(inThread.written);
    expect(threaded.declarations).toBe(inThread.declarations);
    expect(threaded.counted.flat().sort()).toEqual(inThread.counted.flat().sort());
  });

  test('any object, any batch size: two threads give what one gives, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 22 }), fc.integer({ min: 16, max: 3000 }), async (count, seed, batchBytes) => {
        const records = objectOf(count, seed);
        const one = await transferred(records, { threads: 1, batchBytes });
        const two = await transferred(records, { threads: 2, batchBytes });
        expect(two.written).toEqual(one.written);
        expect(two.declarations).toBe(one.declarations);
        expect(two.outcomes).toEqual(one.outcomes);
      }),
      { numRuns: 8 },
    );
  });
});

describe('a worker that fails fails the transfer (fail closed)', () => {
  test.each(['exiting-worker.ts', 'throwing-worker.ts'])('%s: no declaration, no completed output, every upload aborted', async (entry) => {
    const aborted: string[] = [];
    const completed: string[] = [];
    const declarations: TransferDeclaration[] = [];
    const sink = (key: string) => {
      const inner = memorySink(key, () => completed.push(key));
      return { ...inner, abort: async () => { aborted.push(key); await inner.abort(); } };
    };
    const ports: TransferPorts = {
      readObject: async () => sourceStream(objectOf(2000, 1), 4096),
      openQuarantine: ({ key }) => sink(key),
      openStaged: (key) => sink(key),
      declare: async (body) => {
        declarations.push(body);
        throw new Error('a failed transfer must not declare');
      },
      releaseOutput: async () => undefined,
      countSubjects: async ({ tokens }) => tokens.length,
      refuseObject: async () => undefined,
    };
    const settings = { outboundBucket: 'o', outboundPrefix: 'outbound/', stagingPrefix: 'staging/', rawPrefix: 'raw/', quarantinePrefix: 'quarantine/', exporter: 'e' };
    await expect(
      transferObject({ bucket: 'raw', key: 'raw/a.jsonl', versionId: 'v1' }, PLANS, { ...settings, threads: 2, batchBytes: 2048, workerEntry: join(__dirname, 'support', entry) }, ports, NOW),
    ).rejects.toThrow(entry === 'exiting-worker.ts' ? /worker exited with code 3/ : /injected failure in a gateway worker/);
    expect(declarations).toEqual([]);
    expect(completed).toEqual([]);
    expect(aborted.length).toBeGreaterThan(0);
  });
});
