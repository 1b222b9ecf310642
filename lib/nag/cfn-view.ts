import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DATA_CLASS_TAG } from '../vocabulary/data-classes';
import { asArray, isJsonObject, tagValue, type JsonObject } from './judgements/values';

export { asArray, isCustomerManagedKeyReference, isJsonObject, isTrue, tagValue, type JsonObject } from './judgements/values';

/**
 * Read-only helpers the CrossBorder rules share: they look at a resource the way CloudFormation
 * will (properties after overrides and tags, tokens resolved to intrinsics), so a rule cannot be
 * fooled by an L2 default or an escape hatch. The pure value helpers live in `judgements/values.ts`,
 * shared with the runtime (AWS Config) twins of the rules.
 */

export interface RenderedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: JsonObject;
}

/** The resource as it will appear in the template, with every token resolved. */
export function render(node: CfnResource): RenderedResource {
  const rendered: unknown = Stack.of(node).resolve(node._toCloudFormation());
  const resources = isJsonObject(rendered) && isJsonObject(rendered.Resources) ? rendered.Resources : {};
  const [logicalId, body] = Object.entries(resources)[0] ?? ['', {}];
  const properties = isJsonObject(body) && isJsonObject(body.Properties) ? body.Properties : {};
  return { logicalId, type: node.cfnResourceType, properties };
}

export function logicalIdOf(node: CfnResource): string {
  return String(Stack.of(node).resolve(node.logicalId));
}

/** The concrete region of the node's stack, or undefined for an environment-agnostic stack. */
export function regionOf(node: IConstruct): string | undefined {
  const region = Stack.of(node).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/** CloudFormation resources of the whole app (every stack), in tree order. */
export function appResources(node: IConstruct): CfnResource[] {
  return node.node.root.node.findAll().filter(CfnResource.isCfnResource);
}

/** CloudFormation resources of the node's own stack (not of nested stacks). */
export function stackResources(node: IConstruct): CfnResource[] {
  const stack = Stack.of(node);
  return stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
}

/** The logical id a `Ref` or `Fn::GetAtt` (anywhere inside `value`) points at, if any. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = referencedLogicalId(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isJsonObject(value)) return undefined;
  if (typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  for (const inner of Object.values(value)) {
    const found = referencedLogicalId(inner);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A value as text, with intrinsics written `${Name}`: `Fn::Join` is flattened so
 * `["arn:", {Ref: AWS::Partition}, ":iam::", {Ref: AWS::AccountId}, ":root"]` reads
 * `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`. Anything else becomes `${?}`.
 */
export function intrinsicText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isJsonObject(value)) return '${?}';
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map(intrinsicText).join(join[0]);
  }
  const sub = value['Fn::Sub'];
  return typeof sub === 'string' ? sub : '${?}';
}

/** The resource of the node's stack with that logical id. */
export function resourceInStack(node: IConstruct, logicalId: string): CfnResource | undefined {
  return stackResources(node).find((r) => logicalIdOf(r) === logicalId);
}

/**
 * The `data-class` of a resource. A DynamoDB global table has no tags of its own, only per
 * replica: every replica must agree, otherwise the class is unknown.
 */
export function dataClassOf(resource: RenderedResource): unknown {
  if (resource.type === 'AWS::DynamoDB::GlobalTable') {
    const classes = new Set(asArray(resource.properties.Replicas).map((r) => (isJsonObject(r) ? tagValue(r.Tags, DATA_CLASS_TAG) : undefined)));
    return classes.size === 1 ? [...classes][0] : undefined;
  }
  return tagValue(resource.properties.Tags, DATA_CLASS_TAG);
}

/**
 * Finds the S3 bucket a bucket reference points at: a `Ref`/`Fn::GetAtt` to a bucket of the same
 * stack, or a name or ARN (literal, or joined with `${AWS::Partition}`) naming a bucket declared
 * with that name anywhere in the app. A name may carry `${AWS::AccountId}`: it then matches a bucket
 * whose name is written the same way (stacks of one account derive the same name), never a guess.
 */
export function findBucket(node: IConstruct, reference: unknown): CfnResource | undefined {
  const logicalId = referencedLogicalId(reference);
  if (logicalId !== undefined) {
    const target = resourceInStack(node, logicalId);
    return target?.cfnResourceType === 'AWS::S3::Bucket' ? target : undefined;
  }
  const name = intrinsicText(reference)
    .replace(/^arn:(?:\$\{AWS::Partition\}|[^:$]+):s3:::/, '')
    .split('/')[0];
  if (name === '' || name.replace(/\$\{AWS::AccountId\}/g, '').includes('${')) return undefined;
  return appResources(node).find(
    (r) => r.cfnResourceType === 'AWS::S3::Bucket' && intrinsicText(render(r).properties.BucketName ?? '${?}') === name,
  );
}

