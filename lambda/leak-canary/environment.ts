import type { CanarySettings } from './canary';

/** The canary's settings, read once at cold start; anything missing or invalid stops it (fail closed). */
export function readCanaryEnvironment(env: NodeJS.ProcessEnv): CanarySettings {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`missing ${name}`);
    return value ?? '';
  };
  const whole = (name: string, min: number, max: number): number => {
    const value = Number(text(name));
    if (env[name] && (!Number.isInteger(value) || value < min || value > max)) problems.push(`${name}: got ${JSON.stringify(env[name])}; expected a whole number from ${min} to ${max}`);
    return value;
  };
  const settings = {
    outboundBucket: text('OUTBOUND_BUCKET'),
    outboundPrefix: text('OUTBOUND_PREFIX'),
    resultsBucket: text('RESULTS_BUCKET'),
    lookbackHours: whole('LOOKBACK_HOURS', 1, 24 * 31),
    maxObjects: whole('MAX_OBJECTS', 1, 10_000),
  };
  if (settings.outboundPrefix && !settings.outboundPrefix.endsWith('/')) problems.push(`OUTBOUND_PREFIX: got ${JSON.stringify(settings.outboundPrefix)}; expected a prefix ending in /`);
  if (problems.length > 0) throw new Error(`leak canary environment: ${problems.join('; ')}`);
  return settings;
}
