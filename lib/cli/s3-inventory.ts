/**
 * Reads a local copy of an S3 Inventory report (CSV format): `manifest.json` and the gzipped CSV
 * data files it lists (`files[].key`, found relative to the manifest's folder or one of its
 * parents, as `aws s3 sync` of the inventory destination lays them out). Keys in the CSV are
 * URL-encoded (S3 Inventory documentation) and are decoded here. ORC and Parquet reports are refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from '../../lambda/core/csv';
import { CliError } from './io';
import { JsonSyntaxError, parseJsonText } from '../../lambda/core/json/syntax-error';

export interface InventoryVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly isDeleteMarker: boolean;
}

interface Manifest {
  readonly sourceBucket?: string;
  readonly fileFormat?: string;
  readonly fileSchema?: string;
  readonly files?: ReadonlyArray<{ readonly key?: string }>;
}

function locate(manifestPath: string, key: string): string {
  for (let dir = dirname(manifestPath); ; dir = dirname(dir)) {
    const candidate = join(dir, key);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new CliError(`inventory data file ${key} (listed in ${manifestPath}) is not in the local copy`);
  }
}

/** Every object version the inventory lists, grouped by key. */
export function readInventory(manifestPath: string): Map<string, InventoryVersion[]> {
  let manifest: Manifest;
  try {
    manifest = parseJsonText(readFileSync(manifestPath, 'utf8'), manifestPath) as Manifest;
  } catch (err) {
    throw new CliError(err instanceof JsonSyntaxError ? `inventory manifest ${err.message}` : `cannot read inventory manifest ${manifestPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (manifest.fileFormat !== 'CSV') throw new CliError(`inventory ${manifestPath}: fileFormat "${manifest.fileFormat}" is not supported; configure the inventory as CSV`);
  const schema = (manifest.fileSchema ?? '').split(',').map((f) => f.trim());
  const column = (name: string, required: boolean) => {
    const i = schema.indexOf(name);
    if (i === -1 && required) throw new CliError(`inventory ${manifestPath}: fileSchema has no ${name} field (include object versions: IncludedObjectVersions All)`);
    return i;
  };
  const [b, k, v, latest, marker] = [column('Bucket', true), column('Key', true), column('VersionId', true), column('IsLatest', true), column('IsDeleteMarker', false)];
  const versions = new Map<string, InventoryVersion[]>();
  for (const file of manifest.files ?? []) {
    if (!file.key) continue;
    const csv = parseCsv(gunzipSync(readFileSync(locate(manifestPath, file.key))).toString('utf8'));
    if (csv.problems.length > 0) throw new CliError(`inventory data file ${file.key}: line ${csv.problems[0].line}: ${csv.problems[0].detail}`);
    for (const { fields } of csv.records) {
      const key = decodeURIComponent((fields[k] ?? '').replace(/\+/g, ' '));
      const entry = { bucket: fields[b], key, versionId: fields[v] || 'null', isLatest: fields[latest] === 'true', isDeleteMarker: marker !== -1 && fields[marker] === 'true' };
      versions.set(key, [...(versions.get(key) ?? []), entry]);
    }
  }
  return versions;
}
