/**
 * Suppressions: a rule that does not apply to one resource, keyed by rule id and Terraform address (a `*` stands for
 * the construct hash cdktf appends), each with the reason a reviewer can check. A suppressed finding stays in the
 * report as `info`, with its reason; it never fails synth.
 */
export interface Suppression {
  rule: string;
  /** Terraform address, `*` matching any characters: `aws_iam_role.catalog_role_*`. */
  address: string;
  reason: string;
}

export const SUPPRESSIONS: Suppression[] = [
  {
    rule: 'trust-if-exists-guard',
    address: 'aws_iam_role.catalog_role_*',
    reason:
      'Glue does not document sending aws:SourceAccount when it assumes a crawler ' +
      'role; a plain StringEquals would make CreateCrawler fail if it does not, and ' +
      "IAM roles cannot be passed to another account's crawler anyway",
  },
];
