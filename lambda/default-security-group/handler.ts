/**
 * CloudFormation custom resource `Custom::VpcRestrictDefaultSG`: removes the rules a new VPC's
 * default security group comes with (all traffic from itself, all traffic out), so nothing placed
 * in it by mistake can talk. CloudFormation invokes this function directly and it answers at the
 * event's ResponseURL itself, always: every error becomes a FAILED response with a reason.
 *
 * Create: revoke both rules. Update to another group: give the old group its rules back, revoke the
 * new one's. Delete: give the rules back (the VPC's own default state, so the VPC can be deleted).
 * A rule already gone (or already there) is not an error.
 */
import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, EC2Client, RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { type Outcome, responseBody } from '../core/custom-key-store';
import { sendResponse } from '../custom-key-store/cfn-response';

export interface DefaultGroupProperties {
  readonly DefaultSecurityGroupId: string;
  readonly Account: string;
}

export interface HandlerDeps {
  readonly ec2: Pick<EC2Client, 'send'>;
  readonly send: (responseUrl: string, body: string) => Promise<void>;
  readonly logger: Pick<Logger, 'info' | 'error' | 'appendKeys'>;
}

function propertiesOf(raw: unknown): DefaultGroupProperties {
  const p = (raw ?? {}) as Partial<DefaultGroupProperties>;
  if (typeof p.DefaultSecurityGroupId !== 'string' || !/^sg-[0-9a-f]+$/.test(p.DefaultSecurityGroupId)) {
    throw new Error(`DefaultSecurityGroupId: got ${JSON.stringify(p.DefaultSecurityGroupId)}; expected a security group id (sg-…)`);
  }
  if (typeof p.Account !== 'string' || !/^\d{12}$/.test(p.Account)) throw new Error('Account: expected a 12-digit account id');
  return { DefaultSecurityGroupId: p.DefaultSecurityGroupId, Account: p.Account };
}

/** The two rules every default security group starts with. */
function defaultRules(group: DefaultGroupProperties) {
  return {
    ingress: { GroupId: group.DefaultSecurityGroupId, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: group.DefaultSecurityGroupId, UserId: group.Account }] }] },
    egress: { GroupId: group.DefaultSecurityGroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
  };
}

/** Runs an EC2 call, treating the named error codes as "already in that state". */
async function tolerating(codes: readonly string[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    const code = (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name ?? '';
    if (!codes.includes(code)) throw err;
  }
}

export async function closeDefaultGroup(ec2: HandlerDeps['ec2'], group: DefaultGroupProperties): Promise<void> {
  const rules = defaultRules(group);
  await tolerating(['InvalidPermission.NotFound'], () => ec2.send(new RevokeSecurityGroupIngressCommand(rules.ingress)));
  await tolerating(['InvalidPermission.NotFound'], () => ec2.send(new RevokeSecurityGroupEgressCommand(rules.egress)));
}

export async function reopenDefaultGroup(ec2: HandlerDeps['ec2'], group: DefaultGroupProperties): Promise<void> {
  const rules = defaultRules(group);
  await tolerating(['InvalidPermission.Duplicate', 'InvalidGroup.NotFound'], () => ec2.send(new AuthorizeSecurityGroupIngressCommand(rules.ingress)));
  await tolerating(['InvalidPermission.Duplicate', 'InvalidGroup.NotFound'], () => ec2.send(new AuthorizeSecurityGroupEgressCommand(rules.egress)));
}

async function handle(deps: HandlerDeps, event: CloudFormationCustomResourceEvent): Promise<Outcome> {
  const group = propertiesOf(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
      await closeDefaultGroup(deps.ec2, group);
      return { status: 'SUCCESS', physicalResourceId: group.DefaultSecurityGroupId };
    case 'Update': {
      const previous = propertiesOf(event.OldResourceProperties);
      if (previous.DefaultSecurityGroupId !== group.DefaultSecurityGroupId) await reopenDefaultGroup(deps.ec2, previous);
      await closeDefaultGroup(deps.ec2, group);
      return { status: 'SUCCESS', physicalResourceId: group.DefaultSecurityGroupId };
    }
    case 'Delete':
      await reopenDefaultGroup(deps.ec2, group);
      return { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId };
  }
}

export function createHandler(deps: HandlerDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    // Never log the event as a whole: its ResponseURL is a credential for the answer.
    deps.logger.appendKeys({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
    let outcome: Outcome;
    try {
      outcome = await handle(deps, event);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.error('closing the default security group failed', { error: message });
      outcome = {
        status: 'FAILED',
        physicalResourceId: event.RequestType === 'Create' ? `failed-${event.RequestId}` : event.PhysicalResourceId,
        reason: message,
      };
    }
    await deps.send(event.ResponseURL, responseBody(event, outcome));
    deps.logger.info('answered CloudFormation', { status: outcome.status });
  };
}

export const handler = createHandler({ ec2: new EC2Client({}), send: sendResponse, logger: new Logger({ serviceName: 'default-security-group' }) });
