/**
 * The transfer register as Markdown: what an auditor files as post-transfer traceability evidence.
 * One row per declaration (what was sent, where, on what legal basis, how many records) with the
 * outcome of its delivery, preceded by what the verifier established about the chain.
 */
import type { ChainBreak, LedgerHead, LedgerSummary, TransferRecord, Violation } from '../../lambda/core/ledger';

/** A table cell: a pipe or line break inside a value must not split the row. */
function cell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function noticesOf(transfer: TransferRecord): string {
  if (transfer.notices.length === 0) return '';
  const listed = transfer.notices.map((notice) => `${notice.disposition} report of ${notice.reported} (seq ${notice.seq})`).join(', ');
  return `; later notifications, not changing it: ${listed}`;
}

function deliveryOf(transfer: TransferRecord): string {
  const { final } = transfer;
  if (final?.status === 'delivered') {
    return `delivered ${final.deliveredAt} by ${final.method} to ${final.destination.bucket}/${final.destination.key} (receipt seq ${final.seq})${noticesOf(transfer)}`;
  }
  if (final !== undefined) {
    return `failed after ${final.attempts} attempt(s) at ${final.deliveredAt}: ${final.error ?? 'no reason given'} (receipt seq ${final.seq})${noticesOf(transfer)}`;
  }
  const last = transfer.receipts[transfer.receipts.length - 1];
  if (last === undefined) return 'pending: no receipt';
  return `retrying: attempt ${last.attempts} failed at ${last.deliveredAt}: ${last.error ?? 'no reason given'} (receipt seq ${last.seq})`;
}

function violationsMarkdown(violations: readonly Violation[]): string[] {
  if (violations.length === 0) return ['What the entries say holds: one declaration per transfer and per output, and one final, unchanged state per delivery.', ''];
  return [
    `**The ledger does not tell the truth: ${violations.length} violation(s).**`,
    '',
    '| Seq | Identity | Violation |',
    '| --- | --- | --- |',
    ...violations.map((v) => `| ${[v.seq ?? '-', v.identity, v.problem].map(cell).join(' | ')} |`),
    '',
  ];
}

function rowOf(transfer: TransferRecord): string {
  const d = transfer.declaration;
  const categories = Object.entries(d.categories)
    .map(([category, records]) => `${category} ${records}`)
    .join(', ');
  return [
    d.seq,
    d.declaredAt,
    `${d.rule.id} v${d.rule.version}`,
    d.rule.purpose,
    d.rule.legalBasis,
    `${d.destination.country} (${d.destination.region}), ${d.destination.recipient}`,
    `${d.counts.in} / ${d.counts.out} / ${d.counts.quarantined}`,
    categories || 'none',
    d.safetyNetRedactions,
    `\`${d.output.sha256}\``,
    deliveryOf(transfer),
  ]
    .map(cell)
    .join(' | ');
}

/** The register of a chain that verified, with what the audit of its entries found. */
export function registerMarkdown(summary: LedgerSummary, head: LedgerHead | undefined, entries: number, violations: readonly Violation[] = []): string {
  const undelivered = summary.undelivered.length === 0 ? 'none' : summary.undelivered.map((seq) => `seq ${seq}`).join(', ');
  const chain =
    head === undefined
      ? 'The ledger is empty.'
      : `The hash chain verifies from seq 1 to seq ${head.seq}: ${entries} entries (${summary.declarations} declarations, ${summary.receipts} receipts, ${summary.notices} notices); head hash \`${head.hash}\`.`;
  return [
    '# Transfer register',
    '',
    chain,
    '',
    ...violationsMarkdown(violations),
    `Declarations without a delivered receipt: ${undelivered}.`,
    '',
    '| Seq | Declared (UTC) | Rule | Purpose | Legal basis | Destination | Records in / out / quarantined | Categories (records) | Safety-net redactions | Output SHA-256 | Delivery |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...summary.transfers.map((transfer) => `| ${rowOf(transfer)} |`),
    '',
  ].join('\n');
}

/** What stands in the register's place when the chain does not verify. */
export function brokenChainMarkdown(firstBreak: ChainBreak): string {
  const where = firstBreak.file === undefined ? `seq ${firstBreak.seq}` : `seq ${firstBreak.seq} (${firstBreak.file})`;
  return [
    '# Transfer register',
    '',
    `**The ledger does not verify.** First break at ${where}: ${firstBreak.reason}`,
    '',
    'No register is produced from a broken chain: entries from the break on cannot be vouched for.',
    '',
  ].join('\n');
}
