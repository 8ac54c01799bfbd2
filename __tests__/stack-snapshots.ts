/**
 * `toMatchStackSnapshots`: every stack's Terraform JSON against its jest snapshot, in one assertion whose failure
 * says in a line per stack what changed (added or changed, resource counts, lines) instead of jest's full diff of
 * thousands of lines. Matching, writing and `-u` stay jest's own: each stack goes through jest-snapshot's
 * `toMatchSnapshot` (jest's documented way to build a custom snapshot matcher). Removed stacks are jest's obsolete
 * snapshots, which its summary lists by name.
 */
import { toMatchSnapshot } from 'jest-snapshot';

/** The command that accepts a change of the synthesized Terraform (jest's own summary names the same one). */
export const UPDATE_COMMAND = 'npm test -- -u';

/** A snapshot's text as jest stores it (`escapeString: false`): the JSON inside one pair of quotes. */
function resourceCount(serialized: string | undefined): number | undefined {
  if (serialized === undefined) return undefined;
  try {
    const tf = JSON.parse(serialized.trim().replace(/^"|"$/g, '')) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    return Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  } catch {
    return undefined;
  }
}

/** Lines in `a` that `b` does not have, counted as a multiset (cheap, and enough to size a change). */
function linesOnlyIn(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const line of b.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1);
  let only = 0;
  for (const line of a.split('\n')) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else only += 1;
  }
  return only;
}

/** One line about one stack whose Terraform differs from its snapshot. */
export function describeStackChange(stack: string, actual: string, expected: string | undefined): string {
  const now = resourceCount(actual);
  if (expected === undefined) return `${stack}: added (${now ?? '?'} resources)`;
  const before = resourceCount(expected);
  const resources = now === before ? `${now} resources` : `${before} → ${now} resources`;
  return `${stack}: changed (${resources}; +${linesOnlyIn(actual, expected)} −${linesOnlyIn(expected, actual)} lines)`;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Each entry (stack name → its Terraform JSON) matches the snapshot named after the stack. */
      toMatchStackSnapshots(): R;
    }
  }
}

expect.extend({
  toMatchStackSnapshots(this: jest.MatcherContext, received: Map<string, string>) {
    const changes: string[] = [];
    for (const [stack, json] of received) {
      const result = toMatchSnapshot.call(this as never, json, stack) as {
        pass: boolean;
        actual?: string;
        expected?: string;
      };
      if (!result.pass) changes.push(describeStackChange(stack, result.actual ?? json, result.expected));
    }
    return {
      pass: changes.length === 0,
      message: () =>
        [
          `The synthesized Terraform differs from its snapshots in ${changes.length} of ${received.size} stacks:`,
          ...changes.map((c) => `  ${c}`),
          `If the change is intended, run \`${UPDATE_COMMAND}\`, review \`git ` +
            `diff __tests__/__snapshots__\` (the full diff) and commit it.`,
        ].join('\n'),
    };
  },
});
