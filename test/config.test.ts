import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_GATEWAY_MEMORY_MB, loadConfig, selectProfile } from '../lib/config';
import { threadsForMemory } from '../lambda/shared/lambda-cpu';
import { shippedProfiles } from './support/app-fixture';

const base = shippedProfiles().default as Record<string, unknown>;

function problemsOf(overrides: Record<string, unknown>): string {
  try {
    loadConfig({ ...base, ...overrides }, 'test');
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('accepts the shipped default (China home, Singapore destination) and the Singapore-home profile', () => {
    const cn = loadConfig(shippedProfiles().default);
    expect(cn.homeRegion).toBe('cn-north-1');
    expect(cn.allowedDestinationRegions).toEqual(['ap-southeast-1']);
    expect(cn.cloudHsm.enabled).toBe(false);
    const sg = loadConfig(shippedProfiles()['sg-home']);
    expect(sg.homeRegion).toBe('ap-southeast-1');
  });

  test.each([
    [{ homeRegion: 'cn-north-9' }, /homeRegion: got "cn-north-9"; must be a known AWS region/],
    [{ allowedDestinationRegions: ['cn-north-1'] }, /allowedDestinationRegions\[0\]: got "cn-north-1"; must differ from homeRegion/],
    [{ allowedDestinationRegions: ['ap-southeast-1', 'ap-southeast-1'] }, /allowedDestinationRegions\[1\].*listed twice/],
    [{ logRetentionDays: 0 }, /logRetentionDays: got 0; must be at least 1 day/],
    [{ logRetentionDays: 365 }, /logRetentionDays: got 365; must be at most 90 days/],
    [{ logRetentionDays: 45 }, /logRetentionDays: got 45; must be one of the retention periods CloudWatch Logs accepts/],
    [{ auditObjectLockDays: 0 }, /auditObjectLockDays: got 0; must be at least 365 days/],
    [{ auditObjectLockDays: 90 }, /auditObjectLockDays: got 90; must be at least 365 days: the record is deleted when its lock ends.*PCI DSS v4\.0\.1 Req\. 10\.5\.1.*Cybersecurity Law Art\. 21/],
    [{ auditObjectLockDays: 364 }, /auditObjectLockDays: got 364; must be at least 365 days/],
    [{ auditObjectLockDays: 3651 }, /auditObjectLockDays: got 3651; must be at most 3650 days/],
    [{ impactAssessmentMaxAgeDays: 0 }, /impactAssessmentMaxAgeDays: got 0; must be at least 1 day/],
    [{ impactAssessmentMaxAgeDays: 1096 }, /impactAssessmentMaxAgeDays: got 1096; must be at most 1095 days/],
    [{ impactAssessmentMaxAgeDays: 30.5 }, /impactAssessmentMaxAgeDays: got 30\.5; must be a whole number of days/],
    [{ accounts: { home: '12345' } }, /accounts\.home: got "12345"; must be a 12-digit AWS account id/],
    [{ accounts: { destinations: { 'eu-west-1': '123456789012' } } }, /accounts\.destinations\.eu-west-1: .*not in allowedDestinationRegions/],
    [{ accounts: { identity: '12' } }, /accounts\.identity: got "12"; must be a 12-digit AWS account id/],
    [{ accounts: { home: '111122223333', identity: '111122223333' } }, /accounts\.identity: got "111122223333"; must differ from accounts\.home/],
    [{ dataClasses: ['C2', 'C1'] }, /dataClasses: .*must include C3/],
    [{ cloudHsm: { enabled: true } }, /cloudHsm\.clusterId: got nothing \(missing\); is required when cloudHsm\.enabled is true/],
    [{ alarmSubscribers: { emails: ['not-an-email'] } }, /alarmSubscribers\.emails\[0\]: got "not-an-email"; must be an email address/],
    [{ alarmSubscribers: { httpsEndpoints: ['http://insecure.example.com'] } }, /httpsEndpoints\[0\].*must be an https:\/\/ URL/],
    [{ homeRegion: 'us-gov-west-1' }, /homeRegion: got "us-gov-west-1"/],
    [{ surprise: true }, /unknown key\(s\) "surprise"/],
  ])('refuses %j', (overrides, message) => {
    expect(problemsOf(overrides)).toMatch(message);
  });

  test('the audit floor is 365 days, and the impact-assessment age defaults to 365 days', () => {
    expect(loadConfig({ ...base, auditObjectLockDays: 365 }).auditObjectLockDays).toBe(365);
    expect(loadConfig(base).impactAssessmentMaxAgeDays).toBe(365);
    expect(loadConfig({ ...base, impactAssessmentMaxAgeDays: 180 }).impactAssessmentMaxAgeDays).toBe(180);
  });

  test('a lock below the floor names the file, the key and the value', () => {
    expect(() => loadConfig({ ...base, auditObjectLockDays: 90 }, 'cdk.json context "residency:profiles.default"')).toThrow(
      /^Invalid configuration in cdk\.json context "residency:profiles\.default":\n {2}- auditObjectLockDays: got 90; must be at least 365 days/,
    );
  });

  test('splitObjectBytes defaults to 1 GiB; a bad value names the file, the key and the value', () => {
    expect(loadConfig(base).splitObjectBytes).toBe(1024 ** 3);
    expect(() => loadConfig({ ...base, splitObjectBytes: 1024 }, 'cdk.json context "residency:profiles.default"')).toThrow(
      /^Invalid configuration in cdk\.json context "residency:profiles\.default":\n {2}- splitObjectBytes: got 1024; must be at least 16777216/,
    );
    expect(problemsOf({ splitObjectBytes: 1.5 * 1024 ** 3 + 0.5 })).toMatch(/splitObjectBytes: got 1610612736\.5; must be a whole number of bytes/);
  });

  test('splitObjectBytes must not cut maxRawObjectBytes into more parts than a declaration lists', () => {
    expect(problemsOf({ maxRawObjectBytes: 5 * 1024 ** 4, splitObjectBytes: 1024 ** 3 })).toMatch(
      /splitObjectBytes: got 1073741824; cuts an object of maxRawObjectBytes 5497558138880 into 5120 parts; at most 1000 fit a declaration: raise splitObjectBytes to at least 5497558139/,
    );
    expect(loadConfig({ ...base, maxRawObjectBytes: 4 * 1024 ** 4, splitObjectBytes: 5 * 1024 ** 3 }).splitObjectBytes).toBe(5 * 1024 ** 3);
  });

  test('the gateway memory defaults to two vCPUs (two threads); a size Lambda does not offer names the file, the key and the value', () => {
    expect(loadConfig(base).gatewayMemoryMB).toBe(DEFAULT_GATEWAY_MEMORY_MB);
    expect(threadsForMemory(DEFAULT_GATEWAY_MEMORY_MB)).toBe(2);
    expect(threadsForMemory(2048)).toBe(1);
    expect(threadsForMemory(5307)).toBe(3);
    expect(threadsForMemory(10240)).toBe(5);
    expect(loadConfig({ ...base, gatewayMemoryMB: 2048 }).gatewayMemoryMB).toBe(2048);
    expect(() => loadConfig({ ...base, gatewayMemoryMB: 20000 }, 'cdk.json context "residency:profiles.default"')).toThrow(
      /^Invalid configuration in cdk\.json context "residency:profiles\.default":\n {2}- gatewayMemoryMB: got 20000; must be at most 10240/,
    );
    expect(problemsOf({ gatewayMemoryMB: 3538.5 })).toMatch(/gatewayMemoryMB: got 3538\.5; must be a whole number of MB/);
  });

  test('collects every problem into one error', () => {
    const message = problemsOf({ homeRegion: 'mars-1', logRetentionDays: 0, accounts: { home: 'x' } });
    expect(message).toMatch(/homeRegion/);
    expect(message).toMatch(/logRetentionDays/);
    expect(message).toMatch(/accounts\.home/);
  });

  test('accepts a separate identity account for the human roles', () => {
    expect(loadConfig({ ...base, accounts: { home: '111122223333', identity: '444455556666' } }).accounts.identity).toBe('444455556666');
  });

  test('names a missing key', () => {
    const { homeRegion: _omit, ...withoutHome } = base;
    expect(() => loadConfig(withoutHome)).toThrow(/homeRegion: got nothing \(missing\)/);
  });
});

describe('selectProfile', () => {
  test('defaults to the "default" profile and names the choices for an unknown one', () => {
    expect(selectProfile(shippedProfiles(), undefined).name).toBe('default');
    expect(() => selectProfile(shippedProfiles(), 'nope')).toThrow(/got "nope"; expected one of "default", "sg-home"/);
  });
});

describe('bin/app.ts with a bad config', () => {
  test('prints what is wrong and exits 1 without a stack trace', () => {
    const context = {
      'residency:profile': 'default',
      'residency:profiles': { default: { ...base, homeRegion: 'cn-north-9', logRetentionDays: 0 } },
    };
    // A temporary assembly folder, removed after: `npm test` leaves nothing behind in the checkout.
    const outdir = mkdtempSync(join(tmpdir(), 'bad-config-test-'));
    const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '..', 'bin', 'app.ts')], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    rmSync(outdir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/homeRegion: got "cn-north-9"/);
    expect(result.stderr).toMatch(/logRetentionDays: got 0/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
