/**
 * A synthesized CloudFormation template as plain JSON, and the few intrinsic functions the
 * preflight checks need to read (Ref, Fn::GetAtt, Fn::Join, Fn::Sub), with no AWS call.
 */

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplateJson {
  readonly Resources?: Record<string, CfnResourceJson>;
}

/** One resource of a template, with its logical id. */
export interface ResourceEntry {
  readonly logicalId: string;
  readonly resource: CfnResourceJson;
}

export function resourcesOf(template: CfnTemplateJson, type?: string | RegExp): ResourceEntry[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => type === undefined || (typeof type === 'string' ? r.Type === type : type.test(r.Type)))
    .map(([logicalId, resource]) => ({ logicalId, resource }));
}

/** Logical ids a value refers to: `Ref`, `Fn::GetAtt`, and `${Id}` / `${Id.Attr}` in `Fn::Sub`. */
export function referencedIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^}!.]+)[^}]*\}/g)) found.add(match[1]);
        referencedIds(inner, found);
      } else referencedIds(inner, found);
    }
  }
  return found;
}

/** Logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, if the value is exactly one of those. */
export function targetId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  return undefined;
}

/** Placeholders a rendered string uses for values only known at deploy time. */
export const ACCOUNT_TOKEN = '<AWS::AccountId>';

export interface RenderContext {
  readonly account?: string;
  readonly region?: string;
  readonly partition?: string;
  readonly urlSuffix?: string;
}

/**
 * Renders a string-valued property: literals, `Fn::Join` of renderable parts, the pseudo parameters
 * (the account as `<AWS::AccountId>` unless known). `undefined` when some part cannot be known
 * without deploying (another resource's attribute, a parameter).
 */
export function renderString(value: unknown, context: RenderContext = {}): string | undefined {
  return render(value, context, () => undefined);
}

/** Like renderString, with `?` for every part only known at deploy time (to read JSON built with Fn::Join). */
export function renderWithUnknowns(value: unknown, context: RenderContext = {}): string | undefined {
  return render(value, context, () => '?');
}

function render(value: unknown, context: RenderContext, unknown: () => string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object') return unknown();
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') {
    const pseudo: Record<string, string | undefined> = {
      'AWS::AccountId': context.account ?? ACCOUNT_TOKEN,
      'AWS::Region': context.region,
      'AWS::Partition': context.partition,
      'AWS::URLSuffix': context.urlSuffix,
    };
    return pseudo[v.Ref] ?? unknown();
  }
  const join = v['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((part) => render(part, context, unknown));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return unknown();
}

/** Whether a value mentions the deploying account: `Ref AWS::AccountId`, or the known account literally. */
export function mentionsAccount(value: unknown, account: string | undefined): boolean {
  if (referencedIds(value).has('AWS::AccountId')) return true;
  const text = JSON.stringify(value);
  return account !== undefined ? text.includes(account) : /\b\d{12}\b/.test(text);
}

/** The construct path CDK recorded for a resource, when it did. */
export function constructPathOf(resource: CfnResourceJson): string | undefined {
  const path = resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/** Every IAM policy document in a resource (identity, inline role, bucket, queue, topic and key policies). */
export function policyDocumentsOf(resource: CfnResourceJson): unknown[] {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::Policy':
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SNS::TopicPolicy':
    case 'AWS::SQS::QueuePolicy':
      return [p.PolicyDocument];
    case 'AWS::IAM::Role':
      return [p.AssumeRolePolicyDocument, ...((p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map((x) => x.PolicyDocument)];
    case 'AWS::KMS::Key':
      return [p.KeyPolicy];
    default:
      return [];
  }
}

export interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of the policy documents of every resource of a template. */
export function statementsOf(template: CfnTemplateJson): Array<{ logicalId: string; statement: PolicyStatementJson }> {
  return resourcesOf(template).flatMap(({ logicalId, resource }) =>
    policyDocumentsOf(resource).flatMap((doc) => {
      const statements = (doc as { Statement?: PolicyStatementJson | PolicyStatementJson[] } | undefined)?.Statement ?? [];
      return (Array.isArray(statements) ? statements : [statements]).map((statement) => ({ logicalId, statement }));
    }),
  );
}
