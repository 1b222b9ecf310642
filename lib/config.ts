import { z } from 'zod';
import { didYouMean } from './suggest';
import { KNOWN_REGIONS, isKnownRegion, partitionOf, type Partition } from '../lambda/core/regions';
import { MAX_SPLIT_PARTS } from '../lambda/core/split-plan';
import { LAMBDA_MB_PER_VCPU } from '../lambda/shared/lambda-cpu';
import { DEFAULT_RUNTIME_CHECKS, runtimeChecksSchema } from './runtime-checks/settings';
import { DATA_CLASSES, type DataClass } from './vocabulary/data-classes';

/** The JR/T 0171 data classes, defined in the vocabulary module; re-exported for config readers. */
export { DATA_CLASSES, type DataClass };

/** Longest operational log retention we accept: data minimization caps it (the audit record is separate). */
export const LOG_RETENTION_CEILING_DAYS = 90;
/** Retention values CloudWatch Logs accepts, up to our ceiling. */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90] as const;
/** S3 Object Lock accepts up to 100 years; 10 years covers every record-keeping duty we know of. */
export const OBJECT_LOCK_CEILING_DAYS = 3650;
/**
 * Shortest lock on the audit record (and the declaration ledger). The record expires when its lock
 * ends, so the lock is how long the trail exists: PCI DSS v4.0.1 Req. 10.5.1 keeps audit log history
 * for at least 12 months (the last three immediately available) and the Cybersecurity Law of the PRC
 * Art. 21(3) keeps network logs for at least six months. 365 days meets both.
 */
export const AUDIT_RECORD_FLOOR_DAYS = 365;
/**
 * Default oldest a personal information protection impact assessment (PIPL Art. 55) or a transfer
 * impact assessment (CJEU C-311/18 Schrems II; EDPB Recommendations 01/2020) may be before a rule
 * relying on it is refused at synth: reviewed at least yearly.
 */
export const IMPACT_ASSESSMENT_MAX_AGE_DAYS = 365;
/** PIPL Art. 56 keeps impact assessment reports at least three years: an older one is not evidence any more. */
export const IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS = 1095;
/** Smallest split size (config `splitObjectBytes`). */
export const MIN_SPLIT_OBJECT_BYTES = 16 * 1024 * 1024;
/** Largest split size: more than a 10-minute invocation desensitizes under every rule. */
export const MAX_SPLIT_OBJECT_BYTES = 5 * 1024 ** 3;

/**
 * The transfer gateway's default memory: two vCPUs' worth (2 x 1,769 MB, LAMBDA_MB_PER_VCPU), so its
 * two threads each get a whole vCPU. About the GB-seconds of one thread at 2,048 MB: a little under
 * twice the memory for about half the time (docs/data-plane.md).
 */
export const DEFAULT_GATEWAY_MEMORY_MB = 2 * LAMBDA_MB_PER_VCPU;

const region = z.string().refine(isKnownRegion, {
  message: `must be a known AWS region (${KNOWN_REGIONS.join(', ')})`,
});
const accountId = z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' });

const cloudHsmSchema = z
  .strictObject({
    enabled: z.boolean(),
    clusterId: z
      .string()
      .regex(/^cluster-[2-7a-zA-Z]{11,16}$/, { message: 'must be a CloudHSM cluster id such as cluster-1a23b4cdefg' })
      .optional(),
    trustAnchorCertificateParameter: z
      .string()
      .regex(/^\/[\w.\-/]+$/, { message: 'must be an SSM parameter name starting with /' })
      .optional(),
    keyStorePasswordSecretName: z
      .string()
      .regex(/^[\w/+=.@-]{1,512}$/, { message: 'must be a Secrets Manager secret name' })
      .optional(),
  })
  .superRefine((hsm, ctx) => {
    if (!hsm.enabled) return;
    for (const key of ['clusterId', 'trustAnchorCertificateParameter', 'keyStorePasswordSecretName'] as const) {
      if (hsm[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when cloudHsm.enabled is true' });
      }
    }
  });

export const ResidencyConfigSchema = z
  .strictObject({
    /** Short name used in resource names and tags. */
    projectName: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/, {
      message: 'must be 2-24 characters: lower-case letters, digits and dashes, starting with a letter',
    }),
    /** Where the raw personal data lives (its residency). */
    homeRegion: region,
    /** Regions desensitized data may be delivered to. */
    allowedDestinationRegions: z.array(region).max(10),
    /** Account ids; optional so the app synthesizes without any. */
    accounts: z
      .strictObject({
        home: accountId.optional(),
        destinations: z.record(z.string(), accountId).optional(),
        /** Identity (hub) account whose people may assume the human roles, with MFA, besides the home account's. */
        identity: accountId.optional(),
      })
      .default({}),
    /** JR/T 0171 classes the platform holds; every one gets its own key and storage. */
    dataClasses: z.array(z.enum(DATA_CLASSES)),
    /** Retention of operational logs (CloudWatch Logs), in days. */
    logRetentionDays: z
      .number()
      .int({ message: 'must be a whole number of days' })
      .min(1, { message: 'must be at least 1 day' })
      .max(LOG_RETENTION_CEILING_DAYS, { message: `must be at most ${LOG_RETENTION_CEILING_DAYS} days (short log retention)` })
      .refine((days) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of the retention periods CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(', ')}`,
      }),
    /**
     * Object Lock (COMPLIANCE) retention of the immutable audit record and the declaration ledger, in
     * days. The record expires when its lock ends, so this is how long the trail exists.
     */
    auditObjectLockDays: z
      .number()
      .int({ message: 'must be a whole number of days' })
      .min(AUDIT_RECORD_FLOOR_DAYS, {
        message: `must be at least ${AUDIT_RECORD_FLOOR_DAYS} days: the record is deleted when its lock ends, and audit logs are kept at least 12 months (PCI DSS v4.0.1 Req. 10.5.1, the last 3 months at hand) and network logs at least six months (Cybersecurity Law Art. 21(3))`,
      })
      .max(OBJECT_LOCK_CEILING_DAYS, { message: `must be at most ${OBJECT_LOCK_CEILING_DAYS} days` }),
    /**
     * Oldest, in days, a PIA (PIPL Art. 55) or TIA (Schrems II) in the transfer-instrument register
     * may be: a rule relying on an older one is refused at synth, naming the file, key and date.
     */
    impactAssessmentMaxAgeDays: z
      .number()
      .int({ message: 'must be a whole number of days' })
      .min(1, { message: 'must be at least 1 day' })
      .max(IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS, {
        message: `must be at most ${IMPACT_ASSESSMENT_MAX_AGE_CEILING_DAYS} days (PIPL Art. 56 keeps impact assessment reports three years)`,
      })
      .default(IMPACT_ASSESSMENT_MAX_AGE_DAYS),
    /** Customer-held keys: a KMS custom key store backed by an existing, initialized CloudHSM cluster. */
    cloudHsm: cloudHsmSchema.default({ enabled: false }),
    /** Who hears about security alarms. */
    alarmSubscribers: z
      .strictObject({
        emails: z.array(z.email({ message: 'must be an email address' })).default([]),
        httpsEndpoints: z
          .array(z.url({ protocol: /^https$/, message: 'must be an https:// URL' }))
          .default([]),
      })
      .default({ emails: [], httpsEndpoints: [] }),
    /** Folder (relative to the app) holding the approved transfer rules, one JSON file each. */
    transferRulesDir: z.string().min(1).default('rules'),
    /**
     * The exporter's declared flows this year (input of `residency assess`), relative to the app.
     * Required to approve a rule with a CAC legal basis: the basis is checked against these counts.
     */
    assessmentFile: z.string().min(1).optional(),
    /**
     * Largest raw object the transfer gateway processes, in bytes; a larger one is quarantined by
     * reference (bucket, HMAC of the key, version, size, reason) and raises the alarm, never retried.
     * @default 53687091200 (50 GiB: a 5-million-record export is 2-3 GB)
     */
    maxRawObjectBytes: z
      .number()
      .int({ message: 'must be a whole number of bytes' })
      .min(1024 * 1024, { message: 'must be at least 1048576 (1 MiB)' })
      .max(5 * 1024 ** 4, { message: 'must be at most 5497558138880 (5 TiB, the largest S3 object)' })
      .default(50 * 1024 ** 3),
    /**
     * Raw objects larger than this, in bytes, are too large for one gateway invocation: they are cut
     * into byte ranges of this size (parts), desensitized part by part under the split state machine,
     * assembled into one output and declared once with the parts listed. An object the time budget
     * shows would not finish is split too, whatever its size. At most MAX_SPLIT_PARTS parts fit a
     * declaration, so maxRawObjectBytes / splitObjectBytes must not exceed it.
     * @default 1073741824 (1 GiB: a part a 10-minute invocation finishes with room to spare)
     */
    splitObjectBytes: z
      .number()
      .int({ message: 'must be a whole number of bytes' })
      .min(MIN_SPLIT_OBJECT_BYTES, { message: `must be at least ${MIN_SPLIT_OBJECT_BYTES} (16 MiB): smaller parts only multiply invocations` })
      .max(MAX_SPLIT_OBJECT_BYTES, { message: `must be at most ${MAX_SPLIT_OBJECT_BYTES} (5 GiB): a part must finish in one invocation` })
      .default(1024 ** 3),
    /**
     * Memory of the transfer gateway's function, in MB. Lambda gives CPU in proportion to memory (one
     * vCPU at 1,769 MB), and the gateway runs one desensitizing thread per whole vCPU
     * (lambda/shared/lambda-cpu.ts): 3,538 MB is the smallest size with two (docs/data-plane.md).
     * @default 3538 (DEFAULT_GATEWAY_MEMORY_MB: two threads)
     */
    gatewayMemoryMB: z
      .number()
      .int({ message: 'must be a whole number of MB' })
      .min(1024, { message: 'must be at least 1024 (the gateway streams 1 MiB batches through one or more threads and multipart uploads)' })
      .max(10240, { message: 'must be at most 10240 (the largest Lambda memory size)' })
      .default(DEFAULT_GATEWAY_MEMORY_MB),
    /** Proof after deploy: AWS Config twins of the CrossBorder rules and the leak canary (lib/runtime-checks/settings.ts). */
    runtimeChecks: runtimeChecksSchema.default(DEFAULT_RUNTIME_CHECKS),
  })
  .superRefine((cfg, ctx) => {
    const parts = Math.ceil(cfg.maxRawObjectBytes / cfg.splitObjectBytes);
    if (parts > MAX_SPLIT_PARTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['splitObjectBytes'],
        message:
          `cuts an object of maxRawObjectBytes ${cfg.maxRawObjectBytes} into ${parts} parts; at most ${MAX_SPLIT_PARTS} fit a declaration: ` +
          `raise splitObjectBytes to at least ${Math.ceil(cfg.maxRawObjectBytes / MAX_SPLIT_PARTS)} or lower maxRawObjectBytes`,
      });
    }
    cfg.allowedDestinationRegions.forEach((dest, i) => {
      if (dest === cfg.homeRegion) {
        ctx.addIssue({
          code: 'custom',
          path: ['allowedDestinationRegions', i],
          message: `must differ from homeRegion "${cfg.homeRegion}": a destination equal to home is not a transfer`,
        });
      }
      if (cfg.allowedDestinationRegions.indexOf(dest) !== i) {
        ctx.addIssue({ code: 'custom', path: ['allowedDestinationRegions', i], message: 'is listed twice' });
      }
    });
    for (const cls of DATA_CLASSES) {
      if (!cfg.dataClasses.includes(cls)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dataClasses'],
          message: `must include ${cls}: every JR/T 0171 class gets its own key, even when empty today`,
        });
      }
    }
    if (new Set(cfg.dataClasses).size !== cfg.dataClasses.length) {
      ctx.addIssue({ code: 'custom', path: ['dataClasses'], message: 'lists a class twice' });
    }
    if (cfg.accounts.identity !== undefined && cfg.accounts.identity === cfg.accounts.home) {
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', 'identity'],
        message: 'must differ from accounts.home: the home account is always trusted; name a separate identity account or leave it out',
      });
    }
    for (const dest of Object.keys(cfg.accounts.destinations ?? {})) {
      if (!cfg.allowedDestinationRegions.includes(dest)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', 'destinations', dest],
          message: `names a region that is not in allowedDestinationRegions (${cfg.allowedDestinationRegions.join(', ') || 'none'})`,
        });
      }
    }
  });

export type ResidencyConfig = z.output<typeof ResidencyConfigSchema>;

/** Raised for a bad configuration; its message is meant for people, so the app prints it without a stack. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * One schema problem as people read it: the key's path, the value found there and what is allowed.
 * Shared by every command that validates a user's file, so all of them word problems the same way.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, schema?: z.ZodType): string {
  const key = describePath(issue.path) || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const known = schema === undefined ? [] : knownKeysAt(schema, issue.path);
    const named = issue.keys.map((k) => `"${k}"${known.length > 0 ? didYouMean(k, known) : ''}`).join(', ');
    return `${key === '(root)' ? '' : `${key}: `}unknown key(s) ${named}`;
  }
  const value = valueAt(raw, issue.path);
  const shown = value === undefined ? 'nothing (missing)' : JSON.stringify(value);
  return `${key}: got ${shown}; ${ownWords(issue, value)}`;
}

/** JSON's name for a value's type, as a person writing the file thinks of it. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return { string: 'text', number: 'a number', boolean: 'true or false', object: 'an object' }[typeof value as string] ?? typeof value;
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text (a JSON string)',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list (a JSON array)',
  object: 'an object',
};

/** zod's own wording ("Invalid input: expected string, received undefined") in the project's words. */
function ownWords(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
    return value === undefined ? `is required: expected ${expected}` : `expected ${expected}, found ${jsonType(value)}`;
  }
  if (issue.message.startsWith('Invalid input') || issue.message.startsWith('Invalid option')) {
    return 'is not one of the allowed values';
  }
  return issue.message;
}

/** The keys a strict object in `schema` allows at `path` (empty where the path leads to no object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    for (let guard = 0; guard < 20 && s !== undefined; guard++) {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (def === undefined) return s;
      if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'catch' || def.type === 'readonly') s = def.innerType;
      else if (def.type === 'pipe') s = def.in;
      else return s;
    }
    return s;
  };
  for (const key of path) {
    const def = (unwrap(current) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (def?.type === 'object') current = (def.shape as Record<string, unknown>)[String(key)];
    else if (def?.type === 'array') current = def.element;
    else if (def?.type === 'record') current = def.valueType;
    else return [];
  }
  const def = (unwrap(current) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/**
 * Validates a raw configuration object (from cdk.json context) and returns the typed config.
 * Collects every problem and throws one ConfigError naming each bad key, its value and what is allowed.
 */
export function loadConfig(raw: unknown, source = 'cdk.json context'): ResidencyConfig {
  const parsed = ResidencyConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(source, parsed.error.issues.map((issue) => describeIssue(issue, raw, ResidencyConfigSchema)));
}

/** Selects a profile from the app context: `-c residency:profile=NAME`, else the `default` one. */
export function selectProfile(
  profiles: unknown,
  requested: unknown,
): { name: string; raw: unknown } {
  if (profiles === null || typeof profiles !== 'object' || Array.isArray(profiles)) {
    throw new ConfigError('cdk.json context', ['residency:profiles: got nothing usable; expected an object of named profiles']);
  }
  const table = profiles as Record<string, unknown>;
  const name = requested === undefined ? 'default' : String(requested);
  if (!(name in table)) {
    throw new ConfigError('cdk.json context', [
      `residency:profile: got "${name}"; expected one of ${Object.keys(table).map((n) => `"${n}"`).join(', ')}`,
    ]);
  }
  return { name, raw: table[name] };
}

/** The partition of the config's home region (`aws-cn` for China): never hard-code `aws`. */
export function homePartition(config: ResidencyConfig): Partition {
  return partitionOf(config.homeRegion);
}
