import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';

/**
 * Reads the stacks of a cloud assembly (`cdk.out`): manifest.json for each stack's environment and
 * template, the metadata (in the manifest or its `additionalMetadataFile`) for the construct path
 * of every logical id, and nested assemblies of Stages.
 */

export interface AssemblyStack {
  readonly artifactId: string;
  /** Construct path of the stack, e.g. `Home` or `Prod/Home`. */
  readonly path: string;
  readonly account?: string;
  readonly region?: string;
  /** Template file relative to the root of the cloud assembly. */
  readonly templateFile: string;
  readonly template: Template;
  readonly constructPathByLogicalId: ReadonlyMap<string, string>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Metadata?: Record<string, unknown>;
}

const metadataEntries = z.record(z.string(), z.array(z.object({ type: z.string(), data: z.unknown().optional() })));
const manifestSchema = z.object({
  artifacts: z
    .record(
      z.string(),
      z.object({
        type: z.string(),
        environment: z.string().optional(),
        displayName: z.string().optional(),
        properties: z.object({ templateFile: z.string().optional(), directoryName: z.string().optional() }).loose().optional(),
        metadata: metadataEntries.optional(),
        additionalMetadataFile: z.string().optional(),
      }),
    )
    .default({}),
});

const UNKNOWN = /^unknown-(account|region)$/;

function environment(env: string | undefined): { account?: string; region?: string } {
  const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(env ?? '');
  if (match === null) return {};
  return {
    ...(UNKNOWN.test(match[1]) ? {} : { account: match[1] }),
    ...(UNKNOWN.test(match[2]) ? {} : { region: match[2] }),
  };
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every stack of the assembly in `rootDir`, nested Stage assemblies included. Throws if there is no manifest. */
export function readAssemblyStacks(rootDir: string, relativeDir = ''): AssemblyStack[] {
  const dir = path.join(rootDir, relativeDir);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} not found: is ${dir} a cloud assembly (cdk.out)?`);
  const manifest = manifestSchema.parse(readJson(manifestFile));
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readAssemblyStacks(rootDir, path.join(relativeDir, artifact.properties.directoryName)));
      continue;
    }
    const templateFile = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || templateFile === undefined) continue;
    const metadata = {
      ...(artifact.metadata ?? {}),
      ...(artifact.additionalMetadataFile ? metadataEntries.parse(readJson(path.join(dir, artifact.additionalMetadataFile))) : {}),
    };
    const constructPathByLogicalId = new Map<string, string>();
    let stackPath = artifact.displayName ?? artifactId;
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') constructPathByLogicalId.set(entry.data, constructPath.replace(/^\//, ''));
        if (entry.type === 'aws:cdk:templateFile') stackPath = constructPath.replace(/^\//, '');
      }
    }
    stacks.push({
      artifactId,
      path: stackPath,
      ...environment(artifact.environment),
      templateFile: path.join(relativeDir, templateFile),
      template: readJson(path.join(dir, templateFile)) as Template,
      constructPathByLogicalId,
    });
  }
  return stacks;
}
