import fc from 'fast-check';
import {
  canonicalJson,
  connectionFailureMessage,
  type CurrentKey,
  failedCreateId,
  isKeyId,
  type KeyStoreResourceProperties,
  nextConnectionStep,
  parseProperties,
  planUpdate,
  responseBody,
} from '../../../lambda/core/custom-key-store';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function props(overrides: Partial<KeyStoreResourceProperties> = {}): KeyStoreResourceProperties {
  return {
    CustomKeyStoreName: 'paydata-home-c3-cluster-jxhlf7644ne',
    CloudHsmClusterId: 'cluster-jxhlf7644ne',
    TrustAnchorCertificate: CERT,
    KeyStorePasswordSecretId: 'paydata/cloudhsm/kmsuser',
    KeyDescription: 'C3 key',
    KeyGeneration: '1',
    KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
    Tags: [
      { TagKey: 'data-class', TagValue: 'C3' },
      { TagKey: 'residency', TagValue: 'cn-north-1' },
    ],
    ...overrides,
  };
}

const CURRENT: CurrentKey = { clusterId: 'cluster-jxhlf7644ne', generation: '1' };

describe('parseProperties', () => {
  test('accepts what the construct writes (CloudFormation strings)', () => {
    expect(parseProperties({ ServiceToken: 'arn', ...props() })).toEqual(props());
  });

  test.each([
    ['CloudHsmClusterId', { CloudHsmClusterId: 'cluster-1' }, /CloudHsmClusterId: got "cluster-1"/],
    ['TrustAnchorCertificate', { TrustAnchorCertificate: 'not a pem' }, /TrustAnchorCertificate: expected a PEM certificate/],
    ['KeyGeneration', { KeyGeneration: '0' }, /KeyGeneration: got "0"; expected a whole number from 1/],
    ['KeyPolicy', { KeyPolicy: { Statement: [] } }, /KeyPolicy: expected a policy document with at least one statement/],
    ['KeyStorePasswordSecretId', { KeyStorePasswordSecretId: '' }, /KeyStorePasswordSecretId: got ""; expected a non-empty string/],
  ])('refuses a bad %s, naming it', (_name, override, message) => {
    expect(() => parseProperties({ ...props(), ...override })).toThrow(message);
  });

  test('names every problem at once', () => {
    const raw = { ...props(), CloudHsmClusterId: 'nope', Tags: [{ TagKey: 1 }], CustomKeyStoreName: undefined };
    expect(() => parseProperties(raw)).toThrow(/CustomKeyStoreName[\s\S]*CloudHsmClusterId[\s\S]*Tags/);
  });
});

describe('planUpdate', () => {
  test('nothing changed: an in-place plan that does nothing', () => {
    expect(planUpdate(props(), props(), CURRENT)).toEqual({ kind: 'in-place', tagsToSet: [], tagKeysToRemove: [], notApplied: [] });
  });

  test('a new cluster replaces the key', () => {
    const plan = planUpdate(props(), props({ CloudHsmClusterId: 'cluster-abcdefghijk' }), CURRENT);
    expect(plan).toMatchObject({ kind: 'replace', reason: expect.stringMatching(/cluster-jxhlf7644ne to cluster-abcdefghijk/) });
  });

  test('a new generation replaces the key (manual rotation)', () => {
    expect(planUpdate(props(), props({ KeyGeneration: '2' }), CURRENT)).toMatchObject({ kind: 'replace', reason: expect.stringMatching(/generation 1 → 2/) });
  });

  test('the rollback of a failed replacement keeps the current key (decided on what KMS reports)', () => {
    // The failed update asked for cluster B; rollback sends A back while the key still lives on A.
    const failed = props({ CloudHsmClusterId: 'cluster-abcdefghijk', KeyGeneration: '2' });
    expect(planUpdate(failed, props(), CURRENT).kind).toBe('in-place');
  });

  test('description, policy and tags change in place', () => {
    const next = props({
      KeyDescription: 'new description',
      KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }] },
      Tags: [
        { TagKey: 'data-class', TagValue: 'C3' },
        { TagKey: 'owner', TagValue: 'security' },
      ],
    });
    const plan = planUpdate(props(), next, CURRENT);
    expect(plan).toEqual({
      kind: 'in-place',
      description: 'new description',
      policy: JSON.stringify(next.KeyPolicy),
      tagsToSet: [{ TagKey: 'owner', TagValue: 'security' }],
      tagKeysToRemove: ['residency'],
      notApplied: [],
    });
  });

  test('a policy with its keys in another order is not a change', () => {
    const reordered = props({ KeyPolicy: { Statement: [{ Resource: '*', Action: 'kms:*', Effect: 'Allow' }], Version: '2012-10-17' } });
    expect(planUpdate(props(), reordered, CURRENT)).toMatchObject({ policy: undefined });
  });

  test.each([
    ['CustomKeyStoreName', { CustomKeyStoreName: 'renamed' }, /only while it is disconnected/],
    ['KeyStorePasswordSecretId', { KeyStorePasswordSecretId: 'other/secret' }, /KMS rotates the kmsuser password/],
    ['TrustAnchorCertificate', { TrustAnchorCertificate: `${CERT}-----BEGIN CERTIFICATE-----\nX\n` }, /only uses it when the store is created/],
  ])('a new %s is reported, never applied (it needs a disconnected store)', (_name, override, message) => {
    const plan = planUpdate(props(), props(override), CURRENT);
    expect(plan.kind).toBe('in-place');
    if (plan.kind === 'in-place') expect(plan.notApplied).toEqual([expect.stringMatching(message)]);
  });
});

describe('nextConnectionStep', () => {
  const fresh = { connectRequested: false, resetDone: false };
  const connecting = { connectRequested: true, resetDone: false };
  const reset = { connectRequested: false, resetDone: true };
  test.each([
    ['CONNECTED', fresh, 'ready'],
    ['CONNECTING', fresh, 'wait'],
    ['DISCONNECTING', fresh, 'wait'],
    ['DISCONNECTED', fresh, 'connect'],
    ['DISCONNECTED', connecting, 'wait'],
    ['DISCONNECTED', reset, 'connect'],
    ['FAILED', fresh, 'disconnect'],
    ['FAILED', connecting, 'fail'],
    ['FAILED', reset, 'fail'],
    [undefined, fresh, 'fail'],
  ] as const)('%s after %o: %s', (state, progress, step) => {
    expect(nextConnectionStep(state, progress)).toBe(step);
  });
});

describe('connectionFailureMessage', () => {
  test('names the ConnectionErrorCode and what to do', () => {
    const message = connectionFailureMessage({ id: 'cks-1', name: 'store', errorCode: 'USER_LOGGED_IN' });
    expect(message).toMatch(/cks-1 \(store\).*ConnectionErrorCode USER_LOGGED_IN: the kmsuser crypto user is logged in/);
  });

  test('an unknown code still names it and points to the troubleshooting guide', () => {
    expect(connectionFailureMessage({ id: 'cks-1', name: 'store', errorCode: 'NEW_CODE' })).toMatch(/NEW_CODE: see "Troubleshooting/);
  });
});

describe('physical ids', () => {
  test('a KMS key id is one; the id of a failed Create never is', () => {
    expect(isKeyId('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    fc.assert(fc.property(fc.uuid(), (requestId) => !isKeyId(failedCreateId(requestId))));
  });
});

describe('responseBody', () => {
  const request = { StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Key' };

  test('carries what CloudFormation needs', () => {
    const body = JSON.parse(responseBody(request, { status: 'SUCCESS', physicalResourceId: 'k', data: { KeyArn: 'arn' } }));
    expect(body).toEqual({ Status: 'SUCCESS', PhysicalResourceId: 'k', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Key', Data: { KeyArn: 'arn' } });
  });

  test('stays under the 4,096-byte limit whatever the reason (any Unicode)', () => {
    fc.assert(
      // Characters JSON escapes (control, lone surrogates) or UTF-8 widens (CJK) are the worst case.
      fc.property(fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '中', '😀', 'a', '"'), minLength: 1_000, maxLength: 3_000 }), (reason) => {
        return Buffer.byteLength(responseBody(request, { status: 'FAILED', physicalResourceId: 'k', reason })) <= 4096;
      }),
      { numRuns: 30 },
    );
  });
});

describe('canonicalJson', () => {
  test('equal objects give equal text whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        return canonicalJson(value) === canonicalJson(reversed);
      }),
    );
  });
});
