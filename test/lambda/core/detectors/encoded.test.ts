import { findIdentifiers, replaceMatches } from '../../../../lambda/core/detectors/identifiers';

function redacted(text: string): string {
  return replaceMatches(text, findIdentifiers(text));
}

const b64 = (s: string, encoding: BufferEncoding = 'base64') => Buffer.from(s, 'utf8').toString(encoding);

describe('encoded payloads', () => {
  test.each([
    [`token ${b64('13800138000')} end`, 'token [REDACTED:cn_mobile] end'],
    [`t=${b64('{"id":"11010519491231002X"}', 'base64url')}`, 't=[REDACTED:cn_resident_id]'],
    [`x ${b64(b64('mail zhang@example.com'))} y`, 'x [REDACTED:email] y'],
    ['q mobile%3D%31%33%38%30%30%31%33%38%30%30%30 end', 'q [REDACTED:cn_mobile] end'],
    ['https://x.example/pay?card=4111+1111+1111+1111&ok=1 done', '[REDACTED:bank_card] done'],
    ['u zhang%40example.com v', 'u [REDACTED:email] v'],
  ])('%j → %j', (text, expected) => {
    expect(redacted(text)).toBe(expected);
  });

  test.each([
    'InternationalBusinessMachines', 'M20240101123456', 'tok_cn_mobile_Zm9vYmFyYmF6cXV4cXV1eA', '50% off, 100%',
    'CamelCaseIdentifierName', b64('hello world, nothing here'), '%E4%BD%A0%E5%A5%BD', '2024010122001400000000000001',
  ])('%j: decoded or not, nothing hides in it', (text) => {
    expect(findIdentifiers(text)).toEqual([]);
  });
});
