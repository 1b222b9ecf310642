/**
 * What is stored under the outbound prefix, for `residency ledger verify` to check every declared
 * output is there (and nothing undeclared is), read from one of:
 *   - a local copy of the prefix (`aws s3 sync s3://<outbound-bucket>/outbound DIR`): keys, sizes and
 *     SHA-256 of the content, so a copy also shows an output whose bytes are not the declared ones;
 *   - an S3 Inventory report: its `manifest.json` (CSV format; the data files are found next to it,
 *     or in the `data/` folder beside its dated folder, as S3 lays them out), keys and sizes;
 *   - a listing from `aws s3api list-objects-v2 --bucket <outbound-bucket> --prefix outbound/`.
 * Object keys are paths the gateway builds from raw keys and versions: no personal data.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from '../../lambda/core/csv';
import type { OutputListing, StoredObject } from '../../lambda/core/ledger';
import { CliError } from './io';
import { JsonSyntaxError, parseJsonText } from '../../lambda/core/json/syntax-error';

/** A copy that cannot be read or is malformed: the code every command uses for refused input (README, exit codes). */
const REFUSED = 1;

function messageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' ? err.message : String(err);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.isFile() ? [path] : [];
  });
}

/** A local copy of the prefix: DIR holds what is under `prefix`, at the same relative paths. */
export function readOutputsDir(dir: string, prefix: string): OutputListing {
  let paths: string[];
  try {
    paths = files(dir);
  } catch (err) {
    throw new CliError(`cannot read --outputs ${dir}: ${messageOf(err)}`, REFUSED);
  }
  const objects = paths.map((path): StoredObject => {
    const bytes = readFileSync(path);
    const key = `${prefix}${relative(dir, path).split(sep).join('/')}`;
    return { key, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  return { prefix, objects };
}

interface InventoryManifest {
  readonly sourceBucket?: string;
  readonly fileFormat?: string;
  readonly fileSchema?: string;
  readonly files?: ReadonlyArray<{ readonly key?: string }>;
}

/** S3 Inventory keys are URL-encoded (form encoding: a space may be '+'). */
function inventoryKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

function dataFileOf(manifestPath: string, key: string): string {
  const name = basename(key);
  const here = dirname(manifestPath);
  const candidates = [join(here, name), join(here, 'data', name), join(here, '..', 'data', name)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new CliError(`--inventory: data file ${name} named by ${manifestPath} is not next to it nor in a data/ folder beside it (copy the whole inventory prefix)`, REFUSED);
  }
  return found;
}

function fromInventory(manifestPath: string, manifest: InventoryManifest, prefix: string): OutputListing {
  if (manifest.fileFormat !== 'CSV') {
    throw new CliError(`--inventory: ${manifestPath} is a ${manifest.fileFormat ?? 'format-less'} inventory; only CSV inventories are read`, REFUSED);
  }
  const columns = (manifest.fileSchema ?? '').split(',').map((column) => column.trim());
  const at = (name: string) => columns.indexOf(name);
  if (at('Key') === -1) throw new CliError(`--inventory: the fileSchema of ${manifestPath} has no Key column`, REFUSED);
  const objects: StoredObject[] = [];
  for (const file of manifest.files ?? []) {
    const path = dataFileOf(manifestPath, file.key ?? '');
    const raw = readFileSync(path);
    const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const parsed = parseCsv(text);
    if (parsed.problems.length > 0) {
      throw new CliError(`--inventory: ${path} line ${parsed.problems[0]?.line}: ${parsed.problems[0]?.detail}`, REFUSED);
    }
    for (const { fields } of parsed.records) {
      // A versioned inventory lists old versions and delete markers too: only the current object counts.
      if (at('IsLatest') !== -1 && fields[at('IsLatest')] === 'false') continue;
      if (at('IsDeleteMarker') !== -1 && fields[at('IsDeleteMarker')] === 'true') continue;
      const key = inventoryKey(fields[at('Key')] ?? '');
      if (!key.startsWith(prefix)) continue;
      const size = at('Size') === -1 ? undefined : Number(fields[at('Size')]);
      objects.push({ key, ...(size === undefined || !Number.isInteger(size) ? {} : { bytes: size }) });
    }
  }
  return { prefix, objects };
}

/** An S3 Inventory manifest, or an `aws s3api list-objects-v2` listing, of the outbound bucket. */
export function readInventory(path: string, prefix: string): OutputListing {
  let value: unknown;
  try {
    value = parseJsonText(readFileSync(path, 'utf8'), path);
  } catch (err) {
    throw new CliError(err instanceof JsonSyntaxError ? `--inventory ${err.message}` : `cannot read --inventory ${path}: ${messageOf(err)}`, REFUSED);
  }
  if (typeof value === 'object' && value !== null && 'fileSchema' in value) return fromInventory(path, value as InventoryManifest, prefix);
  if (typeof value === 'object' && value !== null && 'Contents' in value && Array.isArray(value.Contents)) {
    const objects = (value.Contents as Array<{ Key?: unknown; Size?: unknown }>)
      .filter((object) => typeof object.Key === 'string' && object.Key.startsWith(prefix))
      .map((object) => ({ key: object.Key as string, ...(typeof object.Size === 'number' ? { bytes: object.Size } : {}) }));
    return { prefix, objects };
  }
  throw new CliError(`--inventory: ${path} is neither an S3 Inventory manifest.json nor an "aws s3api list-objects-v2" listing`, REFUSED);
}
