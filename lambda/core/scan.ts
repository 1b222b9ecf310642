/**
 * The data inventory: which fields hold which categories of personal financial information, and
 * how often. Built record by record (in any order, in any number of parts: snapshots merge), so a
 * scan can be split across worker threads or Lambda invocations.
 *
 * Array elements share one path (`items[].pan`). A key that holds an identifier (a map keyed by
 * phone numbers) is never a path segment: it is shown by its category (`byPhone.[cn_mobile].name`),
 * and all such keys share that node. An object with more than MAX_FIELDS_PER_OBJECT distinct keys
 * folds the rest into `*`, so the inventory stays readable. Every value of a repeated key is
 * inventoried, and counts for sensitive authentication data.
 */
import type { QuarantineReasonCode } from './batch';
import { CATEGORIES, highestLevel, type Category, type Level } from './categories';
import { findIdentifiers } from './detectors/identifiers';
import { withoutIdentifiers } from './diagnostics';
import type { DuplicateKey } from './json/exact-parser';
import { isJsonNumber, numberValueText, type NumberValue } from './json/json-number';
import { isTransactionIdFieldName, looksLikeTransactionId } from './detectors/payment-transaction-id';
import { carriesValue, isSensitiveAuthFieldName, sensitiveAuthDataInText } from './detectors/sensitive-auth-data';
import { isPlainObject } from './transforms';

const MAX_FIELDS_PER_OBJECT = 500;
const categoryIndex = (category: Category): number => CATEGORIES.indexOf(category);
/** Each category as one bit, so a value's findings are a number, not a set. */
const CATEGORY_BIT = Object.fromEntries(CATEGORIES.map((category) => [category, 1 << categoryIndex(category)])) as Record<Category, number>;
const TRANSACTION_ID_BIT = CATEGORY_BIT.payment_transaction_id;
const SENSITIVE_AUTH_BIT = CATEGORY_BIT.sensitive_auth_data;

interface FieldNode {
  readonly path: string;
  readonly transactionIdName: boolean;
  readonly sensitiveAuthName: boolean;
  readonly children: Map<string, FieldNode>;
  values: number;
  /** Values in which each category was found, indexed like CATEGORIES. */
  readonly found: number[];
}

export interface FieldSnapshot {
  readonly path: string;
  readonly values: number;
  readonly categories: Partial<Record<Category, number>>;
}

/** Everything an Inventory knows, as plain JSON: what workers send back to be merged. */
export interface InventorySnapshot {
  readonly records: number;
  readonly invalid: number;
  /** Why the invalid lines could not be read. */
  readonly invalidReasons: Partial<Record<QuarantineReasonCode, number>>;
  readonly recordsWithSensitiveAuthData: number;
  /** Records in which a key appears twice in one object (the gate quarantines them). */
  readonly recordsWithDuplicateKeys: number;
  readonly fields: readonly FieldSnapshot[];
}

export interface FieldFinding extends FieldSnapshot {
  readonly level: Level;
}

export interface InventoryReport {
  readonly records: number;
  readonly invalid: number;
  readonly invalidReasons: Partial<Record<QuarantineReasonCode, number>>;
  readonly recordsWithSensitiveAuthData: number;
  readonly recordsWithDuplicateKeys: number;
  /** Fields where at least one category was found, most sensitive first. */
  readonly fields: readonly FieldFinding[];
}

function newNode(path: string, name: string): FieldNode {
  return {
    path,
    transactionIdName: isTransactionIdFieldName(name),
    sensitiveAuthName: isSensitiveAuthFieldName(name),
    children: new Map(),
    values: 0,
    found: CATEGORIES.map(() => 0),
  };
}

function leafCategories(value: string | NumberValue, node: FieldNode): number {
  const text = typeof value === 'string' ? value : numberValueText(value);
  let mask = 0;
  const matches = findIdentifiers(text);
  for (let i = 0; i < matches.length; i++) mask |= CATEGORY_BIT[matches[i].category];
  if (node.transactionIdName && looksLikeTransactionId(text)) mask |= TRANSACTION_ID_BIT;
  if (typeof value === 'string' && sensitiveAuthDataInText(value) !== undefined) mask |= SENSITIVE_AUTH_BIT;
  return mask;
}

function countCategories(node: FieldNode, mask: number): void {
  for (let index = 0; mask !== 0; index++, mask >>>= 1) if (mask & 1) node.found[index]++;
}

export class Inventory {
  private readonly root: FieldNode = newNode('', '');
  /** Every field node by path, in the order first seen (also nodes only known from absorbed snapshots). */
  private readonly byPath = new Map<string, FieldNode>();
  private records = 0;
  private invalid = 0;
  private readonly invalidReasons: Partial<Record<QuarantineReasonCode, number>> = {};
  private recordsWithSensitiveAuthData = 0;
  private recordsWithDuplicateKeys = 0;

  /** Adds one parsed record (with the repeated keys its reader found); anything but a JSON object counts as invalid. */
  addRecord(record: unknown, duplicates: readonly DuplicateKey[] = []): void {
    if (!isPlainObject(record)) {
      this.addInvalid('not_an_object');
      return;
    }
    this.records++;
    let mask = this.visitObject(record, this.root);
    if (duplicates.length > 0) {
      this.recordsWithDuplicateKeys++;
      // The record holds the last value of each repeated key; the others are inventoried too.
      for (const duplicate of duplicates) {
        const node = this.childNode(this.nodeAt(duplicate.path), duplicate.key);
        for (const value of duplicate.values.slice(0, -1)) mask |= this.visitField(value, node);
      }
    }
    if (mask & SENSITIVE_AUTH_BIT) this.recordsWithSensitiveAuthData++;
  }

  /** Counts a line that could not be read as a record, and why. */
  addInvalid(reason: QuarantineReasonCode = 'unparseable'): void {
    this.invalid++;
    this.invalidReasons[reason] = (this.invalidReasons[reason] ?? 0) + 1;
  }

  private nodeAt(path: readonly (string | number)[]): FieldNode {
    let node = this.root;
    for (const segment of path) node = this.childNode(node, typeof segment === 'number' ? '[]' : segment);
    return node;
  }

  /** Returns the categories found in the object (as a bit mask), recording them per field. */
  private visitObject(object: Record<string, unknown>, node: FieldNode): number {
    let mask = 0;
    for (const key of Object.keys(object)) mask |= this.visitField(object[key], this.childNode(node, key));
    return mask;
  }

  private visitField(value: unknown, node: FieldNode): number {
    let mask = 0;
    if (node.sensitiveAuthName && carriesValue(value)) {
      mask = SENSITIVE_AUTH_BIT;
      if (typeof value !== 'object' || isJsonNumber(value)) {
        node.values++;
        countCategories(node, mask);
        return mask;
      }
      node.found[categoryIndex('sensitive_auth_data')]++;
    }
    if (isPlainObject(value)) return mask | this.visitObject(value, node);
    if (Array.isArray(value)) {
      const items = this.childNode(node, '[]');
      for (const item of value) mask |= this.visitField(item, items);
      return mask;
    }
    if (value === null || value === '' || value === undefined) return mask;
    node.values++;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || isJsonNumber(value)) {
      const found = leafCategories(value, node);
      countCategories(node, found);
      mask |= found;
    }
    return mask;
  }

  private childNode(parent: FieldNode, key: string): FieldNode {
    const existing = parent.children.get(key);
    if (existing !== undefined) return existing;
    const shown = key === '[]' ? key : withoutIdentifiers(key);
    // A key holding an identifier is not remembered (one per record would pile up): only its category is.
    const name = shown !== key ? shown : parent.children.size >= MAX_FIELDS_PER_OBJECT ? '*' : key;
    const joined = name === '[]' ? `${parent.path}[]` : parent.path === '' ? name : `${parent.path}.${name}`;
    // Short keys can spell an identifier together (`a.1380.0138.000`).
    const path = withoutIdentifiers(joined);
    const child = parent.children.get(name) ?? this.byPath.get(path) ?? newNode(path, key);
    parent.children.set(name, child);
    this.byPath.set(path, child);
    return child;
  }

  /** Merges a snapshot taken elsewhere (another worker's part of the same input). */
  absorb(snapshot: InventorySnapshot): void {
    this.records += snapshot.records;
    this.invalid += snapshot.invalid;
    for (const [reason, count] of Object.entries(snapshot.invalidReasons) as [QuarantineReasonCode, number][]) {
      this.invalidReasons[reason] = (this.invalidReasons[reason] ?? 0) + count;
    }
    this.recordsWithSensitiveAuthData += snapshot.recordsWithSensitiveAuthData;
    this.recordsWithDuplicateKeys += snapshot.recordsWithDuplicateKeys;
    for (const field of snapshot.fields) {
      let node = this.byPath.get(field.path);
      if (node === undefined) {
        node = newNode(field.path, field.path.endsWith('[]') ? '[]' : field.path.slice(field.path.lastIndexOf('.') + 1));
        this.byPath.set(field.path, node);
      }
      node.values += field.values;
      for (const category of CATEGORIES) node.found[categoryIndex(category)] += field.categories[category] ?? 0;
    }
  }

  snapshot(): InventorySnapshot {
    const fields: FieldSnapshot[] = [];
    for (const node of this.byPath.values()) {
      const categories: Partial<Record<Category, number>> = {};
      node.found.forEach((count, index) => {
        if (count > 0) categories[CATEGORIES[index]] = count;
      });
      if (node.values > 0 || Object.keys(categories).length > 0) fields.push({ path: node.path, values: node.values, categories });
    }
    return {
      records: this.records,
      invalid: this.invalid,
      invalidReasons: { ...this.invalidReasons },
      recordsWithSensitiveAuthData: this.recordsWithSensitiveAuthData,
      recordsWithDuplicateKeys: this.recordsWithDuplicateKeys,
      fields,
    };
  }

  report(): InventoryReport {
    const snapshot = this.snapshot();
    const fields: FieldFinding[] = [];
    for (const field of snapshot.fields) {
      const level = highestLevel(Object.keys(field.categories) as Category[]);
      if (level !== undefined) fields.push({ ...field, level });
    }
    fields.sort((a, b) => b.level.localeCompare(a.level) || a.path.localeCompare(b.path));
    return { ...snapshot, fields };
  }
}

