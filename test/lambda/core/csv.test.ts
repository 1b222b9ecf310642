import fc from 'fast-check';
import { formatCsvRow, parseCsv } from '../../../lambda/core/csv';

describe('CSV', () => {
  test('quoted fields, doubled quotes, CRLF, blank lines and newlines inside quotes', () => {
    const text = 'a,b,c\r\n1,"x,y",3\n\n"multi\nline","say ""hi""",z\n';
    expect(parseCsv(text)).toEqual({
      records: [
        { fields: ['a', 'b', 'c'], line: 1 },
        { fields: ['1', 'x,y', '3'], line: 2 },
        { fields: ['multi\nline', 'say "hi"', 'z'], line: 4 },
      ],
      problems: [],
    });
  });

  test('malformed records are reported with their line, and parsing goes on', () => {
    expect(parseCsv('a,b\n1,x"y\n2,"ok"tail\n3,4\n"never closed\n5,6\n')).toEqual({
      records: [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['3', '4'], line: 4 },
      ],
      problems: [
        { line: 2, detail: 'a quote appears inside an unquoted field' },
        { line: 3, detail: 'unexpected text after a closing quote' },
        { line: 5, detail: 'a quoted field is never closed' },
      ],
    });
  });

  test('format then parse gives the fields back', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((row) => formatCsvRow(row)).join('\n') + '\n';
        expect(parseCsv(text).records.map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});
