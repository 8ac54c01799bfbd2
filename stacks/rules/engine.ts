/** Runs a pack of rules on a stack: findings with their rule, suppressions applied, in one shared order. */
import type { Finding, Severity } from './rule';
import type { PolicyRule, RuleInput } from './rule';
import { SUPPRESSIONS, type Suppression } from './suppressions';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by check, resource and message: the order of every findings list, in synth and in the report. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.check.localeCompare(b.check) ||
      a.resource.localeCompare(b.resource) ||
      a.message.localeCompare(b.message),
  );
}

const matches = (pattern: string, address: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(address);

export function runRules<I extends RuleInput>(
  rules: PolicyRule<I>[],
  input: I,
  suppressions: Suppression[] = SUPPRESSIONS,
): Finding[] {
  const findings = rules.flatMap((rule) =>
    rule.evaluate(input).map((v): Finding => {
      const suppression = suppressions.find((s) => s.rule === rule.id && matches(s.address, v.resource));
      return suppression
        ? {
            severity: 'info',
            check: rule.check,
            resource: v.resource,
            message: `${v.message}: ${suppression.reason}`,
            rule: rule.id,
          }
        : {
            severity: v.severity ?? rule.level,
            check: rule.check,
            resource: v.resource,
            message: v.risk === undefined ? v.message : `${v.message}, ${v.risk}`,
            rule: rule.id,
          };
    }),
  );
  return sortFindings(findings);
}
