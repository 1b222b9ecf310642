/**
 * Findings shared by the readers of one record. The gateway's one pass hands each record to the
 * inventory and then to every rule's transforms, and they scan many of the same values (a memo the
 * inventory counts and a rule redacts, a mobile it counts and a rule tokenizes). Inside
 * `sharingFindings`, a detector made `shareable` scans each text once and gives its finding again
 * for the same text. A shareable detector depends on its text alone, and its findings are never
 * changed by their readers, so results are the same as without; everything kept is dropped when the
 * work returns (one record's values, never more than SHARED_TEXTS per detector).
 */

/** A record has a few dozen values; beyond this many per detector, further ones are scanned without being kept. */
const SHARED_TEXTS = 64;

interface Shared {
  readonly texts: string[];
  readonly findings: unknown[];
}

const everyShared: Shared[] = [];
let sharing = false;

/** Runs `work` with the findings of shareable detectors kept for its duration (nested calls join the outer one). */
export function sharingFindings<T>(work: () => T): T {
  if (sharing) return work();
  sharing = true;
  try {
    return work();
  } finally {
    sharing = false;
    for (const shared of everyShared) {
      if (shared.texts.length === 0) continue;
      shared.texts.length = 0;
      shared.findings.length = 0;
    }
  }
}

/** `detect`, with its findings shared inside `sharingFindings`; `detect` must depend on its text alone. */
export function shareable<F>(detect: (text: string) => F): (text: string) => F {
  const shared: Shared = { texts: [], findings: [] };
  everyShared.push(shared);
  return (text) => {
    if (!sharing) return detect(text);
    const known = shared.texts.indexOf(text);
    if (known !== -1) return shared.findings[known] as F;
    const found = detect(text);
    if (shared.texts.length < SHARED_TEXTS) {
      shared.texts.push(text);
      shared.findings.push(found);
    }
    return found;
  };
}
