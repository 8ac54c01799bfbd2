import { isPlaceholderAccount } from '../../../config/matrix';
import type { PolicyRule } from '../../../stacks/rules/rule';
import { reportFixture, type ReportRuleInput } from './input';

export const placeholderAccount: PolicyRule<ReportRuleInput> = {
  id: 'identity-placeholder-account',
  check: 'identity',
  level: 'info',
  appliesTo: 'provider.aws',
  explanation:
    'Twelve identical digits are the shipped placeholders; a deploy refuses them (preflight, allowed_account_ids).',
  evaluate: ({ model: { identity } }) =>
    isPlaceholderAccount(identity.account)
      ? [
          {
            resource: 'provider.aws',
            message:
              `account ${identity.account} is a placeholder; the real ` +
              `account id goes into config/matrix.ts before deploy`,
          },
        ]
      : [],
  fixtures: {
    failing: reportFixture({ model: { identity: { ...reportFixture({}).model.identity, account: '222222222222' } } }),
    passing: reportFixture({}),
  },
};
