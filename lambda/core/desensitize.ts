/**
 * Applies a transfer rule to one record: the local desensitization step that runs in the home
 * region before anything leaves.
 *
 * Order of decisions, each failing closed:
 * 1. a record that carries sensitive authentication data anywhere (by field name at any depth,
 *    track data in any string, and in every value of a repeated key) is quarantined untouched;
 *    so is a record with a repeated key (readers disagree on which value counts), and anything
 *    that is not a JSON object;
 * 2. named fields get their transform; a `keep` field must have its shape, and a value that does not
 *    is redacted or its record quarantined, as the rule says (default: quarantined); fields not
 *    named follow `otherFields` (default: dropped);
 * 3. every string and number that survives, in `keep` and `redact` fields alike, is scanned and any
 *    identifier in it replaced by a placeholder: in `keep` fields this is the safety net, and it is counted.
 */
import { sensitiveAuthDataInField, type SensitiveAuthKind } from './detectors/sensitive-auth-data';
import { describePath, locateSensitiveAuthDataPath, type FieldPath } from './diagnostics';
import type { DuplicateKey } from './json/exact-parser';
import { compileShape, describeShape, type KeepRule, type ShapeMatcher } from './shapes';
import type { TokenKey } from './tokens';
// Types only: the rule schema (zod) stays out of worker threads.
import type { OtherFieldsTransform, Transform, TransferRule } from './transfer-rule';
import {
  emptyCounts,
  isPlainObject,
  lastFour,
  maskPan,
  REDACTED,
  scrubDeep,
  setField,
  setScrubbedField,
  tokenizeValue,
  type TransformCounts,
} from './transforms';

interface CompiledKeep {
  readonly matches: ShapeMatcher;
  readonly quarantine: boolean;
  readonly shape: string;
}

/** A rule compiled into a tree of field names, for walking records without building path strings. */
interface RuleNode {
  readonly transform?: Transform;
  readonly keep?: CompiledKeep;
  /** The rule's dotted path of a named field (what counts and messages name). */
  readonly path?: string;
  readonly children: Map<string, RuleNode>;
}

export interface DesensitizePlan {
  readonly rule: TransferRule;
  readonly tokenKey: TokenKey;
  readonly root: RuleNode;
  readonly otherFields: OtherFieldsTransform;
}

export type QuarantineReason = 'sensitive_auth_data' | 'duplicate_key' | 'not_an_object' | 'shape_mismatch';

export type DesensitizeResult =
  | {
      readonly status: 'written';
      readonly record: Record<string, unknown>;
      readonly counts: TransformCounts;
      /** Rule paths of kept values that did not have their shape and were redacted, once per value. */
      readonly mismatches?: readonly string[];
    }
  | {
      readonly status: 'quarantined';
      readonly reason: QuarantineReason;
      readonly detail: string;
      /** For a shape mismatch: the rule path of the field. */
      readonly field?: string;
    };

function compileKeep(rule: KeepRule): CompiledKeep {
  return { matches: compileShape(rule.keep), quarantine: (rule.onMismatch ?? 'quarantine') === 'quarantine', shape: describeShape(rule.keep) };
}

/** Compiles a validated rule (see `loadTransferRule`) with the key its `token` fields use. */
export function compileTransferRule(rule: TransferRule, tokenKey: TokenKey): DesensitizePlan {
  const root: RuleNode = { children: new Map() };
  for (const [path, field] of Object.entries(rule.fields)) {
    const names = path.split('.');
    let node = root;
    names.forEach((name, index) => {
      let child = node.children.get(name);
      if (child === undefined) {
        child =
          index === names.length - 1
            ? typeof field === 'string'
              ? { transform: field, path, children: new Map() }
              : { transform: 'keep', keep: compileKeep(field), path, children: new Map() }
            : { children: new Map() };
        node.children.set(name, child);
      }
      node = child;
    });
  }
  return { rule, tokenKey, root, otherFields: rule.otherFields };
}

const PCI = '(PCI DSS 3.3.1: never stored or sent after authorization)';

const SAD_WHAT: Readonly<Record<SensitiveAuthKind, string>> = {
  field_name: 'sensitive authentication data',
  track_data: 'magnetic-stripe track data',
  named_value: 'a card code, PIN, one-time code or password written',
};

function sensitiveDetail(path: FieldPath, kind: SensitiveAuthKind, duplicate: boolean): string {
  const what = SAD_WHAT[kind];
  return `${what} in field "${describePath(path)}"${duplicate ? ' (in one of the values of a repeated key: every value is checked)' : ''}`;
}

/** Where a record carries sensitive authentication data, as a quarantine detail; undefined when it does not. */
export function findSensitiveAuthData(record: unknown, duplicates: readonly DuplicateKey[] = []): string | undefined {
  const found = locateSensitiveAuthDataPath(record);
  if (found !== undefined) return sensitiveDetail(found.path, found.kind, false);
  for (const duplicate of duplicates) {
    for (const value of duplicate.values) {
      const keyPath = [...duplicate.path, duplicate.key];
      const here = sensitiveAuthDataInField(duplicate.key, value);
      if (here !== undefined) return sensitiveDetail(keyPath, here, true);
      const inside = locateSensitiveAuthDataPath(value);
      if (inside !== undefined) return sensitiveDetail([...keyPath, ...inside.path], inside.kind, true);
    }
  }
  return undefined;
}

/** What a transform returns for a field that must not appear in the output. */
const DROPPED = Symbol('dropped');
/** A transformed value, or DROPPED. */
type Output = unknown;

/** The state of one record's walk. */
interface Walk {
  readonly plan: DesensitizePlan;
  readonly counts: TransformCounts;
  /** The first kept field whose mismatch quarantines the record. */
  quarantineField?: RuleNode;
  mismatches?: string[];
}

function keepValue(value: unknown, node: RuleNode, keep: CompiledKeep, walk: Walk): Output {
  if (value === null) return value;
  if (Array.isArray(value)) return value.map((item) => keepValue(item, node, keep, walk));
  if (!keep.matches(value)) {
    (walk.mismatches ??= []).push(node.path as string);
    if (keep.quarantine) {
      walk.quarantineField ??= node;
      return DROPPED;
    }
    walk.counts.shapeRedactions++;
    return REDACTED;
  }
  // The shape says what the value may look like; the safety net still scans what it holds.
  return scrubDeep(value, walk.counts, 'safetyNetRedactions');
}

function applyTransform(value: unknown, node: RuleNode, walk: Walk): Output {
  const { counts, plan } = walk;
  switch (node.transform as Transform) {
    case 'drop':
      return DROPPED;
    case 'keep':
      return keepValue(value, node, node.keep as CompiledKeep, walk);
    case 'redact':
      return scrubDeep(value, counts, 'redactions');
    case 'last4':
      return lastFour(value, counts);
    case 'mask_pan':
      return maskPan(value, counts);
    case 'token':
      return tokenizeValue(value, plan.tokenKey, counts);
  }
}

/** An unnamed field: dropped, or kept with its identifiers redacted. */
function otherField(value: unknown, walk: Walk): Output {
  return walk.plan.otherFields === 'drop' ? DROPPED : scrubDeep(value, walk.counts, 'redactions');
}

function transformNamed(value: unknown, node: RuleNode, walk: Walk): Output {
  if (node.transform !== undefined) return applyTransform(value, node, walk);
  if (isPlainObject(value)) return transformObject(value, node, walk);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const out = transformNamed(item, node, walk);
      if (out !== DROPPED) items.push(out);
    }
    return items.length > 0 ? items : DROPPED;
  }
  // The rule names fields inside this one, but the record holds a scalar here: nothing named applies.
  return otherField(value, walk);
}

function transformObject(record: Record<string, unknown>, node: RuleNode, walk: Walk): Record<string, unknown> | typeof DROPPED {
  const out: Record<string, unknown> = {};
  let fields = 0;
  if (walk.plan.otherFields === 'drop') {
    // Only named fields can survive, so walk the rule (a handful of names), not the record.
    for (const [key, child] of node.children) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const value = transformNamed(record[key], child, walk);
      if (value === DROPPED) continue;
      setField(out, key, value);
      fields++;
    }
  } else {
    for (const key of Object.keys(record)) {
      const child = node.children.get(key);
      const value = child === undefined ? otherField(record[key], walk) : transformNamed(record[key], child, walk);
      if (value === DROPPED) continue;
      if (child === undefined) setScrubbedField(out, key, value, walk.counts, 'redactions');
      else setField(out, key, value);
      fields++;
    }
  }
  return fields === 0 && node !== walk.plan.root ? DROPPED : out;
}

function duplicateDetail(duplicate: DuplicateKey): string {
  return `key "${describePath([...duplicate.path, duplicate.key])}" appears ${duplicate.values.length} times: readers disagree on which value counts, so the record is not sent`;
}

/**
 * Desensitizes one parsed record under a compiled rule. Pure: no I/O, no clock. `duplicates` are
 * the repeated keys the reader found (see `readJsonRecord`).
 */
export function desensitizeRecord(record: unknown, plan: DesensitizePlan, duplicates: readonly DuplicateKey[] = []): DesensitizeResult {
  const sensitive = findSensitiveAuthData(record, duplicates);
  if (sensitive !== undefined) return { status: 'quarantined', reason: 'sensitive_auth_data', detail: `${sensitive} ${PCI}` };
  if (duplicates.length > 0) return { status: 'quarantined', reason: 'duplicate_key', detail: duplicateDetail(duplicates[0]) };
  if (!isPlainObject(record)) {
    const kind = Array.isArray(record) ? 'an array' : record === null ? 'null' : `a ${typeof record}`;
    return { status: 'quarantined', reason: 'not_an_object', detail: `the record is ${kind}, not a JSON object` };
  }
  const walk: Walk = { plan, counts: emptyCounts() };
  const out = transformObject(record, plan.root, walk) as Record<string, unknown>;
  const mismatched = walk.quarantineField;
  if (mismatched !== undefined) {
    return {
      status: 'quarantined',
      reason: 'shape_mismatch',
      field: mismatched.path,
      detail: `field "${mismatched.path}" holds a value that is not ${(mismatched.keep as CompiledKeep).shape}, the shape the rule keeps; the rule quarantines such records`,
    };
  }
  return walk.mismatches === undefined ? { status: 'written', record: out, counts: walk.counts } : { status: 'written', record: out, counts: walk.counts, mismatches: walk.mismatches };
}

/**
 * What happens to the field at `path` (as names): its own transform, the transform of a named field
 * enclosing it, or `otherFields`. Used to decide the columns of a CSV output before any row is read.
 */
export function transformForPath(plan: DesensitizePlan, path: readonly string[]): Transform | OtherFieldsTransform {
  let node = plan.root;
  for (const name of path) {
    const child = node.children.get(name);
    if (child === undefined) return plan.otherFields;
    if (child.transform !== undefined) return child.transform;
    node = child;
  }
  // The rule looks inside this field, but here it holds a single value: nothing named applies.
  return plan.otherFields;
}
