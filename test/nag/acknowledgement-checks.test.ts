import type { Acknowledgement, AppliedAcknowledgement } from '../../lib/nag/acknowledgement-register';
import {
  expiredAcknowledgements,
  findingRefsFromValidationReport,
  registerProblems,
  staleAcknowledgements,
  stackWideErrorAcknowledgements,
  thinReasonAcknowledgements,
} from '../../lib/nag/acknowledgement-checks';

const REASON = 'Operational logs are kept 30 days by design; the audit record is immutable.';

function ack(overrides: Partial<Acknowledgement>): Acknowledgement {
  return { ruleId: 'AwsSolutions-S1', construct: 'Storage/AccessLogs', reason: REASON, owner: 'security', reviewBy: '2026-06-30', ...overrides };
}

describe('expiredAcknowledgements', () => {
  const register = [
    ack({ reviewBy: '2026-06-29' }),
    ack({ reviewBy: '2026-06-30' }),
    ack({ reviewBy: '2027-01-01' }),
    ack({ reviewBy: '2026-02-30' }),
    ack({ reviewBy: 'next year' }),
  ];

  test('returns those reviewed before today, and those whose date is not a real YYYY-MM-DD date', () => {
    expect(expiredAcknowledgements(register, '2026-06-30').map((a) => a.reviewBy)).toEqual(['2026-06-29', '2026-02-30', 'next year']);
  });

  test('accepts a Date for today', () => {
    expect(expiredAcknowledgements(register, new Date('2026-12-31T23:00:00Z')).map((a) => a.reviewBy)).toEqual([
      '2026-06-29',
      '2026-06-30',
      '2026-02-30',
      'next year',
    ]);
  });
});

describe('staleAcknowledgements', () => {
  const onAccessLogs: AppliedAcknowledgement = { acknowledgement: ack({}), paths: ['Home/Storage/AccessLogs'] };
  const nowhere: AppliedAcknowledgement = { acknowledgement: ack({ construct: 'Gone' }), paths: [] };
  const granular: AppliedAcknowledgement = {
    acknowledgement: ack({ ruleId: 'AwsSolutions-IAM5[Action::s3:*]', construct: 'Worker' }),
    paths: ['Home/Worker', 'Dest/Worker'],
  };

  test('keeps acknowledgements matching a finding on their construct or below, in any stack they landed in', () => {
    const findings = [
      { findingId: 'AwsSolutions-S1', constructPath: 'Home/Storage/AccessLogs/Resource' },
      { findingId: 'AwsSolutions-IAM5[Action::s3:*]', constructPath: 'Dest/Worker/DefaultPolicy/Resource' },
    ];
    expect(staleAcknowledgements([onAccessLogs, granular], findings)).toEqual([]);
  });

  test('returns those that landed nowhere or whose finding is gone or elsewhere', () => {
    const findings = [
      { findingId: 'AwsSolutions-S1', constructPath: 'Home/Storage/AccessLogsArchive/Resource' },
      { findingId: 'AwsSolutions-IAM5[Resource::*]', constructPath: 'Home/Worker/DefaultPolicy/Resource' },
    ];
    expect(staleAcknowledgements([onAccessLogs, nowhere, granular], findings)).toEqual([onAccessLogs, nowhere, granular]);
  });
});

describe('stackWideErrorAcknowledgements', () => {
  test('returns stack-level acknowledgements of error-level rules, matching granular ids by their rule', () => {
    const register = [
      ack({ construct: '*', ruleId: 'AwsSolutions-IAM5[Resource::*]' }),
      ack({ construct: '*', ruleId: 'NIST.800.53.R5-LambdaConcurrency' }),
      ack({ construct: 'Worker', ruleId: 'AwsSolutions-IAM5[Resource::*]' }),
    ];
    expect(stackWideErrorAcknowledgements(register, ['AwsSolutions-IAM5'])).toEqual([register[0]]);
  });
});

describe('thinReasonAcknowledgements', () => {
  test('returns reasons shorter than 25 characters once trimmed', () => {
    const register = [ack({ reason: '   not needed here         ' }), ack({ reason: 'x'.repeat(25) })];
    expect(thinReasonAcknowledgements(register)).toEqual([register[0]]);
  });
});

describe('findingRefsFromValidationReport', () => {
  test('keeps NagPack rule ids and namespaces other plugins’ rules as CDK does', () => {
    const refs = findingRefsFromValidationReport([
      { pluginName: 'AwsSolutions', findings: [{ pluginName: 'AwsSolutions', ruleName: 'AwsSolutions-S1', description: '', severity: 'error', constructPath: 'A/B' }] },
      {
        pluginName: 'cdk-validator-cfnguard',
        findings: [{ pluginName: 'cdk-validator-cfnguard', ruleName: 'sqs_dlq_check', description: '', severity: 'error', constructPath: 'A/Q' }],
      },
    ]);
    expect(refs).toEqual([
      { findingId: 'AwsSolutions-S1', constructPath: 'A/B' },
      { findingId: 'cdk-validator-cfnguard::sqs_dlq_check', constructPath: 'A/Q' },
    ]);
  });
});

describe('registerProblems', () => {
  test('describes every problem on one line and is empty for a sound register', () => {
    const sound = ack({});
    const applied = [{ acknowledgement: sound, paths: ['Home/Storage/AccessLogs'] }];
    const findings = [{ findingId: 'AwsSolutions-S1', constructPath: 'Home/Storage/AccessLogs/Resource' }];
    expect(registerProblems({ register: [sound], applied, findings, errorRuleIds: ['AwsSolutions-S1'], today: '2026-01-01' })).toEqual([]);

    const bad = ack({ construct: '*', reason: 'because', reviewBy: '2025-01-01' });
    expect(registerProblems({ register: [bad], applied: [{ acknowledgement: bad, paths: [] }], findings, errorRuleIds: ['AwsSolutions-S1'], today: '2026-01-01' })).toEqual([
      'AwsSolutions-S1 on *: review date 2025-01-01 has passed or is not a YYYY-MM-DD date (owner security)',
      'AwsSolutions-S1 on *: matches no construct in the app',
      'AwsSolutions-S1 on *: an error-level rule may only be acknowledged per construct',
      'AwsSolutions-S1 on *: reason must be at least 25 characters for an auditor',
    ]);
  });
});
