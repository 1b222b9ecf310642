import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, EC2Client, RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createHandler } from '../../../lambda/default-security-group/handler';

const ec2 = mockClient(EC2Client);
const PROPS = { ServiceToken: 'arn', DefaultSecurityGroupId: 'sg-0abc', Account: '111122223333' };
const base = { ServiceToken: 'arn', ResponseURL: 'https://cloudformation-custom-resource-response/signed', StackId: 'stack', RequestId: 'req-1', LogicalResourceId: 'Closer', ResourceType: 'Custom::VpcRestrictDefaultSG' };

function run(event: CloudFormationCustomResourceEvent) {
  const sent: Array<{ url: string; body: Record<string, unknown> }> = [];
  const handler = createHandler({
    ec2: new EC2Client({ region: 'cn-north-1' }),
    send: async (url, body) => void sent.push({ url, body: JSON.parse(body) }),
    logger: { info: () => undefined, error: () => undefined, appendKeys: () => undefined } as never,
  });
  return handler(event).then(() => sent);
}

beforeEach(() => ec2.reset());

describe('default security group closer', () => {
  test('Create revokes the self-ingress and all-egress rules and answers SUCCESS with the group as physical id', async () => {
    const sent = await run({ ...base, RequestType: 'Create', ResourceProperties: PROPS } as CloudFormationCustomResourceEvent);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input).toEqual({
      GroupId: 'sg-0abc',
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-0abc', UserId: '111122223333' }] }],
    });
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand)[0].args[0].input).toEqual({ GroupId: 'sg-0abc', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'sg-0abc', RequestId: 'req-1' });
  });

  test('a rule already gone is not an error', async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidPermission.NotFound' }));
    const sent = await run({ ...base, RequestType: 'Create', ResourceProperties: PROPS } as CloudFormationCustomResourceEvent);
    expect(sent[0].body.Status).toBe('SUCCESS');
  });

  test('Delete gives the rules back; any other EC2 error is a FAILED answer with the reason, never a hung stack', async () => {
    const deleted = await run({ ...base, RequestType: 'Delete', PhysicalResourceId: 'sg-0abc', ResourceProperties: PROPS } as CloudFormationCustomResourceEvent);
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(ec2.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(1);
    expect(deleted[0].body.Status).toBe('SUCCESS');
    ec2.on(RevokeSecurityGroupEgressCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const failed = await run({ ...base, RequestType: 'Create', ResourceProperties: PROPS } as CloudFormationCustomResourceEvent);
    expect(failed[0].body).toMatchObject({ Status: 'FAILED', Reason: 'not authorized', PhysicalResourceId: 'failed-req-1' });
  });

  test('a malformed group id is refused by name', async () => {
    const sent = await run({ ...base, RequestType: 'Create', ResourceProperties: { ...PROPS, DefaultSecurityGroupId: 'default' } } as CloudFormationCustomResourceEvent);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/DefaultSecurityGroupId: got "default"; expected a security group id/) });
    expect(ec2.calls()).toHaveLength(0);
  });
});
