import { isKnownRegion, partitionOf } from '../../lambda/core/regions';
import { type AvailabilityRow, availabilityRow } from '../availability';
import type { AssemblyStack } from '../report/cloud-assembly';
import {
  bucketNameFindings,
  type Finding,
  foreignAccountsOf,
  impliedDependencyFindings,
  lambdaResilienceFindings,
  secretFindings,
  traceFindings,
  viaServiceFindings,
} from './template-checks';
import { ACCOUNT_TOKEN, type CfnTemplateJson, constructPathOf, renderString, renderWithUnknowns, resourcesOf } from './template-model';

/**
 * `residency preflight`: what a template cannot say about the real target, checked before
 * `cdk deploy`: global names, availability of every resource type and feature in the stack's
 * partition and region (lib/availability.ts), account-bound values, and the secrets to fill.
 */

export interface StackChecklist {
  readonly stack: string;
  readonly region?: string;
  readonly partition?: string;
  readonly account?: string;
  readonly items: readonly Finding[];
  /** What was checked and found in order (availability rows with their source and date). */
  readonly passed: readonly Finding[];
}

export interface PreflightReport {
  readonly stacks: readonly StackChecklist[];
  readonly blockers: number;
  readonly actions: number;
}

const SKIPPED_TYPES = /^(Custom::|AWS::CDK::Metadata$|AWS::CloudFormation::)/;
const URL_SUFFIX: Record<string, string> = { aws: 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn' };

function availabilityFinding(subject: string, what: string, region: string, row: AvailabilityRow | undefined): Finding {
  if (!row) {
    return {
      check: 'availability',
      severity: 'blocker',
      message: `${what} is not checked for ${region}`,
      fix: `check the service's page (for aws-cn: docs.amazonaws.cn "Getting Started with Amazon Web Services in China") and add a dated row for ${subject} to lib/availability.ts`,
    };
  }
  const source = `${row.source}, checked ${row.checked}`;
  return row.availability === 'offered'
    ? { check: 'availability', severity: 'info', message: `${what} is offered in ${region} (${source})`, fix: '' }
    : { check: 'availability', severity: 'blocker', message: `${what} is not offered in ${region}: ${row.note} (${source})`, fix: 'change the construct to fall back or refuse (see lib/availability.ts), or choose another region' };
}

/** The features a template uses that the availability table speaks of. */
function featuresOf(template: CfnTemplateJson): Array<{ subject: string; what: string }> {
  const features = new Map<string, string>();
  for (const { resource } of resourcesOf(template, 'AWS::Lambda::Function')) {
    const p = resource.Properties ?? {};
    for (const arch of (p.Architectures as string[] | undefined) ?? []) if (arch === 'arm64') features.set('lambda:arm64', 'arm64 Lambda');
    if (typeof p.Runtime === 'string') features.set(`lambda:${p.Runtime}`, `Lambda runtime ${p.Runtime}`);
    if ((p.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active') features.set('lambda:xray-tracing', 'X-Ray tracing of Lambda functions');
  }
  for (const { resource } of resourcesOf(template, 'AWS::EC2::VPCEndpoint')) {
    if (/\.xray$/.test(renderString(resource.Properties?.ServiceName, { region: 'region' }) ?? '')) features.set('vpc-endpoint:xray', 'the X-Ray interface endpoint');
  }
  for (const { resource } of resourcesOf(template, 'AWS::CloudTrail::Trail')) {
    if (JSON.stringify(resource.Properties?.EventSelectors ?? resource.Properties?.AdvancedEventSelectors ?? []).includes('AWS::DynamoDB::Table')) {
      features.set('cloudtrail:dynamodb-data-events', 'CloudTrail DynamoDB data events');
    }
  }
  return [...features].map(([subject, what]) => ({ subject, what }));
}

function availabilityFindings(template: CfnTemplateJson, region: string): Finding[] {
  const types = [...new Set(resourcesOf(template).map(({ resource }) => resource.Type))].filter((t) => !SKIPPED_TYPES.test(t)).sort();
  return [
    ...types.map((type) => availabilityFinding(type, type, region, availabilityRow(type, region))),
    ...featuresOf(template).map(({ subject, what }) => availabilityFinding(subject, what, region, availabilityRow(subject, region))),
  ];
}

/** Push destinations whose landing bucket the home stack could not name (DESTINATIONS of the delivery function). */
function unboundPushFindings(template: CfnTemplateJson): Finding[] {
  return resourcesOf(template, 'AWS::Lambda::Function').flatMap(({ logicalId, resource }) => {
    const raw = renderWithUnknowns((resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.DESTINATIONS);
    if (raw === undefined) return [];
    let destinations: Array<{ region?: string; bucket?: string; method?: string }>;
    try {
      destinations = JSON.parse(raw) as typeof destinations;
    } catch {
      return [];
    }
    return destinations
      .filter((d) => d.method === 'cross-partition-push' && d.bucket === undefined)
      .map((d) => ({
        check: 'accounts',
        severity: 'blocker' as const,
        logicalId,
        path: constructPathOf(resource),
        message: `the landing bucket of ${d.region} is in another partition and its account is not configured: the home stack cannot name it, and delivery refuses to push`,
        fix: `set accounts.destinations.${d.region} in cdk.json to the account that deploys that destination stack, synthesize again`,
      }));
  });
}

function accountFindings(stack: AssemblyStack): Finding[] {
  const template = stack.template as CfnTemplateJson;
  const found: Finding[] = [];
  if (!stack.account) {
    found.push({
      check: 'accounts',
      severity: 'action',
      message: 'not bound to an account: cdk deploy uses the account of the credentials it runs with, and account-bound names take that account',
      fix: 'set accounts.home / accounts.destinations.<region> in cdk.json so each stack can only be deployed where it is meant to go',
    });
  }
  const foreign = foreignAccountsOf(template, stack.account);
  if (foreign.length > 0) {
    found.push({ check: 'accounts', severity: 'action', message: `names account id(s) ${foreign.join(', ')} other than its own`, fix: 'check each is an account of yours (or an AWS service account of this region)' });
  }
  return [...found, ...unboundPushFindings(template)];
}

/** Replication targets of a stack must be buckets another stack of the assembly creates under that very name. */
function crossStackNameFindings(stack: AssemblyStack, stacks: readonly AssemblyStack[]): Finding[] {
  const created = stacks
    .filter((other) => other !== stack)
    .flatMap((other) => resourcesOf(other.template as CfnTemplateJson, 'AWS::S3::Bucket').map(({ resource }) => ({ other, name: renderString(resource.Properties?.BucketName, { account: other.account }) })));
  const rules = resourcesOf(stack.template as CfnTemplateJson, 'AWS::S3::Bucket').flatMap(({ logicalId, resource }) =>
    ((resource.Properties?.ReplicationConfiguration as { Rules?: Array<{ Destination?: { Bucket?: unknown } }> } | undefined)?.Rules ?? []).map((rule) => ({
      logicalId,
      path: constructPathOf(resource),
      target: renderString(rule.Destination?.Bucket, { account: stack.account, partition: 'partition' })?.replace(/^arn:partition:s3:::/, ''),
    })),
  );
  return rules.flatMap(({ logicalId, path, target }): Finding[] => {
    if (target === undefined) return [];
    const match = created.find(({ name }) => name === target);
    if (!match) {
      return [{ check: 'global-names', severity: 'blocker', logicalId, path, message: `replicates to bucket ${target}, which no other stack of this assembly creates under that name`, fix: 'derive both names from bucket-names.ts and bind both stacks to their accounts' }];
    }
    if (target.includes(ACCOUNT_TOKEN)) {
      return [{ check: 'global-names', severity: 'action', logicalId, path, message: `replicates to ${target} of stack ${match.other.artifactId}: the same bucket only if both stacks deploy to one account`, fix: 'deploy both to the same account, or set accounts.destinations so the name carries the destination account' }];
    }
    return [];
  });
}

/** Runs every check on every stack of a cloud assembly. */
export function preflight(stacks: readonly AssemblyStack[]): PreflightReport {
  const checklists = stacks.map((stack): StackChecklist => {
    const template = stack.template as CfnTemplateJson;
    const partition = stack.region && isKnownRegion(stack.region) ? partitionOf(stack.region) : undefined;
    const regionFindings: Finding[] =
      stack.region && partition
        ? [
            ...availabilityFindings(template, stack.region),
            ...traceFindings(template, { xrayOffered: availabilityRow('lambda:xray-tracing', stack.region)?.availability === 'offered' }),
            ...viaServiceFindings(template, { region: stack.region, partition, urlSuffix: URL_SUFFIX[partition], account: stack.account }),
          ]
        : [{ check: 'availability', severity: 'blocker', message: `the stack has no known region (${stack.region ?? 'none'}): nothing can be checked against the table`, fix: 'give every stack an explicit env with a region' }];
    const all = [
      ...bucketNameFindings(template, { account: stack.account, region: stack.region, partition }),
      ...regionFindings,
      ...accountFindings(stack),
      ...secretFindings(template),
      ...lambdaResilienceFindings(template),
      ...impliedDependencyFindings(template),
      ...crossStackNameFindings(stack, stacks),
    ];
    const located = all.map((f) => (f.path === undefined && f.logicalId ? { ...f, path: stack.constructPathByLogicalId.get(f.logicalId) } : f));
    return {
      stack: stack.artifactId,
      region: stack.region,
      partition,
      account: stack.account,
      items: located.filter((f) => f.severity !== 'info'),
      passed: located.filter((f) => f.severity === 'info'),
    };
  });
  const items = checklists.flatMap((c) => c.items);
  return { stacks: checklists, blockers: items.filter((i) => i.severity === 'blocker').length, actions: items.filter((i) => i.severity === 'action').length };
}

/** The checklist as text for a terminal. */
export function checklistText(report: PreflightReport, assemblyDir: string): string {
  const lines = [`residency preflight: ${assemblyDir} (${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'})`, ''];
  for (const stack of report.stacks) {
    lines.push(`${stack.stack}  ${stack.partition ?? '?'} ${stack.region ?? '?'}  account ${stack.account ?? 'not bound'}`);
    for (const item of stack.items) {
      lines.push(`  [${item.severity === 'blocker' ? 'BLOCKER' : 'ACTION '}] ${item.check}${item.path ? ` ${item.path}` : item.logicalId ? ` ${item.logicalId}` : ''}: ${item.message}`);
      if (item.fix) lines.push(`            do: ${item.fix}`);
    }
    for (const item of stack.passed) lines.push(`  [ok     ] ${item.check}: ${item.message}`);
    lines.push('');
  }
  lines.push(`${report.blockers} blocker(s), ${report.actions} action(s) before or right after deploy.${report.blockers > 0 ? ' Do not deploy yet.' : ''}`, '');
  return lines.join('\n');
}
