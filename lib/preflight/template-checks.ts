import { bucketNameProblems, ACCOUNT_PLACEHOLDER } from '../constructs/bucket-names';
import { readCredentials } from '../../lambda/credential-rotation/credentials';
import {
  ACCOUNT_TOKEN,
  type CfnTemplateJson,
  constructPathOf,
  mentionsAccount,
  referencedIds,
  type RenderContext,
  renderString,
  resourcesOf,
  type ResourceEntry,
  statementsOf,
  targetId,
} from './template-model';

/**
 * Checks of one synthesized template that need no AWS call: each a pure function from the
 * template JSON (and what the stack's environment says) to findings. `residency preflight` runs
 * them on a cloud assembly; the test suite runs them on the templates it synthesizes.
 */

export type Severity = 'blocker' | 'action' | 'info';

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  readonly logicalId?: string;
  readonly path?: string;
  /** What is wrong (never a secret value). */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

function finding(entry: ResourceEntry, check: string, severity: Severity, message: string, fix: string): Finding {
  return { check, severity, logicalId: entry.logicalId, path: constructPathOf(entry.resource), message, fix };
}

/** Explicit S3 bucket names: each must carry the account (S3 names are unique per partition) and be a valid name. */
export function bucketNameFindings(template: CfnTemplateJson, context: RenderContext = {}): Finding[] {
  return resourcesOf(template, 'AWS::S3::Bucket').flatMap((entry) => {
    const name = entry.resource.Properties?.BucketName;
    if (name === undefined) return [];
    const rendered = renderString(name, context);
    const found: Finding[] = [];
    if (!mentionsAccount(name, context.account)) {
      found.push(
        finding(entry, 'global-names', 'blocker', `bucket name ${rendered ?? JSON.stringify(name)} carries no account: S3 names are unique across the whole partition, so a second deployment (or anyone who took the name) makes the stack fail`, 'put the account id in the name (as the outbound bucket does) or let CloudFormation name the bucket'),
      );
    }
    if (rendered === undefined) {
      found.push(finding(entry, 'global-names', 'blocker', `bucket name ${JSON.stringify(name)} cannot be evaluated before deploy`, 'build the name from literals, AWS::AccountId and AWS::Region only'));
    } else {
      const problems = bucketNameProblems(rendered.split(ACCOUNT_TOKEN).join(ACCOUNT_PLACEHOLDER));
      if (problems.length > 0) found.push(finding(entry, 'global-names', 'blocker', `bucket name ${rendered} is invalid: ${problems.join('; ')}`, 'shorten projectName or fix its characters in cdk.json'));
    }
    return found;
  });
}

/** The initial value of a secret, as far as the template says: generated, a literal, or nothing. */
function initialValueOf(secret: ResourceEntry): 'generated' | 'not-provisioned' | 'credentials' | 'unknown' {
  const p = secret.resource.Properties ?? {};
  if (p.GenerateSecretString !== undefined) return 'generated';
  if (typeof p.SecretString !== 'string') return 'unknown';
  try {
    return readCredentials(p.SecretString, secret.logicalId).provisioned ? 'credentials' : 'not-provisioned';
  } catch {
    return 'unknown';
  }
}

/** Secrets that hold no credentials yet, and rotation schedules that would rotate them before anyone could. */
export function secretFindings(template: CfnTemplateJson): Finding[] {
  const resources = template.Resources ?? {};
  const found: Finding[] = [];
  for (const schedule of resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')) {
    const p = schedule.resource.Properties ?? {};
    const secretId = targetId(p.SecretId);
    const secret = secretId && resources[secretId] ? { logicalId: secretId, resource: resources[secretId] } : undefined;
    const initial = secret ? initialValueOf(secret) : 'unknown';
    const rules = p.RotationRules as { AutomaticallyAfterDays?: number; ScheduleExpression?: string } | undefined;
    const days = rules?.AutomaticallyAfterDays ?? Number(/^rate\((\d+) days?\)$/.exec(rules?.ScheduleExpression ?? '')?.[1] ?? NaN);
    if (p.RotateImmediatelyOnUpdate !== false && initial !== 'credentials') {
      found.push(
        finding(schedule, 'secrets', 'blocker', `rotates its secret as soon as it is created, while the secret holds ${initial === 'generated' ? 'a random string' : initial === 'not-provisioned' ? 'no credentials yet' : 'a value the template does not show'}: the first rotation fails before anyone could put credentials in`, 'set rotateImmediatelyOnUpdate: false on the RotationSchedule and start the secret from a JSON template its rotation function understands'),
      );
    }
    if (secret && initial === 'not-provisioned') {
      found.push(
        finding(secret, 'secrets', 'action', `holds the not-provisioned template: fill it before the first delivery${Number.isFinite(days) ? ` and before its first rotation, ${days} days after deployment` : ''}`, 'after deploying the destination stack, create its IAM user and put {"userName","accessKeyId","secretAccessKey"} with aws secretsmanager put-secret-value'),
      );
    }
  }
  return found;
}

/** Every Lambda function (providers included) has reserved concurrency and a dead-letter queue (checkov CKV_AWS_115/116). */
export function lambdaResilienceFindings(template: CfnTemplateJson): Finding[] {
  return resourcesOf(template, /^AWS::(Lambda|Serverless)::Function$/).flatMap((entry) => {
    const p = entry.resource.Properties ?? {};
    const missing = [
      ...(p.ReservedConcurrentExecutions === undefined ? ['reserved concurrency'] : []),
      ...((p.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn === undefined ? ['a dead-letter queue'] : []),
    ];
    return missing.length === 0 ? [] : [finding(entry, 'lambda-resilience', 'blocker', `function without ${missing.join(' and ')}`, 'build it as a DataPlaneFunction (or give the provider those options); a CDK provider without them is replaced, see default-security-group-closer.ts')];
  });
}

/** Security groups a function runs with, by logical id. */
function functionSecurityGroups(entry: ResourceEntry): string[] {
  const ids = (entry.resource.Properties?.VpcConfig as { SecurityGroupIds?: unknown[] } | undefined)?.SecurityGroupIds ?? [];
  return ids.map(targetId).filter((id): id is string => id !== undefined);
}

/** Whether some X-Ray interface endpoint of the template admits traffic from one of these security groups. */
function xrayEndpointAdmits(template: CfnTemplateJson, sourceGroups: readonly string[]): boolean {
  const endpointGroups = resourcesOf(template, 'AWS::EC2::VPCEndpoint')
    .filter(({ resource }) => /\.xray$/.test(renderString(resource.Properties?.ServiceName, { region: 'region' }) ?? ''))
    .flatMap(({ resource }) => ((resource.Properties?.SecurityGroupIds as unknown[] | undefined) ?? []).map(targetId));
  const standalone = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').some(({ resource }) => {
    const p = resource.Properties ?? {};
    return endpointGroups.includes(targetId(p.GroupId)) && sourceGroups.includes(targetId(p.SourceSecurityGroupId) ?? '');
  });
  const inline = endpointGroups.some((group) => {
    const rules = ((template.Resources?.[group ?? '']?.Properties?.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? []);
    return rules.some((rule) => sourceGroups.includes(targetId(rule.SourceSecurityGroupId) ?? ''));
  });
  return standalone || inline;
}

/**
 * A traced function must have a way to send its traces: X-Ray integration where it runs, and, in
 * a VPC (our subnets have no route out), an X-Ray interface endpoint it may reach.
 */
export function traceFindings(template: CfnTemplateJson, options: { readonly xrayOffered: boolean }): Finding[] {
  return resourcesOf(template, 'AWS::Lambda::Function').flatMap((entry) => {
    const mode = (entry.resource.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode;
    if (mode !== 'Active') return [];
    if (!options.xrayOffered) {
      return [finding(entry, 'traces', 'blocker', 'traced function in a region where X-Ray does not integrate with Lambda', 'turn tracing off there (DataPlaneFunction does so from lib/availability.ts)')];
    }
    if (entry.resource.Properties?.VpcConfig === undefined) return [];
    return xrayEndpointAdmits(template, functionSecurityGroups(entry))
      ? []
      : [finding(entry, 'traces', 'blocker', 'traced function in a VPC with no X-Ray endpoint it may reach: its traces cannot be sent', 'add the X-Ray interface endpoint (PrivateNetwork does where offered) and pass it to the function, or turn tracing off')];
  });
}

/** `DependsOn` entries CloudFormation already implies through Ref / Fn::GetAtt / Fn::Sub (cfn-lint W3005). */
export function impliedDependencyFindings(template: CfnTemplateJson): Finding[] {
  return resourcesOf(template).flatMap((entry) => {
    const dependsOn = entry.resource.DependsOn;
    const explicit = dependsOn === undefined ? [] : typeof dependsOn === 'string' ? [dependsOn] : dependsOn;
    const referenced = referencedIds({ Properties: entry.resource.Properties, Metadata: entry.resource.Metadata });
    return explicit
      .filter((id) => referenced.has(id))
      .map((id) => finding(entry, 'dependencies', 'info', `DependsOn ${id} is already implied by a reference to it`, 'remove the explicit dependency at the construct that adds it'));
  });
}

/** `kms:ViaService` values spelled for another partition's endpoints never match (e.g. `.amazonaws.com` in aws-cn). */
export function viaServiceFindings(template: CfnTemplateJson, context: RenderContext & { urlSuffix: string }): Finding[] {
  return statementsOf(template).flatMap(({ logicalId, statement }) =>
    Object.values(statement.Condition ?? {}).flatMap((operator) => {
      const values = operator['kms:ViaService'];
      if (values === undefined) return [];
      return (Array.isArray(values) ? values : [values])
        .map((v) => renderString(v, context))
        .filter((v): v is string => v !== undefined && !v.endsWith(`.${context.urlSuffix}`) && !v.endsWith('*'))
        .map((v) => ({
          check: 'kms-via-service',
          severity: 'blocker' as const,
          logicalId,
          path: constructPathOf(template.Resources?.[logicalId] ?? { Type: '' }),
          message: `kms:ViaService ${v} never matches here: service endpoints end .${context.urlSuffix}`,
          fix: 'build the condition with the stack URL suffix (grants.ts does); do not let aws-cdk-lib add it (e.g. set a secret\'s key on the CfnSecret)',
        }));
    }),
  );
}

/** Every IAM action a template names (Action and NotAction), lower-cased service prefix kept as written. */
export function iamActionsOf(template: CfnTemplateJson): string[] {
  const actions = new Set<string>();
  for (const { statement } of statementsOf(template)) {
    for (const field of [statement.Action, statement.NotAction]) {
      for (const action of field === undefined ? [] : typeof field === 'string' ? [field] : field) actions.add(action);
    }
  }
  return [...actions].sort();
}

/** 12-digit literals (account ids) a template names, other than the stack's own account. */
export function foreignAccountsOf(template: CfnTemplateJson, account: string | undefined): string[] {
  const found = new Set(JSON.stringify(template.Resources ?? {}).match(/(?<![0-9A-Za-z.])\d{12}(?![0-9A-Za-z.])/g) ?? []);
  if (account) found.delete(account);
  return [...found].sort();
}

export { ACCOUNT_TOKEN };
