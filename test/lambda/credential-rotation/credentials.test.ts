import { NOT_PROVISIONED, notProvisionedTemplate, readCredentials, requireCredentials } from '../../../lambda/credential-rotation/credentials';

const KEY = { userName: 'paydata-delivery', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' };

describe('credentials secret', () => {
  test('the template the construct writes reads as not provisioned, and says what to put', () => {
    const template = notProvisionedTemplate('ap-southeast-1');
    expect(template.status).toBe(NOT_PROVISIONED);
    expect(template.instructions).toMatch(/userName.*accessKeyId.*secretAccessKey.*ap-southeast-1/);
    expect(readCredentials(JSON.stringify(template), 's')).toEqual({ provisioned: false });
  });

  test.each([
    ['an empty object', '{}'],
    ['empty strings', '{"userName":"","accessKeyId":"","secretAccessKey":""}'],
  ])('%s is not provisioned', (_, text) => {
    expect(readCredentials(text, 's')).toEqual({ provisioned: false });
  });

  test('a full key is provisioned, whatever else the object holds (a stale status included)', () => {
    expect(readCredentials(JSON.stringify({ ...KEY, status: NOT_PROVISIONED }), 's')).toEqual({ provisioned: true, credentials: KEY });
  });

  test.each([
    ['not JSON', 'x7#kQ9!zR2', /s: the secret is not JSON/],
    ['absent', undefined, /s: the secret is not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['partly filled', '{"accessKeyId":"AKIA"}', /has no userName, secretAccessKey/],
    ['a number for a key', '{"userName":"u","accessKeyId":1,"secretAccessKey":"s"}', /accessKeyId must be strings/],
  ])('%s is an error naming what is wrong', (_, text, message) => {
    expect(() => readCredentials(text, 's')).toThrow(message);
  });

  test('errors never carry the values', () => {
    expect(() => readCredentials('{"userName":"alice","accessKeyId":"AKIASECRET"}', 's')).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/alice|AKIASECRET/) }));
  });

  test('requireCredentials refuses the template with the state and what to do', () => {
    expect(() => requireCredentials(JSON.stringify(notProvisionedTemplate('ap-southeast-1')), 'secret arn')).toThrow(/secret arn: the credentials are not provisioned yet \(status "not-provisioned"\); put/);
    expect(requireCredentials(JSON.stringify(KEY), 's')).toEqual(KEY);
  });
});
