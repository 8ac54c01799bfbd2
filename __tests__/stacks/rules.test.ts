/** Every policy rule of both packs, with its failing and passing fixture; the engine's suppressions and order. */
import { REPORT_ONLY } from '../../scripts/report/rules/pack';
import { runRules } from '../../stacks/rules/engine';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import { CHECKS, checkOfRuleId, type PolicyRule, type RuleInput } from '../../stacks/rules/rule';
import { SUPPRESSIONS } from '../../stacks/rules/suppressions';
import { trustPolicy } from '../../stacks/rules/trust/statements';

const rules = [...SYNTH_GATE, ...REPORT_ONLY] as PolicyRule<RuleInput>[];

describe('rule packs', () => {
  it('every rule has a unique id, a category, a level, what it applies to and why', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules)
      expect(
        [r.id, r.check, r.level, r.appliesTo, r.explanation].every((x) => typeof x === 'string' && x.length > 0),
      ).toBe(true);
  });

  it(
    'CHECKS is the list of categories in use: every one has a rule ' +
      "(capacity: the report's capacity check), no rule has another",
    () => {
      const used = new Set<string>([...rules.map((r) => r.check), 'capacity']);
      expect([...used].sort()).toEqual([...CHECKS].sort());
    },
  );

  it('a rule id names its check first, hyphenated checks included', () => {
    expect(checkOfRuleId('least-privilege-anything')).toBe('least-privilege');
    expect(checkOfRuleId('protection-bucket-versioning')).toBe('protection');
    expect(() => checkOfRuleId('nothing-here' as never)).toThrow(/starts with no check/);
  });

  it.each(rules.map((r) => [r.id, r] as const))(
    '%s: its failing fixture breaks it, its passing fixture keeps it',
    (_id, rule) => {
      expect(rule.evaluate(rule.fixtures.failing).length).toBeGreaterThan(0);
      expect(rule.evaluate(rule.fixtures.passing)).toEqual([]);
    },
  );
});

describe('engine', () => {
  const ifExists = SYNTH_GATE.find((r) => r.id === 'trust-if-exists-guard')!;
  const tf = (role: string) => ({
    resource: {
      aws_iam_role: {
        [role]: {
          assume_role_policy: trustPolicy({
            Principal: { Service: 'glue.amazonaws.com' },
            Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '1' } },
          }),
        },
      },
    },
  });
  const context = { region: 'eu-central-1', allowedRegions: [] };

  it('a suppression (rule id + address) turns the finding into info with its reason', () => {
    expect(runRules([ifExists], { tf: tf('catalog_role_0D2DB899'), context })).toEqual([
      {
        severity: 'info',
        check: 'trust',
        rule: 'trust-if-exists-guard',
        resource: 'aws_iam_role.catalog_role_0D2DB899',
        message: `confused-deputy guard uses StringEqualsIfExists: ${SUPPRESSIONS[0].reason}`,
      },
    ]);
  });

  it('the same finding on any other role is an error, saying why it matters', () => {
    expect(runRules([ifExists], { tf: tf('delivery_role_8708125C'), context })).toEqual([
      {
        severity: 'error',
        check: 'trust',
        rule: 'trust-if-exists-guard',
        resource: 'aws_iam_role.delivery_role_8708125C',
        message: 'confused-deputy guard uses StringEqualsIfExists, which lets requests without the key through',
      },
    ]);
  });

  it("a violation's risk follows its message when the finding stands, and gives way to a suppression's reason", () => {
    const rule: PolicyRule = {
      ...ifExists,
      id: 'trust-any',
      evaluate: () => [{ resource: 'aws_iam_role.r', message: 'what is wrong', risk: 'why it matters' }],
    };
    const input = { tf: {}, context };
    expect(runRules([rule], input, []).map((f) => f.message)).toEqual(['what is wrong, why it matters']);
    expect(
      runRules([rule], input, [{ rule: 'trust-any', address: 'aws_iam_role.*', reason: 'the reason' }]).map(
        (f) => f.message,
      ),
    ).toEqual(['what is wrong: the reason']);
  });

  it('orders findings errors first, then by check, resource and message', () => {
    const findings = runRules(SYNTH_GATE, {
      tf: {
        provider: { aws: [{ region: 'us-east-1' }] },
        resource: { aws_sns_topic: { t: {} }, aws_kms_key: { k: {} } },
      },
      context,
    });
    const order = { error: 0, warning: 1, info: 2 };
    for (let i = 1; i < findings.length; i++)
      expect(order[findings[i - 1].severity]).toBeLessThanOrEqual(order[findings[i].severity]);
    expect(findings[0].severity).toBe('error');
  });
});
