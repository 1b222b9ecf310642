import fc from 'fast-check';
import {
  canonicalJson,
  GENESIS_HASH,
  hashOf,
  LedgerEntryError,
  MAX_SEQ,
  nextEntry,
  objectKeyFor,
  sha256Hex,
  type DeclarationBody,
  type LedgerBody,
} from '../../../../lambda/core/ledger';
import { declarationBody, receiptBody } from '../../../support/ledger-fixtures';

describe('nextEntry', () => {
  test('starts the chain at seq 1, linked to the genesis hash', () => {
    const entry = nextEntry(undefined, declarationBody(1));
    expect(entry.seq).toBe(1);
    expect(entry.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  test('follows the head: next seq, linked to the head hash', () => {
    const head = { seq: 41, hash: 'c'.repeat(64) };
    const entry = nextEntry(head, declarationBody(2));
    expect(entry).toMatchObject({ seq: 42, prevHash: head.hash, kind: 'declaration' });
  });

  test('hashes the canonical JSON of the entry without its hash field', () => {
    const { hash, ...covered } = nextEntry(undefined, declarationBody(1));
    expect(hash).toBe(sha256Hex(canonicalJson(covered)));
  });

  // Frozen: changing the text or the digest would make every ledger already in S3 fail verification.
  // The digest is `printf '%s' TEXT | sha256sum`, computed outside this code.
  test('the entry text and hash format are frozen', () => {
    const entry = nextEntry(undefined, {
      kind: 'receipt',
      declarationSeq: 1,
      declarationHash: 'a'.repeat(64),
      method: 's3-replication',
      destination: { region: 'ap-southeast-1', bucket: 'dest-sg', key: 'outbound/sg/b1.jsonl' },
      status: 'delivered',
      attempts: 1,
      deliveredAt: '2026-03-31T09:00:00.000Z',
    });
    const { hash, ...covered } = entry;
    expect(canonicalJson(covered)).toBe(
      `{"attempts":1,"declarationHash":"${'a'.repeat(64)}","declarationSeq":1,"deliveredAt":"2026-03-31T09:00:00.000Z",` +
        `"destination":{"bucket":"dest-sg","key":"outbound/sg/b1.jsonl","region":"ap-southeast-1"},"kind":"receipt",` +
        `"method":"s3-replication","prevHash":"${'0'.repeat(64)}","seq":1,"status":"delivered"}`,
    );
    expect(hash).toBe('4cb5e682790a07f0710d599d3f8ffd831f583bd236660ba2762fc2cada7d80a0');
  });

  test('the hash covers seq and prevHash, so an entry cannot be renumbered or re-linked', () => {
    const entry = nextEntry(undefined, declarationBody(1));
    expect(hashOf({ ...entry, seq: 2 })).not.toBe(entry.hash);
    expect(hashOf({ ...entry, prevHash: 'f'.repeat(64) })).not.toBe(entry.hash);
  });

  test('keeps a receipt a receipt', () => {
    const declaration = nextEntry(undefined, declarationBody(1));
    const receipt = nextEntry({ seq: 1, hash: declaration.hash }, receiptBody(declaration));
    expect(receipt).toMatchObject({ kind: 'receipt', seq: 2, declarationSeq: 1, declarationHash: declaration.hash });
  });

  const declaration = nextEntry(undefined, declarationBody(1));
  test.each<[string, LedgerBody, string]>([
    ['a negative count', declarationBody(1, { counts: { in: 5, out: -1, quarantined: 0 } }), 'counts.out: must not be negative'],
    ['a region name instead of a code', declarationBody(1, { destination: { region: 'Singapore', country: 'SG', recipient: 'x' } }), 'destination.region: must be an AWS region code'],
    ['an output digest in base64', declarationBody(1, { output: { ...declarationBody(1).output, sha256: 'q83vEjRWeJA=' } }), 'output.sha256: must be a SHA-256 digest'],
    ['a local time', declarationBody(1, { declaredAt: '2026-03-31 08:00' }), 'declaredAt: must be an ISO 8601 UTC time'],
    ['an empty rule id', declarationBody(1, { rule: { ...declarationBody(1).rule, id: '' } }), 'rule.id: must not be empty'],
    ['an unknown field', { ...declarationBody(1), note: 'hi' } as DeclarationBody, 'unknown field(s) "note"'],
    ['a failed receipt that does not say why', receiptBody(declaration, { status: 'failed' }), 'error: a failed receipt must say why'],
    ['a delivered receipt with an error', receiptBody(declaration, { error: 'slow' }), 'error: a delivered receipt carries no error'],
    ['zero delivery attempts', receiptBody(declaration, { attempts: 0 }), 'attempts: must be at least 1'],
    ['a retrying receipt that does not say why', receiptBody(declaration, { status: 'retrying' }), 'error: a retrying receipt must say why'],
    ['a receipt status of no known kind', receiptBody(declaration, { status: 'lost' as never }), 'status: '],
  ])('refuses %s, naming the field', (_what, body, message) => {
    expect(() => nextEntry(undefined, body)).toThrow(LedgerEntryError);
    expect(() => nextEntry(undefined, body)).toThrow(message);
  });

  test('refuses a body of no known kind', () => {
    const body = { ...declarationBody(1), kind: 'memo' } as unknown as LedgerBody;
    expect(() => nextEntry(undefined, body)).toThrow(/^ledger entry refused: kind: /);
  });
});

describe('objectKeyFor', () => {
  test('zero-pads the seq under the ledger prefix', () => {
    expect(objectKeyFor({ seq: 42 })).toBe('ledger/000000000042.json');
    expect(objectKeyFor({ seq: MAX_SEQ })).toBe('ledger/999999999999.json');
  });

  test('lexical order of keys is seq order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_SEQ }), fc.integer({ min: 1, max: MAX_SEQ }), (a, b) => {
        const [keyA, keyB] = [objectKeyFor({ seq: a }), objectKeyFor({ seq: b })];
        expect(keyA < keyB).toBe(a < b);
      }),
    );
  });
});
