/**
 * The audit of what a verified chain says: that it counts transfers truthfully. The chain check
 * (`verifyChain`) shows nothing was altered, removed or reordered; this shows that
 *   - each transfer (object version × rule version) is declared once, and each output once;
 *   - every declared output is present where delivery reads it, with the declared size and SHA-256,
 *     and nothing undeclared is (given a listing of the outbound prefix);
 *   - receipts answer the output their declaration names; each delivery reaches one final state,
 *     which nothing later overrides; its last state is final; a notice names that final state.
 * It reports every violation, in seq order, with the identity it concerns. Pure.
 */
import { claimIdentityOf, declarationIdentity, deliveryIdentity, isFinalStatus } from './identity';
import type { DeclarationEntry, LedgerEntry, NoticeEntry, ReceiptEntry } from './schema';

export interface Violation {
  /** The entry at fault; absent for an object of the listing that no entry declares. */
  readonly seq?: number;
  /** The transfer (declaration identity), delivery, or object key concerned. */
  readonly identity: string;
  readonly problem: string;
}

/** An object found under the outbound prefix (from an S3 inventory, a listing or a local copy). */
export interface StoredObject {
  readonly key: string;
  /** Size in bytes, when the listing has it. */
  readonly bytes?: number;
  /** Lowercase hex SHA-256 of the content, when the listing can tell (a local copy can). */
  readonly sha256?: string;
}

export interface OutputListing {
  /** Everything under this key prefix is listed: a declared key missing from it is missing. */
  readonly prefix: string;
  readonly objects: readonly StoredObject[];
}

export interface AuditOptions {
  /** The objects under the outbound prefix, to check every declared output is present and nothing else is. */
  readonly outputs?: OutputListing;
  /**
   * Every delivery has had time to conclude: a declaration without a final receipt is a violation
   * (otherwise it is pending, which a live ledger always has some of).
   * @default false
   */
  readonly settled?: boolean;
}

interface Delivery {
  readonly identity: string;
  final?: ReceiptEntry;
  last?: ReceiptEntry;
}

function declarationViolations(declarations: readonly DeclarationEntry[]): Violation[] {
  const violations: Violation[] = [];
  const byIdentity = new Map<string, DeclarationEntry>();
  const byOutput = new Map<string, DeclarationEntry>();
  for (const declaration of declarations) {
    const identity = declarationIdentity(declaration.source, declaration.rule);
    if (declaration.idempotencyKey !== identity) {
      violations.push({
        seq: declaration.seq,
        identity,
        problem: `idempotencyKey "${declaration.idempotencyKey}" is not the identity of its source and rule`,
      });
    }
    const first = byIdentity.get(identity);
    if (first === undefined) byIdentity.set(identity, declaration);
    else violations.push({ seq: declaration.seq, identity, problem: `second declaration of this transfer (first: seq ${first.seq})` });
    const output = `${declaration.output.bucket}/${declaration.output.key}`;
    const sameOutput = byOutput.get(output);
    if (sameOutput === undefined) byOutput.set(output, declaration);
    else {
      violations.push({ seq: declaration.seq, identity, problem: `declares output ${output}, already declared by seq ${sameOutput.seq}` });
    }
  }
  return violations;
}

function outputViolations(declarations: readonly DeclarationEntry[], listing: OutputListing): Violation[] {
  const violations: Violation[] = [];
  const stored = new Map(listing.objects.map((object) => [object.key, object]));
  const declared = new Set<string>();
  for (const declaration of declarations) {
    const identity = declaration.idempotencyKey;
    const { key, bytes, sha256 } = declaration.output;
    declared.add(key);
    if (!key.startsWith(listing.prefix)) {
      violations.push({ seq: declaration.seq, identity, problem: `declared output ${key} is outside the listed prefix ${listing.prefix}` });
      continue;
    }
    const object = stored.get(key);
    if (object === undefined) {
      violations.push({ seq: declaration.seq, identity, problem: `declared output ${key} is missing` });
      continue;
    }
    if (object.bytes !== undefined && object.bytes !== bytes) {
      violations.push({ seq: declaration.seq, identity, problem: `output ${key} has ${object.bytes} bytes, the declaration says ${bytes}` });
    }
    if (object.sha256 !== undefined && object.sha256 !== sha256) {
      violations.push({ seq: declaration.seq, identity, problem: `output ${key} has SHA-256 ${object.sha256}, the declaration says ${sha256}` });
    }
  }
  for (const object of listing.objects) {
    if (object.key.startsWith(listing.prefix) && !declared.has(object.key)) {
      violations.push({ identity: object.key, problem: `undeclared output: no declaration names ${object.key}` });
    }
  }
  return violations;
}

function receiptViolations(receipt: ReceiptEntry, declaration: DeclarationEntry | undefined, delivery: Delivery): Violation[] {
  const violations: Violation[] = [];
  const identity = delivery.identity;
  if (declaration !== undefined && receipt.destination.key !== declaration.output.key) {
    violations.push({
      seq: receipt.seq,
      identity,
      problem: `receipt for an undeclared output: it names ${receipt.destination.key}, declaration seq ${declaration.seq} declares ${declaration.output.key}`,
    });
  }
  if (delivery.final !== undefined) {
    violations.push({
      seq: receipt.seq,
      identity,
      problem: `final state overridden: ${receipt.status} after the final ${delivery.final.status} of seq ${delivery.final.seq}`,
    });
    return violations;
  }
  if (isFinalStatus(receipt.status)) delivery.final = receipt;
  delivery.last = receipt;
  return violations;
}

function noticeViolations(notice: NoticeEntry, delivery: Delivery): Violation[] {
  const identity = delivery.identity;
  if (delivery.final === undefined || delivery.final.seq !== notice.receiptSeq) {
    const final = delivery.final === undefined ? 'the delivery has no final state yet' : `the final state is seq ${delivery.final.seq}`;
    return [{ seq: notice.seq, identity, problem: `notice names receipt seq ${notice.receiptSeq} as the final state, but ${final}` }];
  }
  const expected = notice.reported === delivery.final.status ? 'duplicate' : 'late';
  if (notice.disposition !== expected) {
    return [
      {
        seq: notice.seq,
        identity,
        problem: `notice reports ${notice.reported} against the final ${delivery.final.status} but calls itself ${notice.disposition} (expected ${expected})`,
      },
    ];
  }
  return [];
}

/** Appends written once per identity: a second entry under one claim identity is a double count. */
function claimViolations(entries: readonly LedgerEntry[]): Violation[] {
  const violations: Violation[] = [];
  const first = new Map<string, number>();
  for (const entry of entries) {
    // Declarations and final receipts are covered with clearer messages by the checks above.
    if (entry.kind === 'declaration' || (entry.kind === 'receipt' && isFinalStatus(entry.status))) continue;
    if (entry.kind === 'receipt' && entry.notification === undefined) continue;
    const identity = claimIdentityOf(entry);
    const earlier = first.get(identity);
    if (earlier === undefined) first.set(identity, entry.seq);
    else violations.push({ seq: entry.seq, identity, problem: `recorded twice: the same notification was already recorded at seq ${earlier}` });
  }
  return violations;
}

/** Every violation of a verified chain's entries (in seq order); empty when the ledger tells the truth. */
export function auditLedger(entries: readonly LedgerEntry[], options: AuditOptions = {}): Violation[] {
  const declarations = entries.filter((entry): entry is DeclarationEntry => entry.kind === 'declaration');
  const bySeq = new Map(declarations.map((declaration) => [declaration.seq, declaration]));
  const deliveries = new Map<string, Delivery>();
  const deliveryOf = (entry: ReceiptEntry | NoticeEntry): Delivery => {
    const identity = deliveryIdentity(entry);
    let delivery = deliveries.get(identity);
    if (delivery === undefined) {
      delivery = { identity };
      deliveries.set(identity, delivery);
    }
    return delivery;
  };
  const violations = [...declarationViolations(declarations), ...claimViolations(entries)];
  if (options.outputs !== undefined) violations.push(...outputViolations(declarations, options.outputs));
  for (const entry of entries) {
    if (entry.kind === 'receipt') violations.push(...receiptViolations(entry, bySeq.get(entry.declarationSeq), deliveryOf(entry)));
    if (entry.kind === 'notice') violations.push(...noticeViolations(entry, deliveryOf(entry)));
  }
  const answered = new Set<number>();
  for (const delivery of deliveries.values()) {
    const receipt = delivery.final ?? delivery.last;
    if (receipt !== undefined) answered.add(receipt.declarationSeq);
    if (delivery.final === undefined && delivery.last !== undefined) {
      violations.push({
        seq: delivery.last.seq,
        identity: delivery.identity,
        problem: `last state is ${delivery.last.status}, not final (delivered or failed): the delivery never concluded`,
      });
    }
  }
  if (options.settled === true) {
    for (const declaration of declarations) {
      if (!answered.has(declaration.seq)) {
        violations.push({ seq: declaration.seq, identity: declaration.idempotencyKey, problem: 'no receipt: the declared output was never delivered nor given up' });
      }
    }
  }
  return violations.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
}
