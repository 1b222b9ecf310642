import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { flaggedBy, homeStack, POLICY } from '../support/nag-fixtures';

describe('CrossBorder-LogRetentionCeiling', () => {
  test('flags log groups that never expire or outlive the ceiling', () => {
    const { app, stack } = homeStack();
    new LogGroup(stack, 'Forever', { retention: RetentionDays.INFINITE });
    new LogGroup(stack, 'Year', { retention: RetentionDays.ONE_YEAR });
    new LogGroup(stack, 'Month', { retention: RetentionDays.ONE_MONTH });
    expect(flaggedBy(app, 'LogRetentionCeiling').sort()).toEqual(['Home/Forever/Resource', 'Home/Year/Resource']);
  });

  test('passes log groups at or under the ceiling, which follows the props', () => {
    const { app, stack } = homeStack();
    new LogGroup(stack, 'Quarter', { retention: RetentionDays.THREE_MONTHS });
    new LogGroup(stack, 'Week', { retention: RetentionDays.ONE_WEEK });
    expect(flaggedBy(app, 'LogRetentionCeiling')).toEqual([]);
    expect(flaggedBy(app, 'LogRetentionCeiling', { ...POLICY, maxLogRetentionDays: 7 })).toEqual(['Home/Quarter/Resource']);
  });
});
