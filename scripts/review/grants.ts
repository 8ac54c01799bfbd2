/**
 * When does one policy statement allow (or deny) no more than others already do? The review's test for "widens
 * access": a new Allow statement widens unless an old one covers it — every principal, action and resource of the
 * new statement is matched by the old one's, and every condition of the old one still holds in the new one (the
 * same key and operator, no value the old one did not allow). IAM's `*` and `?` wildcards match as in IAM.
 * Values are already relative to the stack's account and region (model/values.ts).
 */
import type { Condition, Principal, Statement } from '../../model/types';
import { principalKey, valueKey } from '../../model/values';
import { iamWildcardMatch } from '../../terraform-json/policy';

/** A stable text of a statement, for matching the same statement on both sides. */
export const statementKey = (s: Statement): string =>
  JSON.stringify([
    s.effect,
    s.principals.map(principalKey),
    s.actions,
    s.resources.map(valueKey),
    s.conditions.map((c) => [c.operator, c.key, c.values.map(valueKey)]),
    s.notPrincipals?.map(principalKey) ?? null,
    s.notActions ?? null,
    s.notResources?.map(valueKey) ?? null,
  ]);

const principalCovered = (p: Principal, by: Principal[]) =>
  by.some((q) => q.kind === 'any' || principalKey(q) === principalKey(p));

/** Operators whose values are patterns (`*`, `?`), as IAM matches them. */
const PATTERN_OPERATOR = /(StringLike|ArnLike)$/;

/** Every condition of `wider` holds in `narrower`: the same operator and key, with no value `wider` does not allow. */
const conditionsCovered = (narrower: Condition[], wider: Condition[]) =>
  wider.every((w) =>
    narrower.some(
      (n) =>
        n.operator === w.operator &&
        n.key === w.key &&
        n.values.every((v) =>
          w.values.some((wv) =>
            PATTERN_OPERATOR.test(w.operator)
              ? iamWildcardMatch(valueKey(wv), valueKey(v))
              : valueKey(wv) === valueKey(v),
          ),
        ),
    ),
  );

/** Whether `statement` allows (or denies) nothing beyond what one of `others` already does. */
export function covered(statement: Statement, others: Statement[]): boolean {
  return others.some(
    (o) =>
      o.effect === statement.effect &&
      (statement.principals.length === 0
        ? o.principals.length === 0
        : statement.principals.every((p) => principalCovered(p, o.principals))) &&
      statement.actions.every((a) => o.actions.some((pattern) => iamWildcardMatch(pattern, a, true))) &&
      (statement.resources.length === 0
        ? o.resources.length === 0 || o.resources.some((r) => valueKey(r) === '*')
        : statement.resources.every((r) =>
            o.resources.some((pattern) => iamWildcardMatch(valueKey(pattern), valueKey(r))),
          )) &&
      conditionsCovered(statement.conditions, o.conditions),
  );
}
