/**
 * `residency incident list|record|evidence`: the breach clocks from a local copy of the incident
 * store, validated state changes for the incident function, and the evidence pack for one incident.
 * Reads files only (see incident-copy.ts for the copies' layout).
 */
import { writeFileSync } from 'node:fs';
import {
  bothTimes,
  CN_GRADES,
  deadlineLine,
  deadlinesOf,
  entryProblems,
  formatRemaining,
  type IncidentBody,
  incidentHeadline,
} from '../../lambda/core/incidents';
import { CATEGORIES } from '../../lambda/core/categories';
import type { DeclarationEntry, ReceiptEntry } from '../../lambda/core/ledger';
import { readHeadcounts, readIncident, readIncidents, trailEvents, type LoadedIncident } from './incident-copy';
import { CliError, type CliIo } from './io';
import { parseFlags, requireFlag, USAGE_ERROR } from './options';
import { readVerifiedLedger } from './subject-locate';

const USAGE = `usage: residency incident <list|record|evidence> [options]

  list      --dir DIR [--all] [--at ISO_TIME] [--format json|markdown]
            open incidents (or all) and the clock of every duty, from: aws s3 sync s3://<incident-bucket>/incidents DIR
  record    --dir DIR --id ID --kind assessed|notified|closed --out PAYLOAD.json [fields]
            assessed: --role R --personal-data yes|no [--cn-grade G] [--individuals N] [--categories a,b]
                      [--not-required OBLIGATION=REASON ...] [--note TEXT]
            notified: --obligation ID --authority TEXT [--reference TEXT]      closed: --reason TEXT
            [--at ISO_TIME] (default now). Validated against the copy, then sent with:
            aws lambda invoke --function-name <incident function> --payload fileb://PAYLOAD.json out.json
  evidence  --dir DIR --id ID --trail DIR --ledger DIR [--headcounts FILE] [--from ISO] [--to ISO] --out FILE
            the trail events, ledger declarations and receipts in the window, and the headcounts
`;

function nowFrom(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new CliError(`--at "${at}": expected an ISO 8601 time`, USAGE_ERROR);
  return new Date(ms);
}

function listMarkdown(incidents: readonly LoadedIncident[], now: Date): string {
  const lines = [`# Incidents (${incidents.length}) at ${now.toISOString()}`, ''];
  for (const { state } of incidents) {
    lines.push(`## ${incidentHeadline(state)}`, '', `Status: ${state.closed ? `closed ${state.closed.at} (${state.closed.reason})` : 'open'}`, '');
    lines.push('| duty | jurisdiction | due | status |', '| --- | --- | --- | --- |');
    for (const d of deadlinesOf(state, now)) {
      const status = d.status === 'not-required' ? `not required: ${d.reason}` : d.metAt ? `${d.status} ${d.metAt}` : `${d.status} (${formatRemaining(d.remainingMs ?? 0)})`;
      const due = d.obligation.clock.kind === 'immediately' ? 'immediately' : bothTimes(d.dueAt, d.obligation.timeZone);
      lines.push(`| ${d.obligation.id}: ${d.obligation.law} | ${d.obligation.jurisdiction} | ${due}${d.provisional ? ' (provisional)' : ''} | ${status} |`);
    }
    if (state.opened.unmodeled.length > 0) lines.push('', `No duty modeled for ${state.opened.unmodeled.join(', ')}: check their law.`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function list(args: string[], io: CliIo): number {
  const flags = parseFlags(args, { dir: { type: 'string' }, all: { type: 'boolean' }, at: { type: 'string' }, format: { type: 'string' } });
  const now = nowFrom(flags.at);
  const shown = readIncidents(requireFlag(flags.dir, 'dir')).filter((i) => flags.all || !i.state.closed);
  if (flags.format === 'markdown') {
    io.stdout(listMarkdown(shown, now));
    return 0;
  }
  if (flags.format !== undefined && flags.format !== 'json') throw new CliError(`--format "${flags.format}": expected json or markdown`, USAGE_ERROR);
  const out = shown.map(({ state }) => ({
    incidentId: state.incidentId,
    status: state.closed ? 'closed' : 'open',
    severity: state.severity,
    cnGrade: state.cnGrade,
    cnGradeAssessed: state.cnGradeAssessed,
    source: state.opened.source,
    openedAt: state.opened.openedAt,
    unmodeled: state.opened.unmodeled,
    deadlines: deadlinesOf(state, now).map((d) => ({ obligation: d.obligation.id, jurisdiction: d.obligation.jurisdiction, dueAt: d.dueAt, status: d.status, provisional: d.provisional, line: deadlineLine(d) })),
  }));
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

function assessedBody(flags: Record<string, string | string[] | boolean | undefined>, at: string): IncidentBody {
  const personal = requireFlag(flags['personal-data'] as string | undefined, 'personal-data');
  if (personal !== 'yes' && personal !== 'no') throw new CliError(`--personal-data "${personal}": expected yes or no`, USAGE_ERROR);
  const grade = flags['cn-grade'] as string | undefined;
  if (grade !== undefined && !(CN_GRADES as readonly string[]).includes(grade)) throw new CliError(`--cn-grade "${grade}": expected one of ${CN_GRADES.join(', ')}`, USAGE_ERROR);
  const categories = ((flags.categories as string | undefined) ?? '').split(',').filter((c) => c !== '');
  const unknown = categories.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new CliError(`--categories: unknown ${unknown.join(', ')}; expected ${CATEGORIES.join(', ')}`, USAGE_ERROR);
  const individuals = flags.individuals === undefined ? undefined : Number(flags.individuals);
  if (individuals !== undefined && (!Number.isInteger(individuals) || individuals < 0)) throw new CliError(`--individuals "${String(flags.individuals)}": expected a whole number`, USAGE_ERROR);
  const notRequired = ((flags['not-required'] as string[] | undefined) ?? []).map((value) => {
    const eq = value.indexOf('=');
    if (eq < 1) throw new CliError(`--not-required "${value}": expected OBLIGATION=REASON`, USAGE_ERROR);
    return { obligation: value.slice(0, eq), reason: value.slice(eq + 1) };
  });
  return {
    kind: 'assessed',
    at,
    role: requireFlag(flags.role as string | undefined, 'role'),
    personalDataInvolved: personal === 'yes',
    ...(grade ? { cnGrade: grade as (typeof CN_GRADES)[number] } : {}),
    ...(individuals === undefined ? {} : { individualsAffected: individuals }),
    ...(categories.length > 0 ? { categories: categories as Array<(typeof CATEGORIES)[number]> } : {}),
    notRequired,
    ...(flags.note ? { note: flags.note as string } : {}),
  };
}

function record(args: string[], io: CliIo): number {
  const flags = parseFlags(args, {
    dir: { type: 'string' },
    id: { type: 'string' },
    kind: { type: 'string' },
    out: { type: 'string' },
    at: { type: 'string' },
    role: { type: 'string' },
    'personal-data': { type: 'string' },
    'cn-grade': { type: 'string' },
    individuals: { type: 'string' },
    categories: { type: 'string' },
    'not-required': { type: 'string', multiple: true },
    note: { type: 'string' },
    obligation: { type: 'string' },
    authority: { type: 'string' },
    reference: { type: 'string' },
    reason: { type: 'string' },
  });
  const incident = readIncident(requireFlag(flags.dir, 'dir'), requireFlag(flags.id, 'id'));
  const now = new Date();
  const at = nowFrom(flags.at).toISOString();
  const kind = requireFlag(flags.kind, 'kind');
  let entry: IncidentBody;
  if (kind === 'assessed') entry = assessedBody(flags, at);
  else if (kind === 'notified') {
    entry = {
      kind,
      at,
      obligation: requireFlag(flags.obligation, 'obligation'),
      authority: requireFlag(flags.authority, 'authority'),
      ...(flags.reference ? { reference: flags.reference } : {}),
    };
  } else if (kind === 'closed') entry = { kind, at, reason: requireFlag(flags.reason, 'reason') };
  else throw new CliError(`--kind "${kind}": expected assessed, notified or closed`, USAGE_ERROR);
  const problems = entryProblems(incident.state, entry, now);
  if (problems.length > 0) throw new CliError(`entry refused: ${problems.join('; ')}`);
  const out = requireFlag(flags.out, 'out');
  writeFileSync(out, `${JSON.stringify({ action: 'record', incidentId: incident.id, entry }, null, 2)}\n`);
  io.stdout(`aws lambda invoke --function-name <incident function> --payload fileb://${out} response.json\n`);
  return 0;
}

function sum(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

function evidence(args: string[], io: CliIo): number {
  const flags = parseFlags(args, {
    dir: { type: 'string' },
    id: { type: 'string' },
    trail: { type: 'string' },
    ledger: { type: 'string' },
    headcounts: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  });
  const incident = readIncident(requireFlag(flags.dir, 'dir'), requireFlag(flags.id, 'id'));
  const { state } = incident;
  const start = state.opened.activity?.from ?? state.opened.openedAt;
  const from = flags.from ? nowFrom(flags.from).toISOString() : new Date(Date.parse(start) - 24 * 3_600_000).toISOString();
  const to = flags.to ? nowFrom(flags.to).toISOString() : (state.closed?.at ?? new Date().toISOString());
  if (from > to) throw new CliError(`the window is empty: --from ${from} is after --to ${to}`, USAGE_ERROR);

  const trail = trailEvents(requireFlag(flags.trail, 'trail'), from, to);
  const bySource: Record<string, Record<string, number>> = {};
  for (const e of trail.events) sum((bySource[e.eventSource] ??= {}), e.eventName, 1);

  const entries = readVerifiedLedger(requireFlag(flags.ledger, 'ledger'));
  const declarations = entries.filter((e): e is DeclarationEntry => e.kind === 'declaration' && e.declaredAt >= from && e.declaredAt <= to);
  const receipts = entries.filter((e): e is ReceiptEntry => e.kind === 'receipt' && e.deliveredAt >= from && e.deliveredAt <= to);
  const byRecipient: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  for (const d of declarations) {
    sum(byRecipient, `${d.destination.recipient} (${d.destination.region}, ${d.destination.country})`, d.output.records);
    for (const [category, n] of Object.entries(d.categories)) sum(byCategory, category, n);
  }
  const pack = {
    kind: 'incident-evidence-pack',
    generatedAt: new Date().toISOString(),
    window: { from, to },
    incident: { entries: incident.entries, deadlines: deadlinesOf(state, new Date(to)).map((d) => ({ obligation: d.obligation.id, law: d.obligation.law, dueAt: d.dueAt, status: d.status, metAt: d.metAt })) },
    trail: { files: trail.files, events: trail.events.length, bySource, records: trail.events },
    ledger: {
      verified: true,
      declarations: declarations.map((d) => ({
        seq: d.seq,
        declaredAt: d.declaredAt,
        rule: d.rule,
        destination: d.destination,
        records: d.output.records,
        counts: d.counts,
        categories: d.categories,
      })),
      receipts: receipts.map((r) => ({ seq: r.seq, declarationSeq: r.declarationSeq, status: r.status, region: r.destination.region, deliveredAt: r.deliveredAt })),
      totals: { records: declarations.reduce((n, d) => n + d.output.records, 0), byRecipient, byCategory },
    },
    headcounts: flags.headcounts ? readHeadcounts(flags.headcounts) : 'not given (--headcounts: aws dynamodb scan of the headcount table)',
  };
  const out = requireFlag(flags.out, 'out');
  writeFileSync(out, `${JSON.stringify(pack, null, 2)}\n`);
  io.stdout(`${JSON.stringify({ out, window: pack.window, trailEvents: trail.events.length, declarations: declarations.length, receipts: receipts.length, records: pack.ledger.totals.records })}\n`);
  return 0;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    io.stdout(USAGE);
    return sub === undefined ? USAGE_ERROR : 0;
  }
  if (sub === 'list') return list(rest, io);
  if (sub === 'record') return record(rest, io);
  if (sub === 'evidence') return evidence(rest, io);
  throw new CliError(`unknown subcommand "${sub}"; expected list, record or evidence`, USAGE_ERROR);
}
