/**
 * `residency subject token|suppress|find|erase`: people's rights, from the command line.
 *
 * - token: the HMAC token of one identifier, exactly as the gate computes it (same key, same
 *   normalization). The value is never stored, echoed or logged; `--value -` reads it from stdin.
 * - suppress: add a token to (or remove it from) the suppression list file, with the recipients
 *   that received the subject's data, from a local copy of the ledger.
 * - find: where a subject's records are (home stores, outbound, ledger) from local copies and S3
 *   Inventory reports.
 * - erase: a plan of what erasure removes (every version included), and its execution against a
 *   local copy; the same plan is executed on the real buckets by the subject-requests function.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCategory } from '../../lambda/core/categories';
import { wholeValueCategory } from '../../lambda/core/detectors/identifiers';
import { ErasurePlanSchema, planSha256, rewriteWithout, type ErasurePlan } from '../../lambda/core/erasure';
import type { DeclarationEntry } from '../../lambda/core/ledger';
import { recipientsOf, type Recipient } from '../../lambda/core/subject-notices';
import { subjectMatcher, type SubjectMatcher } from '../../lambda/core/suppression';
import { SUPPRESSION_REASONS, TOKEN_PATTERN, type SuppressionList, type SuppressionReason } from '../../lambda/core/suppression-list';
import { tokenize, type TokenKey, type TokenType } from '../../lambda/core/tokens';
import type { TransferRule } from '../../lambda/core/transfer-rule';
import { deriveTokenKey } from '../../lambda/gateway/token-key';
import { readTokenKey } from './desensitize';
import { CliError, type CliIo } from './io';
import { parseFlags, requireFlag, USAGE_ERROR } from './options';
import { locateSubject, parseStores, readVerifiedLedger, type StoreCopy } from './subject-locate';
import { readSuppressionList } from './suppression-file';
import { JsonSyntaxError, parseJsonText } from '../../lambda/core/json/syntax-error';

const USAGE = `usage: residency subject <token|suppress|find|erase> [options]

  token    --category C --value V|-  [--key-id KMS_KEY | --token-key-file F]   print the subject's token
  suppress --list FILE (--add TOKEN --reason R [--since YYYY-MM-DD] | --remove TOKEN) [--ledger DIR] [--store BUCKET=DIR ...]
  find     --token T [--token T ...] --store BUCKET=DIR ... [--outbound BUCKET=DIR] [--inventory BUCKET=MANIFEST]
           [--ledger DIR] [--rules DIR]
  erase    --token T ... --store BUCKET=DIR ... [--inventory BUCKET=MANIFEST] [--rules DIR] --plan-out FILE
  erase    --plan FILE --execute --store BUCKET=DIR ... [--record-out FILE]

  The key is the deployment's token key: RESIDENCY_TOKEN_KEY (hex), --token-key-file, or --key-id (one KMS
  GenerateMac over the gateway's fixed label, so the token is the gateway's). Reasons: ${SUPPRESSION_REASONS.join(', ')}.
`;

async function keyFrom(flags: { 'key-id'?: string; 'token-key-file'?: string }): Promise<TokenKey> {
  if (flags['key-id'] !== undefined) {
    try {
      return await deriveTokenKey(new KMSClient({}), flags['key-id']);
    } catch (err) {
      throw new CliError(`--key-id ${flags['key-id']}: KMS GenerateMac failed: ${(err as Error).name ?? 'error'}`);
    }
  }
  return readTokenKey(flags['token-key-file']);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The token of one value; refused when the detectors would not read the value as that category (the gate would never produce it). */
export function tokenOf(key: TokenKey, category: string, value: string): string {
  if (category !== 'text' && !isCategory(category)) throw new CliError(`--category "${category}": expected text or a detector category`, USAGE_ERROR);
  if (value === '') throw new CliError('--value is empty', USAGE_ERROR);
  if (category !== 'text') {
    const seen = wholeValueCategory(value);
    if (seen !== category) {
      throw new CliError(
        `the value is not read as ${category} by the detectors (they read it as ${seen ?? 'no identifier'}): the gate would never produce this token; check the value or use --category ${seen ?? 'text'}`,
      );
    }
  }
  return tokenize(key, category as TokenType, value);
}

async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, { category: { type: 'string' }, value: { type: 'string' }, 'key-id': { type: 'string' }, 'token-key-file': { type: 'string' } });
  const category = requireFlag(flags.category, 'category');
  const raw = requireFlag(flags.value, 'value');
  const key = await keyFrom(flags);
  io.stdout(`${tokenOf(key, category, raw === '-' ? await readStdin() : raw)}\n`);
  return 0;
}

function requireTokens(values: readonly string[] | undefined): string[] {
  const tokens = values ?? [];
  if (tokens.length === 0) throw new CliError('missing required flag --token', USAGE_ERROR);
  tokens.forEach((t, i) => {
    if (!TOKEN_PATTERN.test(t)) throw new CliError(`--token #${i + 1} is not a token (residency subject token prints one)`, USAGE_ERROR);
  });
  return [...tokens];
}

/** The `fields` of every rule file in a folder (expired rules too: their data may still be in the stores). */
function readRules(dir: string | undefined): Array<Pick<TransferRule, 'fields'>> {
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const rule = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { fields?: unknown };
      if (typeof rule.fields !== 'object' || rule.fields === null) throw new CliError(`--rules ${join(dir, f)}: no "fields" object`);
      return { fields: rule.fields as TransferRule['fields'] };
    });
}

function inventoriesOf(values: readonly string[] | undefined): Map<string, string> {
  return new Map(parseStores(values, 'inventory').map((s) => [s.bucket, s.dir]));
}

const LOCATE_FLAGS = {
  token: { type: 'string', multiple: true },
  store: { type: 'string', multiple: true },
  outbound: { type: 'string', multiple: true },
  inventory: { type: 'string', multiple: true },
  ledger: { type: 'string' },
  rules: { type: 'string' },
  'key-id': { type: 'string' },
  'token-key-file': { type: 'string' },
} as const;

async function matcherOf(flags: { token?: string[]; rules?: string; 'key-id'?: string; 'token-key-file'?: string }): Promise<SubjectMatcher> {
  return subjectMatcher({ key: await keyFrom(flags), tokens: requireTokens(flags.token), rules: readRules(flags.rules) });
}

async function findCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, LOCATE_FLAGS);
  const stores = parseStores(flags.store, 'store');
  if (stores.length === 0) throw new CliError('missing required flag --store BUCKET=DIR', USAGE_ERROR);
  const found = locateSubject({
    matcher: await matcherOf(flags),
    stores,
    outbound: parseStores(flags.outbound, 'outbound'),
    inventories: inventoriesOf(flags.inventory),
    ledgerDir: flags.ledger,
  });
  io.stdout(`${JSON.stringify(found, null, 2)}\n`);
  return 0;
}

function writeList(path: string, list: SuppressionList): void {
  writeFileSync(path, `${JSON.stringify(list, null, 2)}\n`);
}

async function suppressCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, {
    list: { type: 'string' },
    add: { type: 'string' },
    remove: { type: 'string' },
    reason: { type: 'string' },
    since: { type: 'string' },
    ...LOCATE_FLAGS,
  });
  const path = requireFlag(flags.list, 'list');
  if ((flags.add === undefined) === (flags.remove === undefined)) throw new CliError('give exactly one of --add TOKEN or --remove TOKEN', USAGE_ERROR);
  let list: SuppressionList;
  try {
    list = await readSuppressionList(path, 'list');
  } catch (err) {
    if (err instanceof CliError && /ENOENT/.test(err.message)) list = { version: 0, entries: [] };
    else throw err;
  }
  if (flags.remove !== undefined) {
    const token = requireTokens([flags.remove])[0];
    if (!list.entries.some((e) => e.token === token)) throw new CliError('--remove: the token is not on the list');
    writeList(path, { version: list.version + 1, entries: list.entries.filter((e) => e.token !== token) });
    io.stdout(`${JSON.stringify({ version: list.version + 1, change: 'removed' })}\n`);
    return 0;
  }
  const token = requireTokens([flags.add as string])[0];
  const reason = requireFlag(flags.reason, 'reason');
  if (!(SUPPRESSION_REASONS as readonly string[]).includes(reason)) throw new CliError(`--reason "${reason}": expected one of ${SUPPRESSION_REASONS.join(', ')}`, USAGE_ERROR);
  const since = flags.since ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new CliError(`--since "${since}": expected YYYY-MM-DD`, USAGE_ERROR);
  let recipients: readonly Recipient[] | undefined;
  if (flags.ledger !== undefined) {
    const stores = parseStores(flags.store, 'store');
    // With copies of the stores: the recipients of the declarations whose source held the subject.
    // Without: every recipient the ledger declared a transfer to (conservative).
    recipients =
      stores.length > 0
        ? locateSubject({
            matcher: await matcherOf({ ...flags, token: [token] }),
            stores,
            outbound: parseStores(flags.outbound, 'outbound'),
            inventories: inventoriesOf(flags.inventory),
            ledgerDir: flags.ledger,
          }).ledger?.recipients
        : recipientsOf(readVerifiedLedger(flags.ledger).filter((e): e is DeclarationEntry => e.kind === 'declaration'));
  }
  const entry = { token, reason: reason as SuppressionReason, since, ...(recipients === undefined ? {} : { recipients: [...recipients] }) };
  const entries = [...list.entries.filter((e) => e.token !== token), entry];
  writeList(path, { version: list.version + 1, entries });
  io.stdout(`${JSON.stringify({ version: list.version + 1, change: 'added', reason, recipients: recipients?.length ?? 'every recipient of the rules in force' })}\n`);
  return 0;
}

function copyFor(stores: readonly StoreCopy[], bucket: string): StoreCopy {
  const copy = stores.find((s) => s.bucket === bucket);
  if (!copy) throw new CliError(`the plan touches bucket ${bucket}; pass --store ${bucket}=DIR`, USAGE_ERROR);
  return copy;
}

async function eraseCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, { ...LOCATE_FLAGS, 'plan-out': { type: 'string' }, plan: { type: 'string' }, execute: { type: 'boolean' }, 'record-out': { type: 'string' } });
  const stores = parseStores(flags.store, 'store');
  if (flags.execute) {
    const plan = readPlan(requireFlag(flags.plan, 'plan'));
    const matcher = await matcherOf({ ...flags, token: plan.tokens });
    const perStore = new Map<string, { bucket: string; objectsRewritten: number; objectsDeleted: number; versionsDeleted: number; recordsRemoved: number }>();
    for (const object of plan.objects) {
      const path = join(copyFor(stores, object.bucket).dir, ...object.key.split('/'));
      const rewrite = rewriteWithout(readFileSync(path, 'utf8'), matcher);
      const totals = perStore.get(object.bucket) ?? { bucket: object.bucket, objectsRewritten: 0, objectsDeleted: 0, versionsDeleted: 0, recordsRemoved: 0 };
      if (rewrite.recordsKept === 0) {
        unlinkSync(path);
        totals.objectsDeleted++;
      } else {
        writeFileSync(path, rewrite.text);
        totals.objectsRewritten++;
      }
      totals.recordsRemoved += rewrite.recordsRemoved;
      totals.versionsDeleted += object.versions.filter((v) => !v.isLatest || rewrite.recordsKept === 0).length;
      perStore.set(object.bucket, totals);
    }
    const record = { kind: 'erasure', erasedAt: new Date().toISOString(), token: plan.tokens[0], planSha256: planSha256(plan), stores: [...perStore.values()] };
    if (flags['record-out']) writeFileSync(flags['record-out'], `${JSON.stringify(record, null, 2)}\n`);
    io.stdout(`${JSON.stringify({ executed: 'local copy', ...record }, null, 2)}\n`);
    return 0;
  }
  const out = requireFlag(flags['plan-out'], 'plan-out');
  if (stores.length === 0) throw new CliError('missing required flag --store BUCKET=DIR', USAGE_ERROR);
  const found = locateSubject({ matcher: await matcherOf(flags), stores, outbound: [], inventories: inventoriesOf(flags.inventory) });
  const plan: ErasurePlan = {
    kind: 'erasure-plan',
    createdAt: new Date().toISOString(),
    tokens: requireTokens(flags.token),
    objects: found.home.map((o) => ({
      bucket: o.bucket,
      key: o.key,
      action: o.records === o.total ? 'delete' : 'rewrite',
      recordsRemoved: o.records,
      versions: o.versions.map((v) => ({ versionId: v.versionId, isLatest: v.isLatest, isDeleteMarker: v.isDeleteMarker })),
    })),
  };
  writeFileSync(out, `${JSON.stringify(plan, null, 2)}\n`);
  io.stdout(
    `${JSON.stringify({ plan: out, planSha256: planSha256(plan), objects: plan.objects.length, records: plan.objects.reduce((n, o) => n + o.recordsRemoved, 0), versions: plan.objects.reduce((n, o) => n + o.versions.length, 0) })}\n`,
  );
  return 0;
}

function readPlan(path: string): ErasurePlan {
  let json: unknown;
  try {
    json = parseJsonText(readFileSync(path, 'utf8'), path);
  } catch (err) {
    throw new CliError(err instanceof JsonSyntaxError ? `--plan ${err.message}` : `cannot read --plan ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = ErasurePlanSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`--plan ${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  token: tokenCommand,
  suppress: suppressCommand,
  find: findCommand,
  erase: eraseCommand,
};

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    io.stdout(USAGE);
    return sub === undefined ? USAGE_ERROR : 0;
  }
  const command = SUBCOMMANDS[sub];
  if (!command) throw new CliError(`unknown subcommand "${sub}"; expected ${Object.keys(SUBCOMMANDS).join(', ')}`, USAGE_ERROR);
  return command(rest, io);
}
