import type { CommandSpec } from '../cli';

export const DOCS_COMMAND = {
  name: 'docs',
  summary:
    'Writes the generated references under docs/reference/ ' +
    '(configuration, policy rules, commands) from the code they describe.',
  flags: {
    check: { type: 'boolean', help: 'write nothing; exit 1 when a reference is stale' },
  },
} satisfies CommandSpec;
