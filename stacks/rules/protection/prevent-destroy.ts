import { resources } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule } from '../rule';

const prevented = (body: Record<string, unknown>) =>
  (body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;

export const preventDestroy: PolicyRule = {
  id: 'protection-prevent-destroy',
  check: 'protection',
  level: 'error',
  appliesTo: 'aws_s3_bucket, aws_kms_key',
  explanation:
    'A destroy would delete the data, or schedule the key for deletion, after which everything ' +
    'encrypted under it is unreadable (KMS developer guide, "Deleting AWS KMS keys"). A deployment may ' +
    'opt out (protection.allowDestroy); its findings are then info. Without the context, the opt-out is ' +
    'inferred from force_destroy on every unprotected bucket, which only the opt-out sets.',
  evaluate: ({ tf, context }) => {
    const stores = resources(tf).filter(([t]) => t === 'aws_s3_bucket' || t === 'aws_kms_key');
    const unprotected = stores.filter(([, , body]) => !prevented(body));
    const optedOut =
      context.allowDestroy ??
      (unprotected.length > 0 &&
        unprotected.filter(([t]) => t === 'aws_s3_bucket').every(([, , b]) => b.force_destroy === true));
    return unprotected.map(([type, name]) =>
      optedOut
        ? {
            resource: `${type}.${name}`,
            severity: 'info' as const,
            message: 'destroyable: the deployment opted out of prevent_destroy (protection.allowDestroy)',
          }
        : {
            resource: `${type}.${name}`,
            message:
              'has no lifecycle.prevent_destroy: a destroy would delete it; set protection.allowDestroy to opt out',
          },
    );
  },
  fixtures: {
    failing: fixture({ resource: { aws_kms_key: { k: {} } } }),
    passing: fixture({ resource: { aws_kms_key: { k: { lifecycle: { prevent_destroy: true } } } } }),
  },
};
