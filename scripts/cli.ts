/**
 * The one command-line convention of the project's commands (`npm run <command> -- …`): flags parsed by Node's own
 * `util.parseArgs`; `--help` prints the usage (exit 0); an unknown flag, a missing value or a stray argument prints
 * the problem and the usage (exit 2). The usage is generated from the command's spec, so it lists every flag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { normalize, resolve, sep } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfiguredDeployments, type ResolvedDeployment } from '../config';
import type { StackTarget } from '../config/targets';

/** One flag of a command. */
export interface Flag {
  type: 'string' | 'boolean';
  /** What it does, for `--help`. */
  help: string;
  /** The value's name in the usage (`--out <dir>`). @default `value` */
  value?: string;
  /** Its value when not given. @default none (undefined) */
  default?: string;
  /** The flag may be given more than once. @default false */
  multiple?: boolean;
}

/** What a command takes. */
export interface CommandSpec<F extends Record<string, Flag> = Record<string, Flag>> {
  /** The npm script, e.g. `drift` (usage: `npm run drift -- …`). */
  name: string;
  /** One or two sentences: what it does. */
  summary: string;
  flags: F;
  /** Its positional arguments in the usage, e.g. `<stack|glob> …`. @default none: a positional is refused */
  args?: string;
  /** How many positionals it needs at least. @default 0 */
  minArgs?: number;
  /** How many it takes at most. @default unlimited when `args` is set, else 0 */
  maxArgs?: number;
}

type FlagValue<T extends Flag> = T['type'] extends 'boolean'
  ? boolean | undefined
  : T['multiple'] extends true
    ? string[] | undefined
    : T extends { default: string }
      ? string
      : string | undefined;
export type FlagValues<F extends Record<string, Flag>> = { [K in keyof F]: FlagValue<F[K]> };

/** The usage text of a command, from its spec. */
export function usage(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(
    ([name, f]) => `--${name}${f.type === 'string' ? ` <${f.value ?? 'value'}>` : ''}`,
  );
  const width = Math.max(6, ...flags.map((f) => f.length));
  const lines = Object.values(spec.flags).map(
    (f, i) => `  ${flags[i].padEnd(width)}  ${f.help}${f.default !== undefined ? ` (default: ${f.default})` : ''}`,
  );
  return [
    `usage: npm run ${spec.name} --${spec.args ? ` ${spec.args}` : ''}` +
      `${flags.length > 0 ? ` [${flags.length > 3 ? 'flags' : flags.join('] [')}]` : ''}`,
    `  ${spec.summary}`,
    ...(lines.length > 0 ? ['', ...lines] : []),
    `  ${'--help'.padEnd(width)}  this text`,
  ].join('\n');
}

export type CommandLine<F extends Record<string, Flag>> =
  | { exit: 0 | 2; values?: undefined; positionals?: undefined }
  | { exit: undefined; values: FlagValues<F>; positionals: string[] };

/**
 * A command's arguments parsed by its spec, with `--help` answered: the values and positionals, or the exit status
 * once the usage (0) or the problem and the usage (2) is printed.
 */
export function commandLine<F extends Record<string, Flag>>(spec: CommandSpec<F>, args: string[]): CommandLine<F> {
  const options = Object.fromEntries([
    ...Object.entries(spec.flags).map(([name, f]) => [
      name,
      {
        type: f.type,
        ...(f.default !== undefined ? { default: f.default } : {}),
        ...(f.multiple ? { multiple: true } : {}),
      },
    ]),
    ['help', { type: 'boolean', short: 'h' }],
  ]);
  const refuse = (problem: string) => {
    console.error(`${problem}\n${usage(spec)}`);
    return { exit: 2 } as const;
  };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: options as ParseArgsConfig['options'], strict: true, allowPositionals: true });
  } catch (error) {
    return refuse((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(usage(spec));
    return { exit: 0 };
  }
  const max = spec.maxArgs ?? (spec.args ? Infinity : 0);
  if (parsed.positionals.length > max)
    return refuse(
      max === 0
        ? `unexpected argument '${parsed.positionals[0]}'`
        : `at most ${max} argument(s): ${parsed.positionals.join(' ')}`,
    );
  if (parsed.positionals.length < (spec.minArgs ?? 0)) return refuse(`missing argument: ${spec.args}`);
  return { exit: undefined, values: parsed.values as FlagValues<F>, positionals: parsed.positionals };
}

export interface SynthIntoOptions {
  /** The project to synthesize (its own `npm run synth`, code and config). @default the working directory */
  projectDir?: string;
  /** HCL instead of JSON. @default JSON */
  hcl?: boolean;
  /** Changes to the environment (TELEMETRY_CONFIG, say). @default none */
  env?: NodeJS.ProcessEnv;
}

/**
 * How `npm run synth` of a project is started to write into `outdir`: the one way the tools synthesize into a folder
 * of their own (the review's base commit, the e2e run, validate, the tests). The project's own scripts/synth.ts runs,
 * so a base commit synthesizes with its own code and config.
 */
export function synthInvocation(outdir: string, options: SynthIntoOptions = {}) {
  const cwd = options.projectDir ?? process.cwd();
  const env = {
    ...process.env,
    ...options.env,
    CDKTF_OUTDIR: outdir,
    ...(options.hcl !== undefined ? { SYNTH_HCL_OUTPUT: String(options.hcl) } : {}),
  };
  // A commit from before `npm run synth` was TypeScript has scripts/synth.js (the review synthesizes its base commit).
  const args = existsSync(resolve(cwd, 'scripts', 'synth.ts'))
    ? [resolve(cwd, 'scripts', 'run-ts.js'), resolve(cwd, 'scripts', 'synth.ts')]
    : [resolve(cwd, 'scripts', 'synth.js')];
  return { command: process.execPath, args, cwd, env };
}

/** Synthesizes into `outdir` (synthInvocation), waiting for it: whether it succeeded, and what it printed. */
export function synthesizeInto(outdir: string, options: SynthIntoOptions = {}) {
  const { command, args, cwd, env } = synthInvocation(outdir, options);
  const run = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const output = `${run.stderr ?? ''}${run.error ? `could not start node: ${run.error.message}` : ''}`;
  return { ok: run.status === 0, status: run.status, stdout: run.stdout ?? '', stderr: output };
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

/** Resolves stack names (exact or with `*` globs) against the matrix; unknown names are errors. */
export function matchStacks(patterns: string[], targets: StackTarget[]): { matched: StackTarget[]; unknown: string[] } {
  const toRegex = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const unknown = patterns.filter((p) => !targets.some((t) => toRegex(p).test(t.stack)));
  const matched = targets.filter((t) => patterns.some((p) => toRegex(p).test(t.stack)));
  return { matched, unknown };
}
