import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InstrumentRegisterSchema, type InstrumentRegister } from '../lambda/core/assessment/instruments/schema';
import { describeIssue } from './config';
import { JsonSyntaxError, parseJsonText } from '../lambda/core/json/syntax-error';

/**
 * Where a rules folder keeps its transfer-instrument register: `<rules folder>/instruments/register.json`.
 * A subfolder, so the rules loader (every `*.json` of the folder is a rule) never mistakes it for a rule.
 */
export const REGISTER_PATH = join('instruments', 'register.json');

export function registerPathFor(rulesDir: string): string {
  return join(rulesDir, REGISTER_PATH);
}

/** The register next to a rule file, as `assess --rule` finds it. */
export function registerPathForRule(ruleFile: string): string {
  return registerPathFor(dirname(ruleFile));
}

export type RegisterRead =
  | { readonly ok: true; readonly register: InstrumentRegister; readonly exists: boolean }
  | { readonly ok: false; readonly problems: readonly string[] };

/** An empty register: what a folder without the file has (every instrument a rule needs is then missing). */
export const EMPTY_REGISTER: InstrumentRegister = { instruments: [] };

/**
 * Reads and validates a register file. A missing file is an empty register (its rules' needs are
 * reported as missing instruments); an unreadable or invalid one gives problems naming `shownAs`,
 * the key and the value.
 */
export function readInstrumentRegister(path: string, shownAs: string): RegisterRead {
  if (!existsSync(path)) return { ok: true, register: EMPTY_REGISTER, exists: false };
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(path, 'utf8'), shownAs);
  } catch (err) {
    return { ok: false, problems: [err instanceof JsonSyntaxError ? err.message : `${shownAs}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`] };
  }
  const parsed = InstrumentRegisterSchema.safeParse(raw);
  if (parsed.success) return { ok: true, register: parsed.data, exists: true };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${shownAs}: ${describeIssue(issue, raw)}`) };
}
