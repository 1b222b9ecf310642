/** What the sample commands read and check before they write: the rule, and folders that must be empty. */
import { readdir, readFile } from 'node:fs/promises';
import { parseTransferRule, TransferRuleError, type TransferRule } from '../../lambda/core';
import { isKnownRegion, KNOWN_REGIONS } from '../../lambda/core/regions';
import { CliError } from './io';
import { fileErrorReason, USAGE_ERROR } from './options';

/** The sample's home region (`--home-region`, default cn-north-1); an unknown region is a usage error. */
export function homeRegionFlag(value: string | undefined): string {
  const homeRegion = value ?? 'cn-north-1';
  if (!isKnownRegion(homeRegion)) throw new CliError(`--home-region must be a known AWS region (${KNOWN_REGIONS.join(', ')}), got "${homeRegion}"`, USAGE_ERROR);
  return homeRegion;
}

/** Refuses a folder that holds anything: a sample is never written next to a real copy. */
export async function refuseUnlessEmpty(dir: string, flag: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CliError(`--${flag} ${dir}: ${fileErrorReason(err)}`, 1);
  }
  if (names.length > 0) throw new CliError(`--${flag} ${dir} is not empty: the sample writes only into an empty or new folder, never next to a real copy`, 1);
}

/** The transfer rule the sample goes out under, valid on `now`; a rule that cannot be read or is invalid is refused input (1). */
export async function readRule(path: string, now: Date): Promise<TransferRule> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`--rule ${path}: ${fileErrorReason(err)}`, 1);
  }
  try {
    return parseTransferRule(text, path, now);
  } catch (err) {
    if (err instanceof TransferRuleError) throw new CliError(err.message, 1);
    throw err;
  }
}
