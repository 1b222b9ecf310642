import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadApprovedTransfers } from '../../lib/transfer-rules';
import { createResidencyStacks } from '../../lib/residency-app';
import { judgeDataClassTagged } from '../../lib/nag/judgements/classification';
import { DATA_STORE_TYPES, KEY_TYPES } from '../../lib/nag/judgements/resource-types';
import {
  type ClassifiedStore,
  countOutboundStores,
  DATA_CLASS_TAG,
  DESENSITIZED_CLASS,
  isKnownDataClass,
  isOutboundStore,
  keyAdministratorActions,
  keyDataActions,
  KMS_ADMIN_ACTIONS,
  KMS_READ_ACTIONS,
  KMS_USAGE_ACTIONS,
  KNOWN_DATA_CLASSES,
} from '../../lib/vocabulary';
import { shippedConfig, shippedContext, TEST_NOW } from '../support/app-fixture';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Production sources outside the vocabulary module. */
const OUTSIDE_VOCABULARY = ['lib', 'lambda', 'bin']
  .flatMap((dir) => sourceFiles(join(ROOT, dir)))
  .filter((path) => !relative(ROOT, path).startsWith(join('lib', 'vocabulary')))
  .map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('each fact is defined once, in lib/vocabulary', () => {
  test.each([
    ['the data-class tag name', /['"]data-class['"]/],
    ['the desensitized class', /['"]desensitized['"]/],
    ['a list of data classes', /export const (DATA_CLASSES|OPERATIONAL_CLASSES|KNOWN_DATA_CLASSES|HOME_ONLY_CLASSES)\b/],
    ['a KMS duty list', /export const (KMS_ADMIN_ACTIONS|KMS_USAGE_ACTIONS|KEY_ADMIN_ACTIONS|KEY_DATA_ACTIONS)\b/],
    ['a KMS duty list written out', /'kms:RotateKeyOnDemand'|'kms:UpdatePrimaryRegion'|'kms:DeriveSharedSecret'/],
  ])('no second definition of %s outside the vocabulary', (_what, pattern) => {
    expect(OUTSIDE_VOCABULARY.filter(({ text }) => pattern.test(text)).map(({ file }) => file)).toEqual([]);
  });

  test('the bucket baseline and key defaults are not restated in a construct', () => {
    const restating = OUTSIDE_VOCABULARY.filter(({ text }) => /blockPublicAccess: s3\.BlockPublicAccess\.BLOCK_ALL|pendingWindow: Duration\.days\(/.test(text));
    expect(restating.map(({ file }) => file)).toEqual([]);
  });
});

describe('KMS duties', () => {
  test('administrative, usage and read-only duties are disjoint', () => {
    const all = [...KMS_ADMIN_ACTIONS, ...KMS_USAGE_ACTIONS, ...KMS_READ_ACTIONS];
    expect(new Set(all).size).toBe(all.length);
  });

  test('what administrators are allowed and what they are denied never overlap, and the deny covers every data use', () => {
    const allowed = new Set<string>(keyAdministratorActions());
    expect(keyDataActions().filter((action) => allowed.has(action))).toEqual([]);
    expect(keyDataActions()).toEqual(expect.arrayContaining([...KMS_USAGE_ACTIONS, 'kms:CreateGrant']));
    expect(keyAdministratorActions()).toEqual(expect.arrayContaining([...KMS_ADMIN_ACTIONS]));
    expect(keyAdministratorActions()).not.toContain('kms:CreateGrant');
  });
});

describe('data classes', () => {
  test.each([['C3'], ['C2'], ['C1'], ['audit'], ['logs'], ['access-logs'], [DESENSITIZED_CLASS]])('%s is known', (value) => {
    expect(isKnownDataClass(value)).toBe(true);
  });

  test.each([['c2'], [''], ['desensitised'], [undefined], [3]])('%p is not known', (value) => {
    expect(isKnownDataClass(value)).toBe(false);
  });

  test('an outbound store is desensitized and in the home region', () => {
    const stores: ClassifiedStore[] = [
      { dataClass: DESENSITIZED_CLASS, region: 'cn-north-1' },
      { dataClass: DESENSITIZED_CLASS, region: 'eu-west-1' },
      { dataClass: 'C1', region: 'cn-north-1' },
    ];
    expect(stores.map((s) => isOutboundStore(s, 'cn-north-1'))).toEqual([true, false, false]);
    expect(countOutboundStores(stores, 'cn-north-1')).toBe(1);
  });
});

describe('the data-class tags of the real app', () => {
  // The real app without esbuild bundling (no stack listed in aws:cdk:bundling-stacks) and without packs.
  const config = shippedConfig('default');
  const app = new App({ context: { ...shippedContext(), 'aws:cdk:bundling-stacks': [] } });
  const stacks = createResidencyStacks(app, config, loadApprovedTransfers(config, ROOT, TEST_NOW));
  const classified = [stacks.home, ...stacks.destinations].flatMap((stack: Stack) =>
    Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: { Tags?: { Key: string; Value: unknown }[] } }>).flatMap(
      ([logicalId, resource]) => {
        const tag = resource.Properties?.Tags?.find((t) => t.Key === DATA_CLASS_TAG);
        return tag ? [{ logicalId, type: resource.Type, dataClass: tag.Value, region: stack.region }] : [];
      },
    ),
  );

  test('every data-class tag a construct writes is known to the rules and the report', () => {
    expect(classified.length).toBeGreaterThan(20);
    expect(classified.filter((r) => !isKnownDataClass(r.dataClass))).toEqual([]);
    const storesAndKeys = classified.filter((r) => DATA_STORE_TYPES.includes(r.type) || KEY_TYPES.includes(r.type));
    expect(storesAndKeys.filter((r) => judgeDataClassTagged(r.type, r.dataClass) !== 'COMPLIANT')).toEqual([]);
  });

  test('every class of the vocabulary that names a store class is used by some construct', () => {
    const used = new Set(classified.map((r) => r.dataClass));
    expect(KNOWN_DATA_CLASSES.filter((c) => !used.has(c))).toEqual([]);
  });

  test('the outbound bucket is classified desensitized and counted as an outbound store by the function the report uses', () => {
    const outbound = classified.filter((r) => r.type === 'AWS::S3::Bucket' && r.logicalId.includes('Outbound'));
    expect(outbound.map((r) => r.dataClass)).toEqual([DESENSITIZED_CLASS]);
    const stores = classified.filter((r) => DATA_STORE_TYPES.includes(r.type) || KEY_TYPES.includes(r.type)) as ClassifiedStore[];
    expect(countOutboundStores(stores, config.homeRegion)).toBeGreaterThanOrEqual(1);
    expect(stores.filter((s) => isOutboundStore(s, config.homeRegion)).map((s) => (s as { logicalId?: string }).logicalId)).toEqual(
      expect.arrayContaining([outbound[0].logicalId]),
    );
  });
});
