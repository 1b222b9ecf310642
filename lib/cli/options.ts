/** Flag parsing and checks shared by the data-plane commands (`scan`, `desensitize`). */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RecordFormat } from '../../lambda/core/batch';
import { CSV_DELIMITERS, isCsvDelimiter, type CsvDelimiter } from '../../lambda/core/csv';
import { errorMessage } from '../../lambda/core/errors';
import { didYouMean } from '../suggest';
import { CliError } from './io';

export const USAGE_ERROR = 2;
const MAX_WORKERS = 64;

type Options = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<T extends Options> = { args: string[]; options: T; strict: true; allowPositionals: false };
/** Flag values, typed from the option table. */
export type Flags<T extends Options> = ReturnType<typeof parseArgs<StrictConfig<T>>>['values'];

/** `util.parseArgs` in strict mode; an unknown or malformed flag is a usage error, not a stack trace. */
export function parseFlags<T extends Options>(args: string[], options: T): Flags<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new CliError(unknownFlagMessage(args, options) ?? errorMessage(err), USAGE_ERROR);
  }
}

/** `unknown flag --fromat; did you mean --format?` for the first flag the table does not have. */
export function unknownFlagMessage(args: readonly string[], options: Options): string | undefined {
  const known = Object.keys(options);
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0];
    if (!known.includes(name)) return `unknown flag --${name}${didYouMean(name, known, (n) => `--${n}`)} (see --help)`;
  }
  return undefined;
}

export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CliError(`missing required flag --${flag}`, USAGE_ERROR);
  return value;
}

/** The default `--workers`: the cores this process may use. */
export function defaultWorkers(): number {
  return Math.min(MAX_WORKERS, Math.max(1, availableParallelism()));
}

export function workerCount(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new CliError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${value}"`, USAGE_ERROR);
  }
  return count;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, RecordFormat>> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

/** `--input-format` if given, else the file extension (.jsonl, .ndjson, .csv). */
export function inputFormat(path: string, override: string | undefined): RecordFormat {
  if (override !== undefined) {
    if (override !== 'jsonl' && override !== 'csv') throw new CliError(`--input-format must be jsonl or csv, got "${override}"`, USAGE_ERROR);
    return override;
  }
  const format = FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new CliError(`cannot tell the format of ${path} from its extension; name it .jsonl or .csv, or pass --input-format jsonl|csv`, USAGE_ERROR);
  }
  return format;
}

const DELIMITER_NAMES: Readonly<Record<string, CsvDelimiter>> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', pipe: '|' };

/** `--delimiter`: `,` `;` `|` or a tab, or their names (comma, semicolon, tab, pipe); undefined: guess it. */
export function delimiterFlag(value: string | undefined): CsvDelimiter | undefined {
  if (value === undefined) return undefined;
  const delimiter = isCsvDelimiter(value) ? value : DELIMITER_NAMES[value.toLowerCase()];
  if (delimiter === undefined) {
    throw new CliError(`--delimiter must be one of ${CSV_DELIMITERS.map((d) => (d === '\t' ? 'tab' : d)).join(' ')} (or comma, semicolon, pipe), got "${value}"`, USAGE_ERROR);
  }
  return delimiter;
}

/** `ENOENT`, `EACCES`, ...: the short reason a file operation failed (errors may come from another realm, so no instanceof). */
const FILE_ERROR_WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
};

/** Why a file operation failed, in words, with the system's code in parentheses (`no such file or folder (ENOENT)`). */
export function fileErrorReason(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    const words = FILE_ERROR_WORDS[err.code];
    return words === undefined ? err.code : `${words} (${err.code})`;
  }
  return errorMessage(err);
}

/** The input's size, after checking it is a readable file. */
export async function readableFileSize(path: string, flag: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`cannot read --${flag} ${path}: not a file`);
    await access(path, constants.R_OK);
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read --${flag} ${path}: ${fileErrorReason(err)}`);
  }
}
