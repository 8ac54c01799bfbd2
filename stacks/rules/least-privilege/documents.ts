import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { parsePolicy } from '../../../terraform-json/policy';

/** Resource types whose `policy` is an IAM policy document, and so is checked for least privilege. */
const POLICY_TYPES = [
  'aws_iam_role_policy',
  'aws_iam_policy',
  'aws_s3_bucket_policy',
  'aws_kms_key',
  'aws_sns_topic_policy',
  'aws_sns_topic',
  'aws_sqs_queue_policy',
];

/** Every policy document of the stack with its address; `statements` undefined when it is not plain JSON. */
export function policyDocuments(tf: TerraformJson) {
  return resources(tf)
    .filter(([type, , body]) => POLICY_TYPES.includes(type) && body.policy !== undefined)
    .map(([type, name, body]) => ({ type, address: `${type}.${name}`, statements: parsePolicy(body.policy) }));
}

/** `statement Sid` or `a statement`, for messages. */
export const label = (s: { Sid?: string }) => (s.Sid ? `statement ${s.Sid}` : 'a statement');

/** In a KMS key policy `"*"` means the key the policy is attached to, so resource wildcards are not grants there. */
export const isKeyPolicy = (type: string) => type === 'aws_kms_key';

/**
 * Every Allow statement of every parseable policy document, with the document it is in: what the grant rules look at.
 */
export function allowStatements(tf: TerraformJson) {
  return policyDocuments(tf).flatMap((document) =>
    (document.statements ?? [])
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({ document, statement })),
  );
}
