import { z } from 'zod';
import { nextDateOf, TRANSFER_INSTRUMENTS_METADATA_KEY, type InstrumentSummary, type RegisterRecord } from '../../lambda/core/assessment/instruments/summary';
import { INSTRUMENT_KIND_NAMES } from '../../lambda/core/assessment/instruments/kinds';
import { daysBetween } from '../../lambda/core/assessment/instruments/check';
import { readAssemblyStacks, type AssemblyStack } from '../report/cloud-assembly';
import { escapeHtml } from '../report/diagrams';

/**
 * The transfer-instrument register in the evidence: the home stack writes it into its template's
 * Metadata at synth (facts and dates only, so the template does not change from one day to the
 * next); the evidence page renders it, soonest expiry or review first, with days left counted from
 * the report's own date. A small section the report calls, so the report's own model stays its own.
 */

const isoDate = z.iso.date();
const SummarySchema = z.object({
  id: z.string(),
  kind: z.enum(INSTRUMENT_KIND_NAMES),
  label: z.string(),
  recipient: z.string(),
  reference: z.string(),
  dateKey: z.string(),
  date: isoDate,
  expiresOn: isoDate.optional(),
  reviewDue: isoDate.optional(),
  rules: z.array(z.string()),
  details: z.array(z.string()),
});
const RecordSchema = z.object({ source: z.string(), impactAssessmentMaxAgeDays: z.number().int().positive(), instruments: z.array(SummarySchema) });

export interface RecordedRegister {
  readonly stackPath: string;
  readonly record: RegisterRecord;
}

/** The registers recorded in the templates; a malformed record is reported, never silently skipped. */
export function recordedRegisters(stacks: readonly Pick<AssemblyStack, 'path' | 'template'>[]): { registers: RecordedRegister[]; problems: string[] } {
  const registers: RecordedRegister[] = [];
  const problems: string[] = [];
  for (const stack of stacks) {
    const raw = stack.template.Metadata?.[TRANSFER_INSTRUMENTS_METADATA_KEY];
    if (raw === undefined) continue;
    const parsed = RecordSchema.safeParse(raw);
    if (parsed.success) registers.push({ stackPath: stack.path, record: parsed.data });
    else problems.push(`${stack.path}: the ${TRANSFER_INSTRUMENTS_METADATA_KEY} metadata is malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return { registers, problems };
}

/** The instrument whose expiry or review comes first, with the days left from `today` (negative: overdue). */
export function nextDue(record: RegisterRecord, today: string): { instrument: InstrumentSummary; date: string; event: string; daysLeft: number } | undefined {
  const dated = record.instruments
    .map((instrument) => ({ instrument, next: nextDateOf(instrument) }))
    .filter((x): x is { instrument: InstrumentSummary; next: NonNullable<typeof x.next> } => x.next !== undefined)
    .sort((a, b) => a.next.date.localeCompare(b.next.date));
  const first = dated[0];
  return first && { instrument: first.instrument, date: first.next.date, event: first.next.event, daysLeft: daysBetween(today, first.next.date) };
}

function dueCell(instrument: InstrumentSummary, today: string): string {
  const next = nextDateOf(instrument);
  if (!next) return '<td>no expiry</td><td class="num">—</td>';
  const days = daysBetween(today, next.date);
  const status = days < 0 ? ' <span class="status status-fail">overdue</span>' : days <= 90 ? ' <span class="status status-acknowledged">within 90 days</span>' : '';
  return `<td>${escapeHtml(`${next.event} ${next.date}`)}${status}</td><td class="num">${escapeHtml(String(days))}</td>`;
}

function registerHtml({ stackPath, record }: RecordedRegister, today: string): string {
  const next = nextDue(record, today);
  const headline = next
    ? `<p>Next to expire or fall due: <strong><code>${escapeHtml(next.instrument.id)}</code></strong> (${escapeHtml(next.instrument.label)}), ${escapeHtml(next.event)} ${escapeHtml(next.date)}: ${next.daysLeft < 0 ? `<strong>${escapeHtml(String(-next.daysLeft))} days overdue</strong>` : `in ${escapeHtml(String(next.daysLeft))} days`}.</p>`
    : '<p>No instrument in this register expires or falls due for review.</p>';
  const rows = record.instruments.map(
    (i) =>
      `<tr><td><code>${escapeHtml(i.id)}</code></td><td>${escapeHtml(i.label)}${i.details.map((d) => `<span class="small">${escapeHtml(d)}</span>`).join('')}</td><td>${escapeHtml(i.recipient)}</td><td>${escapeHtml(i.reference)}</td><td>${escapeHtml(`${i.dateKey} ${i.date}`)}</td>${dueCell(i, today)}<td>${i.rules.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ') || 'none'}</td></tr>`,
  );
  const table =
    rows.length === 0
      ? '<p>The register is empty: no rule of this stack names an instrument.</p>'
      : `<table><thead><tr><th scope="col">Instrument</th><th scope="col">What</th><th scope="col">Recipient</th><th scope="col">Reference</th><th scope="col">Dated</th><th scope="col">Next date</th><th scope="col">Days left</th><th scope="col">Rules relying on it</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
  return `<p class="meta">Register <code>${escapeHtml(record.source)}</code>, recorded in <code>${escapeHtml(stackPath)}</code>; impact assessments (PIA, TIA) are due for review ${escapeHtml(String(record.impactAssessmentMaxAgeDays))} days after their date (<code>impactAssessmentMaxAgeDays</code>). Synth refuses a rule whose instrument is missing, expired or overdue.</p>\n${headline}\n${table}`;
}

/** The evidence page's section for the registers recorded in these stacks, as of `today` (YYYY-MM-DD). */
export function transferInstrumentsSectionFor(stacks: readonly Pick<AssemblyStack, 'path' | 'template'>[], today: string): string {
  const { registers, problems } = recordedRegisters(stacks);
  const body =
    registers.length === 0
      ? `<p>No template records a transfer-instrument register (${escapeHtml(TRANSFER_INSTRUMENTS_METADATA_KEY)}).</p>`
      : registers.map((r) => registerHtml(r, today)).join('\n');
  const notes = problems.length > 0 ? `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : '';
  const count = registers.reduce((sum, r) => sum + r.record.instruments.length, 0);
  return `<section id="transfer-instruments"><h2>Transfer instruments (${count})</h2>\n${body}\n${notes}</section>`;
}

/** The section for the cloud assembly in `assemblyDir`, as of the report's `generatedAt` timestamp. */
export function transferInstrumentsSection(assemblyDir: string, generatedAt: string): string {
  return transferInstrumentsSectionFor(readAssemblyStacks(assemblyDir), generatedAt.slice(0, 10));
}
