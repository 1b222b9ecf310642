import { z } from 'zod';
import { CN_OPERATOR_TYPES, type ProfileScope } from '../core/incidents';
import { isKnownRegion } from '../core/regions';

/** The incident function's configuration, read once at cold start. Anything missing or invalid stops it (fail closed). */
export interface IncidentEnvironment {
  readonly bucket: string;
  readonly topicArn: string;
  readonly alarmNamePrefix: string;
  readonly scope: ProfileScope;
}

const region = z.string().refine(isKnownRegion, 'must be a known AWS region');
const ScopeSchema = z.strictObject({
  homeRegion: region,
  destinations: z.array(z.strictObject({ region, country: z.string().regex(/^[A-Z]{2}$/) })),
  cnOperator: z.enum(CN_OPERATOR_TYPES),
});

const REQUIRED = ['INCIDENT_BUCKET', 'ALARM_TOPIC_ARN', 'ALARM_NAME_PREFIX', 'INCIDENT_SCOPE'] as const;

export function readIncidentEnvironment(env: NodeJS.ProcessEnv): IncidentEnvironment {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`incident environment: missing ${missing.join(', ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(env.INCIDENT_SCOPE as string);
  } catch (err) {
    throw new Error(`incident environment: INCIDENT_SCOPE is not JSON (${(err as Error).message})`, { cause: err });
  }
  const scope = ScopeSchema.safeParse(raw);
  if (!scope.success) {
    const issue = scope.error.issues[0];
    throw new Error(`incident environment: INCIDENT_SCOPE.${issue?.path.map(String).join('.')}: ${issue?.message}`);
  }
  return { bucket: env.INCIDENT_BUCKET as string, topicArn: env.ALARM_TOPIC_ARN as string, alarmNamePrefix: env.ALARM_NAME_PREFIX as string, scope: scope.data };
}
