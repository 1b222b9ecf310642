import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * IAM accepts MaxSessionDuration from 1 to 12 hours; people get the floor. A caller may still ask
 * AssumeRole for a shorter session (down to 15 minutes).
 */
export const HUMAN_SESSION_DURATION = Duration.hours(1);

/** Longest MFA age we accept by default: no older sign-in than the session it opens. */
export const DEFAULT_MFA_MAX_AGE_SECONDS = 3600;

/** The condition every human trust statement carries: MFA present and recent. */
export function mfaConditions(maxAgeSeconds: number): iam.Conditions {
  return {
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    NumericLessThan: { 'aws:MultiFactorAuthAge': maxAgeSeconds },
  };
}

export interface HumanAccessProps {
  /** Attached to every role as its permissions boundary (the region guardrail). */
  readonly permissionsBoundary: iam.IManagedPolicy;
  /**
   * Accounts whose people may assume the operator, auditor and key administrator roles (with MFA).
   * The break-glass role trusts only this stack's account: it is for when the identity account fails.
   * @default - this stack's account only
   */
  readonly trustedAccountIds?: readonly string[];
  /**
   * Seconds since the MFA sign-in after which a role can no longer be assumed.
   * @default 3600
   */
  readonly mfaMaxAgeSeconds?: number;
  /**
   * Prefix of the role names (people switch roles by name).
   * @default - generated names
   */
  readonly roleNamePrefix?: string;
}

/**
 * The roles people use: operator (operations metadata, never records), auditor (read-only, including
 * the audit record and the access reviews), key administrator (administers keys, cannot use them)
 * and break-glass (restores disabled controls; every use raises an alarm). Each trust statement
 * requires MFA no older than `mfaMaxAgeSeconds`, sessions last at most one hour, and the region
 * guardrail bounds every role. Permissions are attached by HumanPermissions.
 */
export class HumanAccess extends Construct {
  public readonly operator: iam.Role;
  public readonly auditor: iam.Role;
  public readonly keyAdministrator: iam.Role;
  public readonly breakGlass: iam.Role;
  public readonly mfaMaxAgeSeconds: number;

  constructor(scope: Construct, id: string, props: HumanAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.mfaMaxAgeSeconds = props.mfaMaxAgeSeconds ?? DEFAULT_MFA_MAX_AGE_SECONDS;
    const trusted = props.trustedAccountIds ?? [stack.account];
    const problems: string[] = [];
    if (!Number.isInteger(this.mfaMaxAgeSeconds) || this.mfaMaxAgeSeconds < 60 || this.mfaMaxAgeSeconds > 3600) {
      problems.push(`mfaMaxAgeSeconds: got ${this.mfaMaxAgeSeconds}; expected a whole number of seconds from 60 to 3600 (no older than a session)`);
    }
    if (trusted.length === 0) problems.push('trustedAccountIds: got none; expected at least one account');
    // The longest suffix is '-key-administrator' (18 characters); IAM role names stop at 64.
    if (props.roleNamePrefix !== undefined && !/^[\w+=,.@-]{1,46}$/.test(props.roleNamePrefix)) {
      problems.push(`roleNamePrefix: got "${props.roleNamePrefix}"; expected 1-46 letters, digits or +=,.@_- (role names stop at 64 characters)`);
    }
    if (problems.length > 0) throw new Error(`HumanAccess ${id}: ${problems.join('; ')}`);

    const withMfa = (accounts: readonly string[]): iam.IPrincipal =>
      new iam.CompositePrincipal(
        ...accounts.map((account) => new iam.AccountPrincipal(account).withConditions(mfaConditions(this.mfaMaxAgeSeconds))),
      );
    const role = (roleId: string, suffix: string, description: string, accounts: readonly string[]): iam.Role =>
      new iam.Role(this, roleId, {
        roleName: props.roleNamePrefix ? `${props.roleNamePrefix}-${suffix}` : undefined,
        description,
        assumedBy: withMfa(accounts),
        maxSessionDuration: HUMAN_SESSION_DURATION,
        permissionsBoundary: props.permissionsBoundary,
      });

    this.operator = role('Operator', 'operator', 'People running the platform: alarms, metrics and store metadata, never records', trusted);
    this.auditor = role('Auditor', 'auditor', 'Read-only: audit record, trail, alarms, access reviews, key and IAM configuration', trusted);
    this.keyAdministrator = role('KeyAdministrator', 'key-administrator', 'Administers KMS keys; key policies deny it every cryptographic use', trusted);
    this.breakGlass = role('BreakGlass', 'break-glass', 'Emergency only: restores disabled controls; every use raises an alarm', [stack.account]);
  }

  /** Every human role. */
  public get roles(): iam.Role[] {
    return [this.operator, this.auditor, this.keyAdministrator, this.breakGlass];
  }
}
