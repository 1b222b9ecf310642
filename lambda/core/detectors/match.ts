import type { Category } from '../categories';

/** An identifier found inside a string: `text.slice(start, end)` is what must not leave. */
export interface IdentifierMatch {
  readonly start: number;
  readonly end: number;
  readonly category: Category;
}
