/**
 * What must hold after every scenario, checked from the stored state (the ledger's objects, the
 * outbound and landing buckets, the tables), independently of the code under test's own audit:
 *   - the ledger: every key written once; the chain verifies; the head item names its last entry;
 *   - one declaration per transfer (source version × rule version) and per output key, and as many
 *     declarations as transfers that produced output;
 *   - every released output is declared, once, with its bytes' SHA-256 and the declaration's
 *     metadata; nothing undeclared under outbound/; every declared output is released;
 *   - receipts: each delivery reaches one final state, first and last (nothing overrides it), and it
 *     is true: `delivered` exactly when the object is at the destination with the declared bytes;
 *     notices name that final state;
 *   - counts add up: the headcount equals the distinct subjects of the counted rule's outputs.
 * It returns every violation as a sentence (empty: the scenario told the truth).
 */
import { createHash } from 'node:crypto';
import { auditLedger, verifyChain, type DeclarationEntry, type LedgerEntry, type NoticeEntry, type ReceiptEntry } from '../../../lambda/core/ledger';
import { HEAD_TABLE, HEADCOUNT_TABLE, LANDING, LEDGER_BUCKET, OUTBOUND_BUCKET, REPLICATED_REGION, type World } from './world';

export interface Expectations {
  /** Transfers that produced output: the number of declarations there must be. */
  readonly transfers: number;
  /** Delivery ran for every output and was allowed to conclude: each declaration has a final state. */
  readonly settled?: boolean;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The ledger's entries in seq order, or the reason it does not verify. */
export function ledgerOf(world: World): { entries: LedgerEntry[]; problems: string[] } {
  const problems: string[] = [];
  const objects = world.aws.s3.list(LEDGER_BUCKET, 'ledger/');
  for (const { key } of objects) {
    const versions = world.aws.s3.versions(LEDGER_BUCKET, key).length;
    if (versions !== 1) problems.push(`ledger object ${key} has ${versions} versions (written once expected)`);
  }
  const values = objects.map(({ version }) => JSON.parse(version.body.toString('utf8')) as unknown);
  const sources = objects.map(({ key, version }) => ({ file: key, text: version.body.toString('utf8') }));
  const verdict = verifyChain(values, { sources });
  if (!verdict.ok) return { entries: [], problems: [...problems, `chain broken at seq ${verdict.firstBreak.seq}: ${verdict.firstBreak.reason}`] };
  const head = world.aws.dynamodb.get(HEAD_TABLE, { pk: { S: 'ledger' }, sk: { S: 'head' } });
  const last = verdict.entries[verdict.entries.length - 1];
  if (last !== undefined && (Number(head?.seq?.N) !== last.seq || head?.hash?.S !== last.hash)) {
    problems.push(`the head item names seq ${head?.seq?.N ?? 'none'}, the chain ends at seq ${last.seq}`);
  }
  return { entries: [...verdict.entries], problems };
}

function once<T>(items: readonly T[], keyOf: (item: T) => string, what: string): string[] {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(keyOf(item), (seen.get(keyOf(item)) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([key, n]) => `${n} ${what} for ${key}`);
}

function outputProblems(world: World, declarations: readonly DeclarationEntry[]): string[] {
  const problems: string[] = [];
  const byKey = new Map(declarations.map((d) => [d.output.key, d]));
  for (const { key, version } of world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/')) {
    const versions = world.aws.s3.versions(OUTBOUND_BUCKET, key).length;
    if (versions !== 1) problems.push(`output ${key} was written ${versions} times`);
    const declaration = byKey.get(key);
    if (declaration === undefined) {
      problems.push(`undeclared output ${key}`);
      continue;
    }
    if (sha256(version.body) !== declaration.output.sha256) problems.push(`output ${key} does not hash to what seq ${declaration.seq} declared`);
    if (version.body.length !== declaration.output.bytes) problems.push(`output ${key} has another size than seq ${declaration.seq} declared`);
    if (version.metadata['declaration-seq'] !== String(declaration.seq) || version.metadata['declaration-hash'] !== declaration.hash) {
      problems.push(`output ${key} names another declaration than seq ${declaration.seq}`);
    }
  }
  for (const declaration of declarations) {
    if (world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key) === undefined) problems.push(`declared output ${declaration.output.key} (seq ${declaration.seq}) is missing`);
  }
  return problems;
}

/** Whether the declared bytes are at the destination. */
function landed(world: World, declaration: DeclarationEntry): boolean {
  const bucket = LANDING[declaration.destination.region as keyof typeof LANDING];
  const object = bucket === undefined ? undefined : world.aws.s3.current(bucket, declaration.output.key);
  return object !== undefined && sha256(object.body) === declaration.output.sha256;
}

function receiptProblems(world: World, entries: readonly LedgerEntry[], declarations: readonly DeclarationEntry[], settled: boolean): string[] {
  const problems: string[] = [];
  for (const declaration of declarations) {
    const receipts = entries.filter((e): e is ReceiptEntry => e.kind === 'receipt' && e.declarationSeq === declaration.seq);
    const notices = entries.filter((e): e is NoticeEntry => e.kind === 'notice' && e.declarationSeq === declaration.seq);
    const finals = receipts.filter((r) => r.status !== 'retrying');
    const name = `seq ${declaration.seq} (${declaration.output.key})`;
    if (finals.length > 1) problems.push(`${name} has ${finals.length} final receipts (${finals.map((r) => r.status).join(', ')})`);
    const final = finals[0];
    if (final !== undefined && receipts[receipts.length - 1] !== final) problems.push(`${name}: a receipt follows the final ${final.status}`);
    if (final === undefined && settled) problems.push(`${name} has no final receipt`);
    if (final !== undefined) {
      const truth = landed(world, declaration) ? 'delivered' : 'failed';
      if (final.status !== truth) problems.push(`${name} is receipted ${final.status} but was ${truth}`);
      if (final.destination.key !== declaration.output.key) problems.push(`${name}: the receipt names another key`);
    }
    for (const notice of notices) {
      if (final === undefined || notice.receiptSeq !== final.seq) problems.push(`${name}: notice seq ${notice.seq} does not name the final receipt`);
      if (final !== undefined && (notice.reported === final.status) !== (notice.disposition === 'duplicate')) {
        problems.push(`${name}: notice seq ${notice.seq} is a ${notice.disposition} of ${notice.reported} against ${final.status}`);
      }
    }
    if (landed(world, declaration) && settled && final?.status !== 'delivered') problems.push(`${name} landed but is not receipted delivered`);
  }
  for (const bucket of Object.values(LANDING)) {
    for (const { key } of world.aws.s3.list(bucket)) {
      const versions = world.aws.s3.versions(bucket, key).length;
      if (versions !== 1) problems.push(`landing object ${bucket}/${key} was written ${versions} times`);
      if (!declarations.some((d) => d.output.key === key)) problems.push(`landing object ${bucket}/${key} answers no declaration`);
    }
  }
  return problems;
}

/** The counted rule's outputs hold these distinct subject tokens; the headcount must say as many. */
function headcountProblems(world: World, declarations: readonly DeclarationEntry[]): string[] {
  const tokens = new Set<string>();
  for (const declaration of declarations.filter((d) => d.destination.region === REPLICATED_REGION)) {
    const object = world.aws.s3.current(OUTBOUND_BUCKET, declaration.output.key);
    for (const line of object?.body.toString('utf8').split('\n') ?? []) {
      if (line === '') continue;
      const token = (JSON.parse(line) as { payer?: { mobile?: unknown } }).payer?.mobile;
      if (typeof token === 'string') tokens.add(token);
    }
  }
  const total = world.aws.dynamodb.items(HEADCOUNT_TABLE).find((item) => item.sk?.S === '#total');
  const counted = Number(total?.distinctSubjects?.N ?? 0);
  return counted === tokens.size ? [] : [`the headcount says ${counted} distinct subjects, the counted outputs hold ${tokens.size}`];
}

/** Every violation of the invariants in the world's current state. */
export function violations(world: World, expected: Expectations): string[] {
  const { entries, problems } = ledgerOf(world);
  if (entries.length === 0 && problems.length > 0) return problems;
  const declarations = entries.filter((e): e is DeclarationEntry => e.kind === 'declaration');
  const transfer = (d: DeclarationEntry) => `${d.source.bucket}/${d.source.key}@${d.source.versionId}#${d.rule.id}@${d.rule.version}`;
  problems.push(...once(declarations, transfer, 'declarations'));
  problems.push(...once(declarations, (d) => d.output.key, 'declarations of the output'));
  for (const d of declarations) if (d.idempotencyKey !== transfer(d)) problems.push(`seq ${d.seq}: idempotencyKey is not its transfer`);
  if (declarations.length !== expected.transfers) problems.push(`${declarations.length} declarations for ${expected.transfers} transfers`);
  problems.push(...outputProblems(world, declarations));
  problems.push(...receiptProblems(world, entries, declarations, expected.settled ?? false));
  problems.push(...headcountProblems(world, declarations));
  // The project's own audit must agree that nothing is wrong.
  const listing = world.aws.s3.list(OUTBOUND_BUCKET, 'outbound/').map(({ key, version }) => ({ key, bytes: version.body.length, sha256: sha256(version.body) }));
  for (const v of auditLedger(entries, { outputs: { prefix: 'outbound/', objects: listing }, settled: expected.settled ?? false })) {
    problems.push(`audit: seq ${v.seq ?? '-'} ${v.identity}: ${v.problem}`);
  }
  return problems;
}
