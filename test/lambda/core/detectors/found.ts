import type { Category } from '../../../../lambda/core/categories';
import { findIdentifiers } from '../../../../lambda/core/detectors/identifiers';

/** The text of every identifier of one category that findIdentifiers reports in `text`. */
export function foundOf(text: string, category: Category): string[] {
  return findIdentifiers(text)
    .filter((m) => m.category === category)
    .map((m) => text.slice(m.start, m.end));
}
