/**
 * IAM policy documents inside the Terraform JSON: their statements parsed, IAM's wildcard match, the TLS-only deny.
 * Read by the policy rules (stacks/rules/), the deploy policies (stacks/) and the model's access evaluation (model/).
 */

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  /** Every action but these: in an Allow, a grant of every present and future action of every service but these. */
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** An IAM policy document as a JSON object (as written to a file beside a stack), its statements of type `S`. */
export interface PolicyDocumentJson<S extends Statement = Statement> {
  Version: '2012-10-17';
  Statement: S[];
}

export function parsePolicy(policy: unknown): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
    return doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  } catch {
    return undefined;
  }
}

const wildcardPatterns = new Map<string, RegExp>();

/**
 * IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitively. Each pattern is compiled once:
 * the access evaluation and the policy-grammar rule match the same few patterns many thousand times.
 */
export function iamWildcardMatch(pattern: string, text: string, caseInsensitive = false): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let regex = wildcardPatterns.get(key);
  if (!regex) {
    const source = `^${pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`;
    regex = new RegExp(source, caseInsensitive ? 'i' : '');
    wildcardPatterns.set(key, regex);
  }
  return regex.test(text);
}

/** A value or a list of values, as a list (IAM allows both for Action, Resource, Principal values). */
export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Whether a policy document refuses everyone's requests without TLS: a Deny to `*` when `aws:SecureTransport` is false.
 */
export function deniesInsecureTransport(policy: unknown): boolean {
  return (parsePolicy(policy) ?? []).some(
    (s) =>
      s.Effect === 'Deny' &&
      JSON.stringify(s.Principal) === '"*"' &&
      s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
  );
}
