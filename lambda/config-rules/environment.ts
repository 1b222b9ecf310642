import { isKnownRegion } from '../core/regions';
import type { JudgementPolicy } from '../../lib/nag/judgements/verdict';
import type { DeclaredFacts } from './configuration-item';

/** The custom-rule Lambda's settings, read once at cold start; anything missing or invalid stops it (fail closed). */
export interface ConfigRuleEnvironment {
  readonly policy: JudgementPolicy;
  readonly declared: DeclaredFacts;
}

function json(env: NodeJS.ProcessEnv, name: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') throw new Error(`config rule environment: missing ${name}`);
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new Error(`config rule environment: ${name} is not JSON (${(err as Error).message})`, { cause: err });
  }
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export function readConfigRuleEnvironment(env: NodeJS.ProcessEnv): ConfigRuleEnvironment {
  const policy = json(env, 'RESIDENCY_POLICY') as Partial<JudgementPolicy> | null;
  const bucketRegions = json(env, 'BUCKET_REGIONS');
  const accessLogTargets = json(env, 'ACCESS_LOG_TARGETS');
  const problems: string[] = [];
  const regions = policy?.allowedRegions;
  if (!isStringArray(regions) || regions.length === 0 || !regions.every(isKnownRegion)) {
    problems.push(`RESIDENCY_POLICY.allowedRegions: got ${JSON.stringify(regions)}; expected known regions`);
  }
  if (policy?.homeRegion !== undefined && (typeof policy.homeRegion !== 'string' || !isKnownRegion(policy.homeRegion))) {
    problems.push(`RESIDENCY_POLICY.homeRegion: got ${JSON.stringify(policy.homeRegion)}; expected a known region`);
  }
  const ceiling = policy?.maxLogRetentionDays;
  if (typeof ceiling !== 'number' || !Number.isInteger(ceiling) || ceiling < 1) {
    problems.push(`RESIDENCY_POLICY.maxLogRetentionDays: got ${JSON.stringify(ceiling)}; expected a whole number of days`);
  }
  const regionMap = bucketRegions !== null && typeof bucketRegions === 'object' && !Array.isArray(bucketRegions) ? (bucketRegions as Record<string, unknown>) : undefined;
  if (regionMap === undefined || !Object.values(regionMap).every((r) => typeof r === 'string' && isKnownRegion(r))) {
    problems.push('BUCKET_REGIONS: expected an object of bucket name to known region');
  }
  if (!isStringArray(accessLogTargets)) problems.push('ACCESS_LOG_TARGETS: expected a list of bucket names');
  if (problems.length > 0) throw new Error(`config rule environment:\n  - ${problems.join('\n  - ')}`);
  return {
    policy: { homeRegion: policy?.homeRegion, allowedRegions: regions as string[], maxLogRetentionDays: ceiling as number },
    declared: { bucketRegions: regionMap as Record<string, string>, accessLogTargets: accessLogTargets as string[] },
  };
}
