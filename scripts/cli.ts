/**
 * Command-line options for the project's scripts, parsed with Node's own `util.parseArgs`: unknown options and
 * missing values are refused with a one-line message instead of being ignored.
 */
import { normalize, resolve, sep } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfiguredDeployments, type ResolvedDeployment } from '../config';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed options, or the problem as a message (never a stack trace). */
export function parseOptions<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return { values: parseArgs({ args, options, strict: true, allowPositionals: false }).values, error: undefined };
  } catch (error) {
    return { values: undefined, error: `${(error as Error).message}\nusage: ${usage}` };
  }
}

/** The same, for commands that also take positional arguments (stack names). */
export function parseCommand<T extends Options>(args: string[], options: T, usage: string) {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values, positionals, error: undefined };
  } catch (error) {
    return { values: undefined, positionals: [] as string[], error: `${(error as Error).message}\nusage: ${usage}` };
  }
}

/**
 * A command's arguments (options plus stack names), with `--help` answered: the parsed values, or the exit status
 * once the usage (exit 0) or the problem and the usage (exit 2) is printed.
 */
export function commandLine<T extends Options>(args: string[], options: T, usage: string) {
  const { values, positionals, error } = parseCommand(args, { ...options, help: { type: 'boolean' } }, usage);
  if (!values) {
    console.error(error);
    return { exit: 2 } as const;
  }
  if ((values as { help?: boolean }).help) {
    console.log(`usage: ${usage}`);
    return { exit: 0 } as const;
  }
  return { values, positionals, exit: undefined };
}

/**
 * Whether `file` (its path from the project root, e.g. `scripts/deploy.ts`) is the program being run.
 * `require.main === module` cannot tell: scripts/run-ts.js bundles a script together with the modules it
 * imports, so they all share one `module`, and a script importing another would run both.
 */
export function isEntryPoint(file: string, argv: string[] = process.argv): boolean {
  const entry = argv[1];
  return entry !== undefined && resolve(entry).endsWith(`${sep}${normalize(file)}`);
}

/** The configured matrix (see config/index.ts), or undefined once its problems are printed. */
export function loadDeploymentsOrReport(): ResolvedDeployment[] | undefined {
  try {
    return loadConfiguredDeployments();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}
