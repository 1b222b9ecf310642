/**
 * The claim items of the ledger store (see ledger-store.ts): one per identity, in the head table,
 * holding the entry planned for it. Created only if absent; its plan moves only from a seq another
 * entry took.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { claimIdentityOf, hashOf, parseEntry, sha256Hex, type LedgerBody, type LedgerEntry } from '../core/ledger';
import { LedgerIntegrityError } from './ledger-errors';

/**
 * The claim item of an identity, in the same table: `identity` (String), `entry` (String: the
 * canonical JSON of the planned entry, whose fields other than seq, prevHash and hash are the
 * claimed body), `seq` (Number: the planned seq), `claimedAt` (String, ISO time).
 */
export function claimKeyFor(identity: string): { pk: { S: string }; sk: { S: string } } {
  return { pk: { S: `claim#${sha256Hex(identity)}` }, sk: { S: 'claim' } };
}

/** An identity's claim: the body claimed first and the entry planned for it. */
export interface Claim {
  readonly identity: string;
  readonly body: LedgerBody;
  readonly plan: LedgerEntry;
}

/** The claim an item holds, checked: its identity, a valid planned entry of that identity, its hash. */
export function claimFrom(item: Record<string, AttributeValue>, identity: string, table: string): Claim {
  const where = `the claim of "${identity}" in ${table}`;
  if (item.identity?.S !== identity) throw new LedgerIntegrityError(`${where} names another identity (${item.identity?.S})`);
  let plan: LedgerEntry;
  try {
    const parsed = parseEntry(JSON.parse(item.entry?.S ?? ''));
    if (!parsed.ok) throw new Error(parsed.reason);
    plan = parsed.entry;
  } catch (err) {
    throw new LedgerIntegrityError(`${where} is malformed (${(err as Error).message})`);
  }
  const { seq: _seq, prevHash: _prevHash, hash: _hash, ...body } = plan;
  if (claimIdentityOf(body) !== identity || hashOf(plan) !== plan.hash || Number(item.seq?.N) !== plan.seq) {
    throw new LedgerIntegrityError(`${where} plans an entry of another identity, or one whose hash does not match`);
  }
  return { identity, body, plan };
}
