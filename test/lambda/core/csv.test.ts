import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvDecidedEnd, csvFields, CsvScanner, formatCsvRow, type CsvSpan } from '../../../lambda/core/csv';

interface Read {
  readonly records: { line: number; fields: string[] }[];
  readonly problems: { line: number; detail: string }[];
}

/** Every record and problem of a whole input, as the batch readers see them. */
function readAll(text: string | Uint8Array, limit?: number): Read {
  const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  const scanner = new CsvScanner(bytes, true, limit);
  const read: Read = { records: [], problems: [] };
  let line = 1;
  for (let pos = 0; pos < bytes.length; ) {
    const span = scanner.next(pos) as CsvSpan;
    if (span.problem !== undefined) read.problems.push({ line, detail: span.problem });
    else if (!span.blank) read.records.push({ line, fields: csvFields(bytes.toString('utf8', span.start, span.end)) });
    line += span.lines;
    pos = span.end;
  }
  return read;
}

describe('CSV reader', () => {
  test('RFC 4180: quotes, doubled quotes, commas and newlines inside quotes, CRLF, empty lines skipped', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""",\n\n"multi\nline",2,3\nlast,,"\r\n"';
    expect(readAll(text)).toEqual({
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['x, y', 'say "hi"', ''] },
        { line: 4, fields: ['multi\nline', '2', '3'] },
        { line: 6, fields: ['last', '', '\r\n'] },
      ],
      problems: [],
    });
  });

  test('a broken record costs its first line only; reading resumes on the next line', () => {
    const text = 'a,b\n1,x"y\n2,"ok"tail\n3,4\n"never closed\n5,6\n7,"spans\nlines"\n';
    expect(readAll(text)).toEqual({
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 4, fields: ['3', '4'] },
        { line: 6, fields: ['5', '6'] },
        { line: 7, fields: ['7', 'spans\nlines'] },
      ],
      problems: [
        { line: 2, detail: 'a quote appears inside an unquoted field' },
        { line: 3, detail: 'unexpected text after a closing quote' },
        // The quote opened on line 5 closes on line 7, followed by text.
        { line: 5, detail: 'unexpected text after a closing quote' },
      ],
    });
  });

  test('an unclosed quote whose next quote comes many lines later does not swallow those lines', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `r${i},v${i}`);
    const text = `id,memo\n1,"opened here\n${rows.join('\n')}\n2,"closed" and junk\n3,end\n`;
    const read = readAll(text);
    expect(read.problems.map((p) => p.line)).toEqual([2, 53]);
    expect(read.records).toHaveLength(1 + 50 + 1);
    expect(read.records.at(-1)).toEqual({ line: 54, fields: ['3', 'end'] });
  });

  test('a quoted field not closed within the record limit is refused at its first line', () => {
    const read = readAll(`a,"${'x\n'.repeat(40)}",b\nnext,row\n`, 32);
    expect(read.problems[0]).toEqual({ line: 1, detail: 'a quoted field is never closed' });
    expect(read.records.at(-1)).toEqual({ line: 42, fields: ['next', 'row'] });
  });

  test('a line longer than the limit is too long', () => {
    const span = new CsvScanner(Buffer.from(`${'x'.repeat(40)}\nok\n`), true, 32).next(0);
    expect(span).toMatchObject({ tooLong: true, end: 41, lines: 1 });
  });

  test('undecided records are left for the next chunk, decided ones are not', () => {
    expect(csvDecidedEnd(Buffer.from('a,b\n1,"open\n'))).toBe(4);
    expect(csvDecidedEnd(Buffer.from('a,b\n1,2'))).toBe(4);
    expect(csvDecidedEnd(Buffer.from('a,b\n1,"x"\n'))).toBe(10);
  });

  const field = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', '张', '1') }),
    fc.stringMatching(/^[a-z0-9]{0,6}$/),
  );
  const rows = fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 12 });
  // csv-parse reads a record holding one empty field as an empty line; the writer never emits one.
  const written = rows.map((rs) => rs.filter((r) => !(r.length === 1 && r[0] === '')));

  test('well-formed files: the same records as csv-parse, whatever the quoting (the oracle)', () => {
    fc.assert(
      fc.property(written, fc.boolean(), (records, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = records.map((row) => formatCsvRow(row)).join(eol) + eol;
        const oracle = parse(text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: eol }) as string[][];
        const mine = readAll(text);
        expect(mine.problems).toEqual([]);
        expect(mine.records.map((r) => r.fields)).toEqual(oracle);
        expect(mine.records.map((r) => r.fields)).toEqual(records.filter((row) => !(row.length === 1 && row[0] === '')));
      }),
      { numRuns: 300 },
    );
  });

  test('any cut at a decided record end reads the same records on both sides', () => {
    const messy = fc.array(fc.constantFrom('a', ',', '"', '\n', 'x', '""', '\r\n', 'é'), { maxLength: 80 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(messy, fc.nat(), (text, at) => {
        const bytes = Buffer.from(text);
        const prefix = bytes.subarray(0, at % (bytes.length + 1));
        const cut = csvDecidedEnd(prefix);
        const whole = readAll(bytes);
        const left = readAll(bytes.subarray(0, cut));
        const right = readAll(bytes.subarray(cut));
        const leftLines = bytes.subarray(0, cut).toString('utf8').split('\n').length - 1;
        const shift = <T extends { line: number }>(items: T[]) => items.map((item) => ({ ...item, line: item.line + leftLines }));
        expect([...left.records, ...shift(right.records)]).toEqual(whole.records);
        // Which problem is named may differ (the left side ends where the whole input goes on); where records fail may not.
        expect([...left.problems, ...shift(right.problems)].map((p) => p.line)).toEqual(whole.problems.map((p) => p.line));
      }),
      { numRuns: 500 },
    );
  });
});
