/**
 * The tests' policy evaluator: one request decided by @cloud-copilot/iam-simulate (AGPL-3.0, a test-time dependency,
 * never deployed) from the policies that apply to it, as AWS decides it (identity, resource, boundary, SCP, RCP).
 * A simulation the library refuses (an unknown action, a resource of the wrong type, a context key that does not
 * apply) fails the test with its errors instead of reading as a denial.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyStatement } from '../stacks/iam';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface EvaluatedRequest {
  principal: string;
  action: string;
  resource: string;
  /** Request context: `aws:RequestTag/…`, `iam:PermissionsBoundary`, `aws:ResourceTag/…`, … */
  context?: Record<string, string | string[]>;
  identity: PolicyStatement[][];
  boundary?: PolicyStatement[];
  resourcePolicy?: PolicyStatement[];
  /** Organization policies, each a document's statements (one level of the hierarchy each). */
  scps?: PolicyStatement[][];
  rcps?: PolicyStatement[][];
}

const document = (statements: PolicyStatement[]) => ({ Version: '2012-10-17', Statement: statements });
const accountOf = (arn: string) => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? '';

export async function evaluate(r: EvaluatedRequest): Promise<Decision> {
  const account = accountOf(r.principal);
  const simulation: Simulation = {
    request: {
      principal: r.principal,
      action: r.action,
      // S3 buckets and objects carry no account in their ARN: they are the principal's account's here.
      resource: { resource: r.resource, accountId: accountOf(r.resource) || account },
      contextVariables: { 'aws:PrincipalArn': r.principal, 'aws:PrincipalAccount': account, ...r.context },
    },
    identityPolicies: r.identity.map((statements, i) => ({ name: `identity-${i}`, policy: document(statements) })),
    serviceControlPolicies: (r.scps ?? []).map((statements, i) => ({
      orgIdentifier: `scp-${i}`,
      policies: [{ name: `scp-${i}`, policy: document(statements) }],
    })),
    resourceControlPolicies: (r.rcps ?? []).map((statements, i) => ({
      orgIdentifier: `rcp-${i}`,
      policies: [{ name: `rcp-${i}`, policy: document(statements) }],
    })),
    ...(r.resourcePolicy ? { resourcePolicy: document(r.resourcePolicy) } : {}),
    ...(r.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: document(r.boundary) }] } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`iam-simulate refused the request ${r.action} on ${r.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}
