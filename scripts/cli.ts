/**
 * Command-line options for the project's scripts, parsed with Node's own `util.parseArgs`: unknown options and
 * missing values are refused with a one-line message instead of being ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed options, or the problem as a message (never a stack trace). */
export function parseOptions<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return { values: parseArgs({ args, options, strict: true, allowPositionals: false }).values, error: undefined };
  } catch (error) {
    return { values: undefined, error: `${(error as Error).message}\nusage: ${usage}` };
  }
}
