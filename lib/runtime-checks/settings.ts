import { z } from 'zod';

/**
 * `runtimeChecks` in the configuration: how the home stack proves after deploy what synth proved.
 * - `configRecorder`: `create` (default) makes the stack create the AWS Config service-linked role,
 *   recorder and delivery channel. It is the safe default: in an account that already has them
 *   (Control Tower's `aws-controltower-BaselineConfigRecorder`), the deployment fails and changes
 *   nothing, whereas assuming a recorder that is not there would leave every rule silently without
 *   evaluations. Choose `existing` in a Control Tower or Landing Zone Accelerator account; its
 *   recorder must record the resource types in lib/runtime-checks/catalog.ts.
 * - the leak canary: how often it runs, how far back it looks, how many objects it re-scans a run.
 */
export const runtimeChecksSchema = z
  .strictObject({
    configRecorder: z.enum(['create', 'existing'], { message: 'must be "create" (this stack records) or "existing" (Control Tower records)' }).default('create'),
    canaryEveryMinutes: z.number().int({ message: 'must be a whole number of minutes' }).min(15, { message: 'must be at least 15 minutes' }).max(1440, { message: 'must be at most 1440 minutes (a day)' }).default(60),
    canaryLookbackHours: z.number().int({ message: 'must be a whole number of hours' }).min(1, { message: 'must be at least 1 hour' }).max(744, { message: 'must be at most 744 hours (31 days)' }).default(24),
    canarySampleSize: z.number().int({ message: 'must be a whole number of objects' }).min(1, { message: 'must be at least 1 object' }).max(1000, { message: 'must be at most 1000 objects a run' }).default(25),
  })
  .superRefine((s, ctx) => {
    if (s.canaryLookbackHours * 60 < s.canaryEveryMinutes) {
      ctx.addIssue({ code: 'custom', path: ['canaryLookbackHours'], message: `must cover at least one interval (${s.canaryEveryMinutes} minutes), or objects between runs are never sampled` });
    }
  });

export type RuntimeChecksSettings = z.output<typeof runtimeChecksSchema>;

export const DEFAULT_RUNTIME_CHECKS: RuntimeChecksSettings = { configRecorder: 'create', canaryEveryMinutes: 60, canaryLookbackHours: 24, canarySampleSize: 25 };
