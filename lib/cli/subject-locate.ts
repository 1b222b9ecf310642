/**
 * Where a subject's records are, from local copies: the home stores (`aws s3 sync s3://<bucket> DIR`,
 * named by bucket), the outbound bucket, the S3 Inventory of each store (every version of every key,
 * since `sync` copies current versions only), and the ledger (the declarations whose source held the
 * subject, so their recipients, and earlier suppression and erasure entries for the token).
 * Output names keys, line numbers and counts: never a record.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { verifyChain, type DeclarationEntry, type LedgerEntry } from '../../lambda/core/ledger';
import { csvLayout } from '../../lambda/core/csv-records';
import { recipientsOf, type Recipient } from '../../lambda/core/subject-notices';
import { suppressCsv, suppressJsonl, type SubjectMatcher } from '../../lambda/core/suppression';
import { CliError } from './io';
import { readInventory, type InventoryVersion } from './s3-inventory';

export interface StoreCopy {
  readonly bucket: string;
  readonly dir: string;
}

export interface FoundObject {
  readonly bucket: string;
  readonly key: string;
  readonly format: 'jsonl' | 'csv';
  readonly records: number;
  /** Physical line numbers of the subject's records (JSON Lines). */
  readonly lines: readonly number[];
  /** Total records in the object: `records === total` means the object is the subject's alone. */
  readonly total: number;
  /** Versions known from the inventory (empty without one). */
  readonly versions: readonly InventoryVersion[];
}

export interface SubjectLocations {
  readonly home: readonly FoundObject[];
  readonly outbound: readonly FoundObject[];
  readonly ledger?: {
    readonly verified: true;
    readonly declarations: ReadonlyArray<{ seq: number; source: string; region: string; recipient: string; records: number }>;
    readonly recipients: readonly Recipient[];
    readonly suppressions: readonly number[];
    readonly erasures: readonly number[];
  };
}

/** `BUCKET=DIR` flags. */
export function parseStores(values: readonly string[] | undefined, flag: string): StoreCopy[] {
  return (values ?? []).map((value) => {
    const eq = value.indexOf('=');
    if (eq < 1 || eq === value.length - 1) throw new CliError(`--${flag} ${value}: expected BUCKET=DIR (a local copy made with aws s3 sync s3://BUCKET DIR)`, 2);
    return { bucket: value.slice(0, eq), dir: value.slice(eq + 1) };
  });
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CliError(`cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function formatOf(path: string): 'jsonl' | 'csv' | undefined {
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) return 'jsonl';
  if (path.endsWith('.csv')) return 'csv';
  return undefined;
}

function emptiedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  return a.flatMap((line, i) => (line.trim() !== '' && (b[i] ?? '') === '' ? [i + 1] : []));
}

/** The objects of a local copy that hold the matcher's subjects. */
export function scanCopy(copy: StoreCopy, matcher: SubjectMatcher, inventory?: ReadonlyMap<string, InventoryVersion[]>): FoundObject[] {
  const found: FoundObject[] = [];
  for (const path of filesUnder(copy.dir).sort()) {
    const format = formatOf(path);
    if (format === undefined) continue;
    const key = relative(copy.dir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    let records: number;
    let lines: number[] = [];
    let total: number;
    if (format === 'jsonl') {
      const result = suppressJsonl(text, matcher);
      records = result.suppressed;
      lines = emptiedLines(text, result.text);
      total = text.split('\n').filter((l) => l.trim() !== '').length;
    } else {
      const newline = text.indexOf('\n');
      const header = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
      const body = newline === -1 ? '' : text.slice(newline + 1);
      const result = suppressCsv(body, csvLayout(header.split(',')), matcher);
      records = result.suppressed;
      total = body.split('\n').filter((l) => l.trim() !== '').length;
    }
    if (records > 0) found.push({ bucket: copy.bucket, key, format, records, lines, total, versions: inventory?.get(key) ?? [] });
  }
  return found;
}

/** The entries of a local ledger copy, verified first (evidence from a broken chain is refused). */
export function readVerifiedLedger(dir: string): LedgerEntry[] {
  const files = filesUnder(dir).filter((f) => f.endsWith('.json')).sort();
  const verdict = verifyChain(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown), { sources: files.map((file) => ({ file, text: readFileSync(file, 'utf8') })) });
  if (!verdict.ok) throw new CliError(`the ledger copy in ${dir} does not verify (seq ${verdict.firstBreak.seq}: ${verdict.firstBreak.reason}); run residency ledger verify`);
  return [...verdict.entries];
}

export interface LocateOptions {
  readonly matcher: SubjectMatcher;
  readonly stores: readonly StoreCopy[];
  readonly outbound: readonly StoreCopy[];
  readonly inventories: ReadonlyMap<string, string>;
  readonly ledgerDir?: string;
}

export function locateSubject(options: LocateOptions): SubjectLocations {
  const home = options.stores.flatMap((store) => {
    const manifest = options.inventories.get(store.bucket);
    return scanCopy(store, options.matcher, manifest === undefined ? undefined : readInventory(manifest));
  });
  const outbound = options.outbound.flatMap((store) => scanCopy(store, options.matcher));
  if (options.ledgerDir === undefined) return { home, outbound };
  const entries = readVerifiedLedger(options.ledgerDir);
  const sources = new Set(home.map((o) => `${o.bucket}/${o.key}`));
  const outputs = new Set(outbound.map((o) => `${o.bucket}/${o.key}`));
  const declarations = entries.filter(
    (e): e is DeclarationEntry => e.kind === 'declaration' && (sources.has(`${e.source.bucket}/${e.source.key}`) || outputs.has(`${e.output.bucket}/${e.output.key}`)),
  );
  const tokens = options.matcher.tokens;
  return {
    home,
    outbound,
    ledger: {
      verified: true,
      declarations: declarations.map((d) => ({ seq: d.seq, source: `${d.source.bucket}/${d.source.key}`, region: d.destination.region, recipient: d.destination.recipient, records: d.counts.out })),
      recipients: recipientsOf(declarations),
      suppressions: entries.filter((e) => e.kind === 'suppression' && tokens.has(e.token)).map((e) => e.seq),
      erasures: entries.filter((e) => e.kind === 'erasure' && tokens.has(e.token)).map((e) => e.seq),
    },
  };
}
