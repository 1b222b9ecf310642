import { Stack } from 'aws-cdk-lib';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { ACCOUNT, DESTINATION, flaggedBy, HOME, homeStack } from '../support/nag-fixtures';

describe('CrossBorder-StackRegionAllowed', () => {
  test('flags resources of a stack outside the allowed regions and of an environment-agnostic stack', () => {
    const { app } = homeStack();
    new CfnTopic(new Stack(app, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } }), 'Topic');
    new CfnTopic(new Stack(app, 'Anywhere'), 'Topic');
    expect(flaggedBy(app, 'StackRegionAllowed').sort()).toEqual(['Anywhere/Topic', 'Frankfurt/Topic']);
  });

  test('passes resources in the home region and in allowed destinations', () => {
    const { app, stack } = homeStack();
    new CfnTopic(stack, 'Topic');
    new CfnTopic(new Stack(app, 'Dest', { env: { account: ACCOUNT, region: DESTINATION } }), 'Topic');
    expect(flaggedBy(app, 'StackRegionAllowed')).toEqual([]);
  });

  test('with no regions configured, allows nothing (fails closed)', () => {
    const { app, stack } = homeStack('Home', HOME);
    new CfnTopic(stack, 'Topic');
    expect(flaggedBy(app, 'StackRegionAllowed', {})).toEqual(['Home/Topic']);
  });
});
