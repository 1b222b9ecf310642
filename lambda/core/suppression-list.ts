/**
 * The suppression list: tokens of people whose records must not leave (an opt-out of sale or
 * sharing, an erasure, an objection), each with its reason and the day it took effect. It holds
 * tokens only, never an identifier: a token is the HMAC of the identifier with the deployment's
 * key (`residency subject token`), so the list is useless to anyone without the key.
 *
 * File format (JSON):
 *   { "version": 3, "entries": [ { "token": "tok_cn_mobile_…", "reason": "opt-out-sale-sharing", "since": "2026-06-01" } ] }
 * `version` counts changes; each change is declared in the ledger (a `suppression` entry).
 */
import { z } from 'zod';
import { JsonSyntaxError, parseJsonText } from './json/syntax-error';

export const SUPPRESSION_REASONS = ['opt-out-sale-sharing', 'erasure', 'objection'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** `tok_<category or text>_<43 base64url characters>`, as `tokenize` writes it. */
export const TOKEN_PATTERN = /^tok_[a-z_]+_[A-Za-z0-9_-]{43}$/;

const entrySchema = z.strictObject({
  token: z.string().regex(TOKEN_PATTERN, 'must be a token such as tok_cn_mobile_… (residency subject token prints one)'),
  reason: z.enum(SUPPRESSION_REASONS, `must be one of ${SUPPRESSION_REASONS.join(', ')}`),
  since: z.iso.date('must be a date written YYYY-MM-DD'),
  /**
   * Who received the subject's data, found from the ledger's declarations by `residency subject
   * suppress --ledger`; when absent, every recipient of the rules in force is told.
   */
  recipients: z
    .array(
      z.strictObject({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region code'),
        country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code'),
        recipient: z.string().min(1, 'must not be empty'),
      }),
    )
    .optional(),
});

export const SuppressionListSchema = z.strictObject({
  version: z.number().int('must be a whole number').nonnegative('must not be negative'),
  entries: z.array(entrySchema),
});

export type SuppressionEntry = z.infer<typeof entrySchema>;
export type SuppressionList = z.infer<typeof SuppressionListSchema>;

export class SuppressionListError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'SuppressionListError';
  }
}

/** Validates a parsed list; problems name the entry by index and the field, never echo a token. */
export function parseSuppressionList(json: unknown, source: string): SuppressionList {
  const parsed = SuppressionListSchema.safeParse(json);
  if (!parsed.success) {
    throw new SuppressionListError(
      source,
      parsed.error.issues.map((issue) => {
        const key = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
        return issue.code === 'unrecognized_keys' ? `${key}: unknown key(s) ${issue.keys.join(', ')}` : `${key}: ${issue.message}`;
      }),
    );
  }
  const seen = new Set<string>();
  const problems: string[] = [];
  parsed.data.entries.forEach((entry, i) => {
    if (seen.has(entry.token)) problems.push(`entries[${i}]: the same token is listed twice`);
    seen.add(entry.token);
  });
  if (problems.length > 0) throw new SuppressionListError(source, problems);
  return parsed.data;
}

/** `parseSuppressionList` for a file's text. */
export function parseSuppressionListText(text: string, source: string): SuppressionList {
  let json: unknown;
  try {
    json = parseJsonText(text, source);
  } catch (err) {
    throw new SuppressionListError(source, [err instanceof JsonSyntaxError ? `line ${err.line}, column ${err.column}: not valid JSON: ${err.problem}` : 'not valid JSON']);
  }
  return parseSuppressionList(json, source);
}

export interface SuppressionChange {
  readonly change: 'added' | 'removed';
  readonly entry: SuppressionEntry;
}

/** What changed from one version of the list to the next: added and removed tokens (a changed reason is a removal and an addition). */
export function suppressionChanges(before: SuppressionList | undefined, after: SuppressionList): SuppressionChange[] {
  const old = new Map((before?.entries ?? []).map((e) => [e.token, e]));
  const now = new Map(after.entries.map((e) => [e.token, e]));
  const changes: SuppressionChange[] = [];
  for (const [token, entry] of old) {
    const current = now.get(token);
    if (current === undefined || current.reason !== entry.reason) changes.push({ change: 'removed', entry });
  }
  for (const [token, entry] of now) {
    const previous = old.get(token);
    if (previous === undefined || previous.reason !== entry.reason) changes.push({ change: 'added', entry });
  }
  return changes;
}
