import fc from 'fast-check';
import { compileTransferRule } from '../../../lambda/core/desensitize';
import { csvLayout, desensitizeCsv } from '../../../lambda/core/csv-records';
import { desensitizeJsonl } from '../../../lambda/core/records';
import { isSuppressed, subjectMatcher, subjectTokensOf, suppressBatch, suppressBatchBytes, suppressJsonl } from '../../../lambda/core/suppression';
import { parseSuppressionList, suppressionChanges } from '../../../lambda/core/suppression-list';
import { tokenize } from '../../../lambda/core/tokens';
import { KEY, ruleWith } from './support';
import { cardToken, mobileSpelling, mobileToken, recordLine, subject, type Subject } from './suppression-support';

const RULE = ruleWith({});
const PLAN = compileTransferRule(RULE, KEY);

/** Every way a subject's data can appear in desensitized output: its tokens and its identifiers' digits. */
function traces(s: Subject): string[] {
  return [mobileToken(KEY, s), tokenize(KEY, 'text', s.mobile), s.mobile, s.card, s.mobile.slice(3)];
}

describe('a subject on the suppression list never leaves (property)', () => {
  test('JSON Lines: no output record carries a suppressed subject, and read = written + quarantined + suppressed', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(subject, { minLength: 2, maxLength: 8, selector: (s) => s.mobile }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.nat()), mobileSpelling, fc.boolean()), { minLength: 1, maxLength: 30 }),
        fc.func(fc.boolean()),
        fc.boolean(),
        (people, rows, pick, byCard) => {
          const suppressed = people.filter((_, i) => pick(i));
          const tokens = suppressed.map((s) => (byCard ? cardToken(KEY, s) : mobileToken(KEY, s)));
          const lines = rows.map(([p, c, spell, cardAsNumber], n) => recordLine(people[p % people.length], c === null ? undefined : people[c % people.length], spell, cardAsNumber, n));
          const matcher = subjectMatcher({ key: KEY, tokens, rules: [RULE] });

          const filtered = suppressBatchBytes(Buffer.from(lines.join('\n')), undefined, matcher);
          const batch = desensitizeJsonl(filtered.bytes, PLAN);

          for (const s of suppressed) for (const trace of traces(s)) expect(batch.output).not.toContain(trace);
          const involved = rows.filter(([p, c]) => {
            const names = [people[p % people.length], ...(c === null ? [] : [people[c % people.length]])];
            return names.some((s) => suppressed.includes(s) && (!byCard || s === people[p % people.length]));
          });
          expect(filtered.suppressed).toBe(involved.length);
          expect(batch.read + filtered.suppressed).toBe(rows.length);
          expect(batch.written + batch.quarantine.length + filtered.suppressed).toBe(rows.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('CSV: the same, with quoted fields spanning lines; quarantine line numbers still point at the input', () => {
    const header = ['txn.tradeNo', 'txn.amount', 'payer.mobile', 'card.pan', 'memo'];
    const layout = csvLayout(header);
    fc.assert(
      fc.property(
        fc.uniqueArray(subject, { minLength: 2, maxLength: 6, selector: (s) => s.mobile }),
        fc.array(fc.tuple(fc.nat(), mobileSpelling, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.func(fc.boolean()),
        (people, rows, pick) => {
          const suppressed = people.filter((_, i) => pick(i));
          const matcher = subjectMatcher({ key: KEY, tokens: suppressed.map((s) => mobileToken(KEY, s)), rules: [RULE] });
          const text = rows
            .map(([p, spell, multiline], n) => `T${n},${n},${spell(people[p % people.length].mobile)},${people[p % people.length].card},${multiline ? '"two\nlines"' : 'ok'}`)
            .join('\n');
          const filtered = suppressBatchBytes(Buffer.from(text), layout, matcher);
          const plan = compileTransferRule(RULE, KEY);
          const batch = desensitizeCsv(filtered.bytes, layout, [0, 1, 2, 3, 4], plan);
          for (const s of suppressed) for (const trace of traces(s)) expect(batch.output).not.toContain(trace);
          expect(filtered.suppressed).toBe(rows.filter(([p]) => suppressed.includes(people[p % people.length])).length);
          expect(batch.read + filtered.suppressed).toBe(rows.length);
          expect(batch.lines).toBe(text.split('\n').length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('subjectTokensOf: where a record\'s subject identifiers are found', () => {
  const matcher = subjectMatcher({ key: KEY, tokens: [], rules: [ruleWith({ fields: { 'customer.id': 'token', 'txn.amount': { keep: 'decimal' } } })] });

  test('identifiers anywhere, by category, spelled any way; token fields as the token transform would', () => {
    const record = { customer: { id: 'C-000123' }, notes: [{ text: 'call +86 138 0013 8000' }], '13912345678': true };
    const tokens = subjectTokensOf(record, matcher);
    expect(tokens).toContain(tokenize(KEY, 'cn_mobile', '13800138000'));
    expect(tokens).toContain(tokenize(KEY, 'cn_mobile', '13912345678'));
    expect(tokens).toContain(tokenize(KEY, 'text', 'C-000123'));
  });

  test('a card written as a bare JSON number is matched on the digits of the line, not on the rounded float', () => {
    const line = '{"card":{"pan":6222021234567890123}}';
    const token = tokenize(KEY, 'bank_card', '6222021234567890123');
    expect(subjectTokensOf(JSON.parse(line), matcher)).not.toContain(token);
    expect(isSuppressed(JSON.parse(line), { ...matcher, tokens: new Set([token]) }, line)).toBe(true);
  });

  test('a record that already carries a token (tokenized output) is matched on it', () => {
    const token = tokenize(KEY, 'cn_mobile', '13800138000');
    expect(isSuppressed({ payer: { mobile: token } }, { ...matcher, tokens: new Set([token]) })).toBe(true);
  });

  test('an unparseable line naming a suppressed subject is withheld, not quarantined with the rest', () => {
    const token = tokenize(KEY, 'cn_mobile', '13800138000');
    const out = suppressBatch('{"payer": 13800138000,,}\n{"ok":1}', undefined, { ...matcher, tokens: new Set([token]) });
    expect(out).toEqual({ text: '\n{"ok":1}', suppressed: 1 });
  });

  test('no list, or an empty one, passes the batch through untouched', () => {
    expect(suppressBatch('{"a":1}', undefined, undefined)).toEqual({ text: '{"a":1}', suppressed: 0 });
    expect(suppressJsonl('{"payer":"13800138000"}', matcher)).toEqual({ text: '{"payer":"13800138000"}', suppressed: 0 });
  });
});

describe('the suppression list', () => {
  const token = tokenize(KEY, 'cn_mobile', '13800138000');

  test('problems name the entry and field, never the token', () => {
    expect(() => parseSuppressionList({ version: 1, entries: [{ token: 'tok_bad', reason: 'spite', since: '2026-13-01' }] }, 'list.json')).toThrow(
      /list\.json: entries\[0\]\.token: must be a token.*entries\[0\]\.reason: must be one of opt-out-sale-sharing, erasure, objection.*entries\[0\]\.since/,
    );
    try {
      parseSuppressionList({ version: 1, entries: [{ token, reason: 'erasure', since: '2026-06-01' }, { token, reason: 'objection', since: '2026-06-02' }] }, 'l');
      throw new Error('accepted');
    } catch (err) {
      expect((err as Error).message).toMatch(/entries\[1\]: the same token is listed twice/);
      expect((err as Error).message).not.toContain(token);
    }
  });

  test('changes between versions: additions, removals (an opt back in), and a changed reason as both', () => {
    const other = tokenize(KEY, 'cn_mobile', '13912345678');
    const before = { version: 1, entries: [{ token, reason: 'opt-out-sale-sharing' as const, since: '2026-06-01' }] };
    const after = { version: 2, entries: [{ token, reason: 'erasure' as const, since: '2026-06-03' }, { token: other, reason: 'objection' as const, since: '2026-06-03' }] };
    expect(suppressionChanges(before, after).map((c) => [c.change, c.entry.reason])).toEqual([
      ['removed', 'opt-out-sale-sharing'],
      ['added', 'erasure'],
      ['added', 'objection'],
    ]);
    expect(suppressionChanges(after, { version: 3, entries: [] }).map((c) => c.change)).toEqual(['removed', 'removed']);
  });
});
