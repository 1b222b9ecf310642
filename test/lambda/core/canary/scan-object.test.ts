import { chooseSample, declarationOf } from '../../../../lambda/core/canary/sample';
import { findingCount, ObjectScanner } from '../../../../lambda/core/canary/scan-object';

const RESIDENT_ID = '11010519491231002X';
const CARD = '6222021234567890128';
const MOBILE = '13800138000';

function scan(...lines: string[]) {
  const scanner = new ObjectScanner(3);
  for (const line of lines) scanner.addLine(line);
  return scanner.result();
}

describe('canary object scan', () => {
  test.each([
    ['a value that holds an identifier', JSON.stringify({ memo: `call ${MOBILE}` }), { cn_mobile: 1 }, 'memo'],
    ['an identifier inside an array', JSON.stringify({ items: [{ pan: 'x' }, { pan: CARD }] }), { bank_card: 1 }, 'items[1].pan'],
    ['a JSON number that is a mobile', `{"phone":${MOBILE}}`, { cn_mobile: 1 }, 'phone'],
    ['a card security code by field name', JSON.stringify({ card: { cvv: '123' } }), { sensitive_auth_data: 1 }, 'card.cvv'],
  ])('finds %s', (_name, line, counts, path) => {
    const result = scan(line);
    expect(result.counts).toEqual(counts);
    expect(result.findings[0].fieldPath).toBe(path);
  });

  test('a line that is not JSON is scanned as text', () => {
    const result = scan(`not json ${RESIDENT_ID}`);
    expect(result).toMatchObject({ unparseableLines: 1, counts: { cn_resident_id: 1 }, findings: [{ fieldPath: null, start: 9, end: 27 }] });
  });

  test('a card number beyond JSON number precision is still found, in the line text', () => {
    const result = scan(`{"pan":${CARD}}`);
    expect(result.counts.bank_card).toBe(1);
  });

  test('desensitized shapes are clean: last four, masked PAN, tokens, placeholders', () => {
    const result = scan(JSON.stringify({ idNumber: '002X', pan: '622202*********0128', mobile: 'tok_cn_mobile_Qx3', memo: 'refund [REDACTED:cn_mobile]' }));
    expect(findingCount(result)).toBe(0);
  });

  test('counts every finding but keeps at most the first positions', () => {
    const result = scan(...Array.from({ length: 5 }, () => JSON.stringify({ m: MOBILE })));
    expect(result).toMatchObject({ counts: { cn_mobile: 5 }, findingsTruncated: true });
    expect(result.findings).toHaveLength(3);
  });
});

describe('canary sample and declaration', () => {
  const at = (hour: number) => new Date(Date.UTC(2026, 5, 1, hour));
  const objects = Array.from({ length: 10 }, (_, i) => ({ key: `outbound/k${i}`, lastModified: at(i), size: 1 }));

  test('samples only recent objects, without repeats, at most maxObjects', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const sample = chooseSample(objects, { since: at(4), maxObjects: 3, random });
    expect(sample).toHaveLength(3);
    expect(new Set(sample.map((o) => o.key)).size).toBe(3);
    for (const o of sample) expect(o.lastModified.getTime()).toBeGreaterThanOrEqual(at(4).getTime());
    expect(chooseSample(objects, { since: at(8), maxObjects: 25, random })).toHaveLength(2);
  });

  test('reads the declaration from the gateway metadata and names what is missing', () => {
    expect(declarationOf({ rule: 'sg-settlement@2', 'declaration-seq': '9', 'declaration-hash': 'f'.repeat(64) })).toEqual({
      declaration: { rule: 'sg-settlement@2', ruleId: 'sg-settlement', ruleVersion: 2, seq: 9, hash: 'f'.repeat(64) },
      problems: [],
    });
    expect(declarationOf({ rule: 'sg-settlement', 'declaration-seq': 'x' }).problems).toEqual([
      'the rule in the object metadata is not <id>@<version>',
      'declaration-seq is not a number',
      'no declaration-hash in the object metadata',
    ]);
  });
});
