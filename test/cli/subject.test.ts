import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run as desensitize, TOKEN_KEY_ENV } from '../../lib/cli/desensitize';
import { run } from '../../lib/cli/subject';
import { canonicalJson } from '../../lambda/core/ledger/canonical';
import { fileNameFor } from '../../lambda/core/ledger';
import { tokenize, tokenKeyFromBytes, tokenKeyFromHex } from '../../lambda/core/tokens';
import { TOKEN_KEY_LABEL } from '../../lambda/gateway/token-key';
import { chainOf, declarationBody } from '../support/ledger-fixtures';
import { captureIo, TempDir, TEST_KEY_HEX } from './support';

const KEY = tokenKeyFromHex(TEST_KEY_HEX);
const RULE = join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json');
const kms = mockClient(KMSClient);
let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
  process.env[TOKEN_KEY_ENV] = TEST_KEY_HEX;
  kms.reset();
});
afterEach(() => {
  dir.remove();
  delete process.env[TOKEN_KEY_ENV];
});

async function subject(...args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function write(path: string, text: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const MOBILE = '13800138000';
const RAW = [
  { txn: { tradeNo: '2026060122001400000000000001' }, payer: { mobile: '+86 138 0013 8000' }, card: { pan: '4111111111111111' } },
  { txn: { tradeNo: '2026060122001400000000000002' }, payer: { mobile: '13912345678' }, memo: `refund to ${MOBILE}` },
  { txn: { tradeNo: '2026060122001400000000000003' }, payer: { mobile: '13700000001' } },
];

describe('residency subject token', () => {
  test('prints exactly the token the gate writes for that subject, and never the value', async () => {
    const input = dir.file('in.jsonl', `${JSON.stringify(RAW[0])}\n`);
    const io = captureIo();
    await desensitize(['--rule', RULE, '--in', input, '--out', dir.file('out.jsonl'), '--quarantine', dir.file('q.jsonl')], io);
    const gateToken = JSON.parse(readFileSync(dir.file('out.jsonl'), 'utf8')).payer.mobile;

    const result = await subject('token', '--category', 'cn_mobile', '--value', '138-0013-8000');
    expect(result.out).toBe(`${gateToken}\n`);
    expect(result.out + result.err).not.toMatch(/138.?0013.?8000/);
  });

  test('with --key-id: one KMS GenerateMac over the gateway\'s label, the same key the gateway derives', async () => {
    const mac = Buffer.alloc(32, 7);
    mac[0] = 1;
    kms.on(GenerateMacCommand).resolves({ Mac: mac });
    delete process.env[TOKEN_KEY_ENV];
    const result = await subject('token', '--category', 'cn_mobile', '--value', MOBILE, '--key-id', 'alias/paydata/token-hmac');
    expect(result.out).toBe(`${tokenize(tokenKeyFromBytes(mac), 'cn_mobile', MOBILE)}\n`);
    const input = kms.commandCalls(GenerateMacCommand)[0].args[0].input;
    expect(input).toMatchObject({ KeyId: 'alias/paydata/token-hmac', MacAlgorithm: 'HMAC_SHA_256' });
    expect(Buffer.from(input.Message as Uint8Array).toString()).toBe(TOKEN_KEY_LABEL);
  });

  test('a value the detectors would not read as the category is refused (the gate never makes that token), without echoing it', async () => {
    await expect(subject('token', '--category', 'cn_mobile', '--value', '4111111111111111')).rejects.toThrow(/read it as bank_card/);
    await expect(subject('token', '--category', 'cn_mobile', '--value', '4111111111111111')).rejects.not.toThrow(/4111/);
    await expect(subject('token', '--category', 'passport', '--value', 'x')).rejects.toThrow(/--category "passport"/);
    expect((await subject('token', '--category', 'text', '--value', 'C-000123')).out).toBe(`${tokenize(KEY, 'text', 'C-000123')}\n`);
  });
});

describe('residency subject find / erase / suppress', () => {
  const token = tokenize(KEY, 'cn_mobile', MOBILE);

  function copies() {
    const store = join(dir.path, 'c2');
    write(join(store, 'raw/source=pos/date=2026-06-01/a.jsonl'), RAW.map((r) => JSON.stringify(r)).join('\n') + '\n');
    write(join(store, 'raw/source=pos/date=2026-06-02/b.jsonl'), `${JSON.stringify(RAW[0])}\n`);
    write(join(store, 'raw/source=pos/date=2026-06-03/c.jsonl'), `${JSON.stringify(RAW[2])}\n`);
    // S3 Inventory (CSV, all versions): two versions of a.jsonl, one of b.jsonl; keys URL-encoded.
    const rows = [
      ['paydata-c2', 'raw/source%3Dpos/date%3D2026-06-01/a.jsonl', 'v2', 'true', 'false'],
      ['paydata-c2', 'raw/source%3Dpos/date%3D2026-06-01/a.jsonl', 'v1', 'false', 'false'],
      ['paydata-c2', 'raw/source%3Dpos/date%3D2026-06-02/b.jsonl', 'v3', 'true', 'false'],
    ];
    const inventory = join(dir.path, 'inventory', 'paydata-c2', 'daily');
    write(join(inventory, 'data', 'part-0.csv.gz'), gzipSync(rows.map((r) => r.map((f) => `"${f}"`).join(',')).join('\n') + '\n'));
    const manifest = write(
      join(inventory, '2026-06-04T01-00Z', 'manifest.json'),
      JSON.stringify({ sourceBucket: 'paydata-c2', fileFormat: 'CSV', fileSchema: 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker', files: [{ key: 'paydata-c2/daily/data/part-0.csv.gz' }] }),
    );
    const ledger = join(dir.path, 'ledger');
    const entries = chainOf([
      declarationBody(1, { source: { bucket: 'paydata-c2', key: 'raw/source=pos/date=2026-06-01/a.jsonl' } }),
      declarationBody(2, { source: { bucket: 'paydata-c2', key: 'raw/source=pos/date=2026-06-03/c.jsonl' }, destination: { region: 'us-east-1', country: 'US', recipient: 'US Co' } }),
    ]);
    for (const entry of entries) write(join(ledger, fileNameFor(entry)), canonicalJson(entry));
    return { store: `paydata-c2=${store}`, storeDir: store, inventory: `paydata-c2=${manifest}`, ledger };
  }

  test('find: the objects and lines in the home store, every version from the inventory, and the recipients from the ledger', async () => {
    const c = copies();
    const found = JSON.parse((await subject('find', '--token', token, '--store', c.store, '--inventory', c.inventory, '--ledger', c.ledger)).out);
    expect(found.home.map((o: { key: string; records: number; lines: number[]; versions: unknown[] }) => [o.key, o.records, o.lines, o.versions.length])).toEqual([
      ['raw/source=pos/date=2026-06-01/a.jsonl', 2, [1, 2], 2],
      ['raw/source=pos/date=2026-06-02/b.jsonl', 1, [1], 1],
    ]);
    expect(found.ledger.recipients).toEqual([{ region: 'ap-southeast-1', country: 'SG', recipient: 'Lion City Acquiring Pte. Ltd.' }]);
    expect(JSON.stringify(found)).not.toContain(MOBILE);
  });

  test('erase: a plan with every version, then executed against the local copy; other people\'s records stay', async () => {
    const c = copies();
    const planPath = dir.file('plan.json');
    const planned = JSON.parse((await subject('erase', '--token', token, '--store', c.store, '--inventory', c.inventory, '--plan-out', planPath)).out);
    expect(planned).toMatchObject({ objects: 2, records: 3, versions: 3 });
    const plan = JSON.parse(readFileSync(planPath, 'utf8'));
    expect(plan.objects.map((o: { action: string }) => o.action)).toEqual(['rewrite', 'delete']);

    const recordPath = dir.file('erasure.json');
    const executed = JSON.parse((await subject('erase', '--plan', planPath, '--execute', '--store', c.store, '--record-out', recordPath)).out);
    expect(executed.stores).toEqual([{ bucket: 'paydata-c2', objectsRewritten: 1, objectsDeleted: 1, versionsDeleted: 2, recordsRemoved: 3 }]);
    expect(readFileSync(join(c.storeDir, 'raw/source=pos/date=2026-06-01/a.jsonl'), 'utf8')).toBe(`${JSON.stringify(RAW[2])}\n`);
    expect(existsSync(join(c.storeDir, 'raw/source=pos/date=2026-06-02/b.jsonl'))).toBe(false);
    expect(JSON.parse(readFileSync(recordPath, 'utf8'))).toMatchObject({ kind: 'erasure', token, planSha256: planned.planSha256 });
    const again = JSON.parse((await subject('find', '--token', token, '--store', c.store)).out);
    expect(again.home).toEqual([]);
  });

  test('suppress: adds the token with the recipients that received the subject\'s data; remove is an opt back in', async () => {
    const c = copies();
    const list = dir.file('list.json');
    const added = JSON.parse((await subject('suppress', '--list', list, '--add', token, '--reason', 'opt-out-sale-sharing', '--since', '2026-06-05', '--ledger', c.ledger, '--store', c.store)).out);
    expect(added).toEqual({ version: 1, change: 'added', reason: 'opt-out-sale-sharing', recipients: 1 });
    expect(JSON.parse(readFileSync(list, 'utf8')).entries[0]).toMatchObject({ token, since: '2026-06-05', recipients: [{ recipient: 'Lion City Acquiring Pte. Ltd.' }] });
    const other = tokenize(KEY, 'cn_mobile', '13912345678');
    const conservative = JSON.parse((await subject('suppress', '--list', list, '--add', other, '--reason', 'objection', '--ledger', c.ledger)).out);
    expect(conservative.recipients).toBe(2);
    expect(JSON.parse((await subject('suppress', '--list', list, '--remove', token)).out)).toEqual({ version: 3, change: 'removed' });
    await expect(subject('suppress', '--list', list, '--add', 'nope', '--reason', 'erasure')).rejects.toThrow(/is not a token/);
  });
});
