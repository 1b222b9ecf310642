import * as iam from 'aws-cdk-lib/aws-iam';
import { type Construct, Dependable } from 'constructs';

export interface ManagedPolicyRoleProps extends iam.RoleProps {
  /**
   * Description of the customer-managed policy that receives every grant.
   * @default - the role's description
   */
  readonly policyDescription?: string;
}

/**
 * An IAM role whose permissions all live in one customer-managed policy attached to it, never in
 * an inline policy. CDK grants (`bucket.grantRead(role)`, a function's own DLQ and tracing grants)
 * normally write an inline `DefaultPolicy`; NIST 800-53, PCI DSS and HIPAA checks require managed
 * policies, which are versioned and can be reviewed and rolled back on their own.
 */
export class ManagedPolicyRole extends iam.Role {
  /** The customer-managed policy holding every statement granted to this role. */
  public readonly permissions: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ManagedPolicyRoleProps) {
    super(scope, id, props);
    this.permissions = new iam.ManagedPolicy(this, 'Permissions', {
      description: props.policyDescription ?? props.description,
    });
    this.addManagedPolicy(this.permissions);
    // What depends on this role (a function, a state machine) waits for its permissions. The role
    // itself is not a dependency root: every dependent references it (Fn::GetAtt Arn), so an
    // explicit DependsOn on it would only repeat what CloudFormation already knows (cfn-lint W3005),
    // and the role references the policy, so the policy still comes first, then the role, then the dependent.
    Dependable.implement(this, { dependencyRoots: [this.permissions] });
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.permissions.addStatements(statement);
    return { statementAdded: true, policyDependable: this.permissions };
  }
}

/**
 * Step Functions attaches a Distributed Map's permissions (start, describe, stop its own child
 * executions) to the state machine's role as an inline `DistributedMapPolicy`. This moves the same
 * document into a customer-managed policy (`MapRunPermissions` in `scope`), attached from the policy
 * side: the state machine depends on its role, so the role must not depend on a policy that names
 * the state machine. Does nothing when the state machine has no Distributed Map.
 */
export function moveMapRunPermissions(scope: Construct, stateMachine: Construct, role: iam.IRole, description: string): void {
  const inline = stateMachine.node.tryFindChild('DistributedMapPolicy');
  if (!(inline instanceof iam.Policy)) return;
  new iam.ManagedPolicy(scope, 'MapRunPermissions', { description, roles: [role], document: inline.document });
  stateMachine.node.tryRemoveChild('DistributedMapPolicy');
}
