import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import { Construct } from 'constructs';

export interface AccessAnalyzersProps {
  /** Prefix of the analyzer names. */
  readonly analyzerNamePrefix: string;
  /**
   * Also create an unused-access analyzer (roles, keys and permissions nobody used within
   * `unusedAccessAgeDays`: the periodic permission review). Create it only where the partition offers
   * it; it is billed per role and user analyzed.
   * @default true
   */
  readonly unusedAccess?: boolean;
  /**
   * Days without use after which access is reported as unused.
   * @default 90
   */
  readonly unusedAccessAgeDays?: number;
}

/**
 * IAM Access Analyzer for the account: an external-access analyzer (resources shared outside the
 * account, e.g. a bucket or key policy that reaches another account) and, where available, an
 * unused-access analyzer for the periodic least-privilege review. Findings are read by the auditor.
 */
export class AccessAnalyzers extends Construct {
  public readonly externalAccess: accessanalyzer.CfnAnalyzer;
  public readonly unusedAccess?: accessanalyzer.CfnAnalyzer;

  constructor(scope: Construct, id: string, props: AccessAnalyzersProps) {
    super(scope, id);
    const ageDays = props.unusedAccessAgeDays ?? 90;
    if (!Number.isInteger(ageDays) || ageDays < 1 || ageDays > 365) {
      throw new Error(`AccessAnalyzers unusedAccessAgeDays: got ${ageDays}; expected a whole number of days from 1 to 365`);
    }
    this.externalAccess = new accessanalyzer.CfnAnalyzer(this, 'ExternalAccess', {
      analyzerName: `${props.analyzerNamePrefix}-external-access`,
      type: 'ACCOUNT',
    });
    if (props.unusedAccess ?? true) {
      this.unusedAccess = new accessanalyzer.CfnAnalyzer(this, 'UnusedAccess', {
        analyzerName: `${props.analyzerNamePrefix}-unused-access`,
        type: 'ACCOUNT_UNUSED_ACCESS',
        analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge: ageDays } },
      });
    }
  }

  /** ARNs of the analyzers, for read grants on their findings. */
  public get analyzerArns(): string[] {
    return [this.externalAccess, this.unusedAccess].filter((a) => a !== undefined).map((a) => a.attrArn);
  }
}
