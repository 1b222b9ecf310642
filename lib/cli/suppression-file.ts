/** Reading a suppression list file for the CLI: every problem named with the file, no token echoed. */
import { readFile } from 'node:fs/promises';
import { parseSuppressionListText, SuppressionListError, type SuppressionList } from '../../lambda/core/suppression-list';
import { CliError } from './io';
import { fileErrorReason } from './options';

export async function readSuppressionList(path: string, flag = 'suppress'): Promise<SuppressionList> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --${flag} ${path}: ${fileErrorReason(err)}`);
  }
  try {
    return parseSuppressionListText(text, `--${flag} ${path}`);
  } catch (err) {
    if (err instanceof SuppressionListError) throw new CliError(`refusing suppression list ${err.message}`);
    throw err;
  }
}

/** The tokens of a suppression list file. */
export async function readSuppressionTokens(path: string): Promise<string[]> {
  return (await readSuppressionList(path)).entries.map((e) => e.token);
}
