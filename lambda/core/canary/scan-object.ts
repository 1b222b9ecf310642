/**
 * The leak canary's re-scan of one outbound object: every value and every key of every record is
 * run through the same detectors as the gateway's safety net (`findIdentifiers`), every record
 * through the sensitive-authentication-data walk (`locateSensitiveAuthData`), and every line's raw
 * text too, so a number beyond JSON's precision or a line that is not JSON is not a blind spot.
 *
 * A finding says where and what, never the value: the category, the line, the field path (a key
 * that is itself an identifier is shown by its category), and the offsets inside the value.
 */
import { CATEGORIES, type Category } from '../categories';
import { findIdentifiers, replaceMatches } from '../detectors/identifiers';
import { locateSensitiveAuthData } from '../detectors/sensitive-auth-data';

export interface CanaryFinding {
  readonly category: Category;
  /** 1-based line of the object. */
  readonly line: number;
  /** Where in the record: `payer.idNumber`, `items[2].memo`; null when found only in the line's text. */
  readonly fieldPath: string | null;
  /** Offsets of the identifier inside the value (or the line, when `fieldPath` is null). */
  readonly start: number;
  readonly end: number;
}

export interface ObjectScan {
  readonly lines: number;
  readonly records: number;
  readonly unparseableLines: number;
  /** Every finding counted, by category. */
  readonly counts: Partial<Record<Category, number>>;
  /** The first findings with their positions (at most `maxFindings`). */
  readonly findings: readonly CanaryFinding[];
  readonly findingsTruncated: boolean;
}

/** A path or key with every identifier in it replaced by a placeholder naming its category. */
export function withoutIdentifiers(text: string): string {
  const matches = findIdentifiers(text);
  return matches.length === 0 ? text : replaceMatches(text, matches);
}

const joinPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** Scans an object line by line (streaming: feed lines as they arrive). */
export class ObjectScanner {
  private lines = 0;
  private records = 0;
  private unparseable = 0;
  private readonly counts: Partial<Record<Category, number>> = {};
  private readonly findings: CanaryFinding[] = [];
  private truncated = false;

  constructor(private readonly maxFindings = 100) {}

  addLine(text: string): void {
    this.lines++;
    const line = this.lines;
    if (text.trim() === '') return;
    const structured: CanaryFinding[] = [];
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      this.unparseable++;
    }
    if (record !== undefined) {
      this.records++;
      this.walk(record, '', line, structured);
      const sad = locateSensitiveAuthData(record);
      if (sad !== undefined) structured.push({ category: 'sensitive_auth_data', line, fieldPath: withoutIdentifiers(sad.path), start: 0, end: 0 });
    }
    // The line's raw text: anything found there beyond what the fields account for is a finding too
    // (a number beyond JSON's precision, a line that is not JSON). In a parsed line the raw text puts
    // each field name next to its value, which is context the transaction-id detector reads: whether
    // a field may carry a transaction id is the transfer rule's decision, judged on values as the
    // gateway's safety net judges them, so that category counts from the fields only.
    const raw = findIdentifiers(text).filter((m) => record === undefined || m.category !== 'payment_transaction_id');
    const accounted = new Map<Category, number>();
    for (const f of structured) accounted.set(f.category, (accounted.get(f.category) ?? 0) + 1);
    const extra = raw.filter((m) => {
      const left = accounted.get(m.category) ?? 0;
      if (left > 0) {
        accounted.set(m.category, left - 1);
        return false;
      }
      return true;
    });
    for (const finding of [...structured, ...extra.map((m) => ({ category: m.category, line, fieldPath: null, start: m.start, end: m.end }))]) this.record(finding);
  }

  private walk(value: unknown, path: string, line: number, out: CanaryFinding[]): void {
    if (typeof value === 'string' || typeof value === 'number') {
      const text = typeof value === 'string' ? value : String(value);
      for (const m of findIdentifiers(text)) out.push({ category: m.category, line, fieldPath: path, start: m.start, end: m.end });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.walk(item, `${path}[${i}]`, line, out));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const keyMatches = findIdentifiers(key);
      const shownKey = keyMatches.length === 0 ? key : replaceMatches(key, keyMatches);
      const childPath = joinPath(path, shownKey);
      for (const m of keyMatches) out.push({ category: m.category, line, fieldPath: childPath, start: m.start, end: m.end });
      this.walk(child, childPath, line, out);
    }
  }

  private record(finding: CanaryFinding): void {
    this.counts[finding.category] = (this.counts[finding.category] ?? 0) + 1;
    if (this.findings.length < this.maxFindings) this.findings.push(finding);
    else this.truncated = true;
  }

  result(): ObjectScan {
    const counts = Object.fromEntries(CATEGORIES.filter((c) => this.counts[c] !== undefined).map((c) => [c, this.counts[c]])) as Partial<Record<Category, number>>;
    return { lines: this.lines, records: this.records, unparseableLines: this.unparseable, counts, findings: [...this.findings], findingsTruncated: this.truncated };
  }
}

export function findingCount(scan: ObjectScan): number {
  return Object.values(scan.counts).reduce((sum, n) => sum + (n ?? 0), 0);
}
