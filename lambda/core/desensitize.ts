/**
 * Applies a transfer rule to one record: the local desensitization step that runs in the home
 * region before anything leaves.
 *
 * Order of decisions, each failing closed:
 * 1. a record that is not a JSON object, or that carries sensitive authentication data anywhere
 *    (by field name at any depth, or track data in any string), is quarantined untouched;
 * 2. named fields get their transform; fields not named follow `otherFields` (default: dropped);
 * 3. every string that survives, in `keep` and `redact` fields alike, is scanned and any identifier
 *    in it replaced by a placeholder: in `keep` fields this is the safety net, and it is counted.
 */
import { locateSensitiveAuthData } from './detectors/sensitive-auth-data';
import type { TokenKey } from './tokens';
import type { OtherFieldsTransform, Transform, TransferRule } from './transfer-rule';
import {
  emptyCounts,
  isPlainObject,
  lastFour,
  maskPan,
  scrubDeep,
  setField,
  setScrubbedField,
  tokenizeValue,
  type TransformCounts,
} from './transforms';

/** A rule compiled into a tree of field names, for walking records without building path strings. */
interface RuleNode {
  readonly transform?: Transform;
  readonly children: Map<string, RuleNode>;
}

export interface DesensitizePlan {
  readonly rule: TransferRule;
  readonly tokenKey: TokenKey;
  readonly root: RuleNode;
  readonly otherFields: OtherFieldsTransform;
}

export type QuarantineReason = 'sensitive_auth_data' | 'not_an_object';

export type DesensitizeResult =
  | { readonly status: 'written'; readonly record: Record<string, unknown>; readonly counts: TransformCounts }
  | { readonly status: 'quarantined'; readonly reason: QuarantineReason; readonly detail: string };

/** Compiles a validated rule (see `loadTransferRule`) with the key its `token` fields use. */
export function compileTransferRule(rule: TransferRule, tokenKey: TokenKey): DesensitizePlan {
  const root: RuleNode = { children: new Map() };
  for (const [path, transform] of Object.entries(rule.fields)) {
    const names = path.split('.');
    let node = root;
    names.forEach((name, index) => {
      let child = node.children.get(name);
      if (child === undefined) {
        child = index === names.length - 1 ? { transform, children: new Map() } : { children: new Map() };
        node.children.set(name, child);
      }
      node = child;
    });
  }
  return { rule, tokenKey, root, otherFields: rule.otherFields };
}

/** Where a record carries sensitive authentication data, as a quarantine detail; undefined when it does not. */
export function findSensitiveAuthData(record: unknown): string | undefined {
  const found = locateSensitiveAuthData(record);
  if (found === undefined) return undefined;
  switch (found.kind) {
    case 'field_name':
      return `sensitive authentication data in field "${found.path}"`;
    case 'track_data':
      return `magnetic-stripe track data in field "${found.path}"`;
    case 'named_value':
      return `a card code, PIN, one-time code or password written in field "${found.path}"`;
  }
}

/** What a transform returns for a field that must not appear in the output. */
const DROPPED = Symbol('dropped');
/** A transformed value, or DROPPED. */
type Output = unknown;

function applyTransform(value: unknown, transform: Transform, plan: DesensitizePlan, counts: TransformCounts): Output {
  switch (transform) {
    case 'drop':
      return DROPPED;
    case 'keep':
      return scrubDeep(value, counts, 'safetyNetRedactions');
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
function otherField(value: unknown, plan: DesensitizePlan, counts: TransformCounts): Output {
  return plan.otherFields === 'drop' ? DROPPED : scrubDeep(value, counts, 'redactions');
}

function transformNamed(value: unknown, node: RuleNode, plan: DesensitizePlan, counts: TransformCounts): Output {
  if (node.transform !== undefined) return applyTransform(value, node.transform, plan, counts);
  if (isPlainObject(value)) return transformObject(value, node, plan, counts);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const out = transformNamed(item, node, plan, counts);
      if (out !== DROPPED) items.push(out);
    }
    return items.length > 0 ? items : DROPPED;
  }
  // The rule names fields inside this one, but the record holds a scalar here: nothing named applies.
  return otherField(value, plan, counts);
}

function transformObject(
  record: Record<string, unknown>,
  node: RuleNode,
  plan: DesensitizePlan,
  counts: TransformCounts,
): Record<string, unknown> | typeof DROPPED {
  const out: Record<string, unknown> = {};
  let fields = 0;
  if (plan.otherFields === 'drop') {
    // Only named fields can survive, so walk the rule (a handful of names), not the record.
    for (const [key, child] of node.children) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const value = transformNamed(record[key], child, plan, counts);
      if (value === DROPPED) continue;
      setField(out, key, value);
      fields++;
    }
  } else {
    for (const key of Object.keys(record)) {
      const child = node.children.get(key);
      const value = child === undefined ? otherField(record[key], plan, counts) : transformNamed(record[key], child, plan, counts);
      if (value === DROPPED) continue;
      if (child === undefined) setScrubbedField(out, key, value, counts, 'redactions');
      else setField(out, key, value);
      fields++;
    }
  }
  return fields === 0 && node !== plan.root ? DROPPED : out;
}

/** Desensitizes one parsed record under a compiled rule. Pure: no I/O, no clock. */
export function desensitizeRecord(record: unknown, plan: DesensitizePlan): DesensitizeResult {
  if (!isPlainObject(record)) {
    const kind = Array.isArray(record) ? 'an array' : record === null ? 'null' : `a ${typeof record}`;
    return { status: 'quarantined', reason: 'not_an_object', detail: `the record is ${kind}, not a JSON object` };
  }
  const sensitive = findSensitiveAuthData(record);
  if (sensitive !== undefined) {
    return { status: 'quarantined', reason: 'sensitive_auth_data', detail: `${sensitive} (PCI DSS 3.3.1: never stored or sent after authorization)` };
  }
  const counts = emptyCounts();
  const out = transformObject(record, plan.root, plan, counts);
  return { status: 'written', record: out === DROPPED ? {} : out, counts };
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
