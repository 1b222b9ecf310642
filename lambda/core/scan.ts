/**
 * The data inventory: which fields hold which categories of personal financial information, and
 * how often. Built record by record (in any order, in any number of parts: snapshots merge), so a
 * scan can be split across worker threads or Lambda invocations.
 *
 * Array elements share one path (`items[].pan`). An object with more than MAX_FIELDS_PER_OBJECT
 * distinct keys (a map keyed by ids) folds the rest into `*`, so the inventory stays readable.
 */
import { CATEGORIES, highestLevel, type Category, type Level } from './categories';
import { findIdentifiers } from './detectors/identifiers';
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
  readonly recordsWithSensitiveAuthData: number;
  readonly fields: readonly FieldSnapshot[];
}

export interface FieldFinding extends FieldSnapshot {
  readonly level: Level;
}

export interface InventoryReport {
  readonly records: number;
  readonly invalid: number;
  readonly recordsWithSensitiveAuthData: number;
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

function leafCategories(value: string | number, node: FieldNode): number {
  const text = typeof value === 'string' ? value : String(value);
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
  private recordsWithSensitiveAuthData = 0;

  /** Adds one parsed record; anything but a JSON object counts as invalid. */
  addRecord(record: unknown): void {
    if (!isPlainObject(record)) {
      this.invalid++;
      return;
    }
    this.records++;
    if (this.visitObject(record, this.root) & SENSITIVE_AUTH_BIT) this.recordsWithSensitiveAuthData++;
  }

  /** Counts a line that could not be parsed. */
  addInvalid(): void {
    this.invalid++;
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
      if (typeof value !== 'object') {
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
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      const found = leafCategories(value, node);
      countCategories(node, found);
      mask |= found;
    }
    return mask;
  }

  private childNode(parent: FieldNode, key: string): FieldNode {
    const existing = parent.children.get(key);
    if (existing !== undefined) return existing;
    const name = parent.children.size >= MAX_FIELDS_PER_OBJECT ? '*' : key;
    const path = name === '[]' ? `${parent.path}[]` : parent.path === '' ? name : `${parent.path}.${name}`;
    const child = parent.children.get(name) ?? this.byPath.get(path) ?? newNode(path, name);
    parent.children.set(name, child);
    this.byPath.set(path, child);
    return child;
  }

  /** Merges a snapshot taken elsewhere (another worker's part of the same input). */
  absorb(snapshot: InventorySnapshot): void {
    this.records += snapshot.records;
    this.invalid += snapshot.invalid;
    this.recordsWithSensitiveAuthData += snapshot.recordsWithSensitiveAuthData;
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
    return { records: this.records, invalid: this.invalid, recordsWithSensitiveAuthData: this.recordsWithSensitiveAuthData, fields };
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

