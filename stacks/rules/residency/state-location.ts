import { HCP_TERRAFORM_HOST_JURISDICTIONS } from '../../../config/aws';
import { fixture, type PolicyRule, type Violation } from '../rule';

/**
 * Terraform state holds every resource's attributes: an S3 backend must be in the stack's region; a local state
 * (bootstrap stacks) stays where it is applied; HCP Terraform's hosts are known by jurisdiction (config/aws.ts; the
 * configuration refuses a mismatch), other Terraform Cloud hosts and backends cannot be checked for region.
 */
export const stateLocation: PolicyRule = {
  id: 'residency-state-location',
  check: 'residency',
  level: 'error',
  appliesTo: 'terraform.backend, terraform.cloud',
  explanation:
    'State is data about the stack (names, ARNs, sometimes values): it ' +
    'belongs in the same jurisdiction (Terraform S3 backend docs).',
  evaluate: ({ tf, context }) => {
    const violations: Violation[] = [];
    const allowed = [context.region, ...context.allowedRegions];
    const s3 = tf.terraform?.backend?.s3;
    if (s3 && !allowed.includes(s3.region as string))
      violations.push({
        resource: 'terraform.backend.s3',
        message: `state backend region is ${String(s3.region)}, outside ${allowed.join(', ')}`,
      });
    if (tf.terraform?.backend?.local)
      violations.push({
        resource: 'terraform.backend.local',
        severity: 'info',
        message: 'state stays on the machine that applies (bootstrap stacks; see docs/operating.md)',
      });
    else if (tf.terraform?.backend && !s3)
      violations.push({
        resource: 'terraform.backend',
        severity: 'warning',
        message: `backend ${Object.keys(tf.terraform.backend).join(', ')} cannot be checked for region`,
      });
    const cloud = tf.terraform?.cloud as { hostname?: string } | undefined;
    if (cloud) {
      const host = HCP_TERRAFORM_HOST_JURISDICTIONS[String(cloud.hostname)];
      violations.push(
        host
          ? {
              resource: 'terraform.cloud',
              severity: 'info',
              message:
                `state is held by HCP Terraform on ${cloud.hostname} (${host}-hosted), outside AWS; ` +
                `the configuration checks the host against the deployment's jurisdiction`,
            }
          : {
              resource: 'terraform.cloud',
              severity: 'warning',
              message:
                `state is held on ${String(cloud.hostname)}, outside the stack's AWS region, where this ` +
                `project cannot tell its jurisdiction; check the installation's data residency`,
            },
      );
    }
    return violations;
  },
  fixtures: {
    failing: fixture({ terraform: { backend: { s3: { region: 'us-east-1' } } } }),
    passing: fixture({ terraform: { backend: { s3: { region: 'eu-central-1' } } } }),
  },
};
