/**
 * Running Terraform from the project's tools (drift, e2e, `npm run validate`): one CLI config of our own (the image's
 * TF_CLI_CONFIG_FILE may name a file that does not exist), the offline provider mirror when there is one, and
 * commands run asynchronously with their output kept in a log file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Well-known places of a filesystem mirror of hashicorp/aws, after $TF_PROVIDER_MIRROR. */
const MIRROR_PLACES = () => [
  '/opt/tf-plugins',
  join(homedir(), '.terraform.d/plugins'),
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
];

/** Whether `dir` is a filesystem mirror holding `source` (a provider source such as `hashicorp/aws`). */
export const mirrorHolds = (dir: string, source: string): boolean =>
  existsSync(join(dir, 'registry.terraform.io', source));

/**
 * The filesystem mirror of hashicorp/aws (laid out `<dir>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/…`):
 * $TF_PROVIDER_MIRROR, else the first well-known place holding it; undefined when there is none (then the registry).
 */
export function providerMirror(warn: (message: string) => void = () => {}): string | undefined {
  const named = process.env.TF_PROVIDER_MIRROR;
  if (named) {
    if (mirrorHolds(named, 'hashicorp/aws')) return named;
    warn(`TF_PROVIDER_MIRROR=${named} has no registry.terraform.io/hashicorp/aws; ignoring it`);
  }
  return MIRROR_PLACES().find((place) => mirrorHolds(place, 'hashicorp/aws'));
}

/** How Terraform is run: its environment, and the mirror its CLI config installs hashicorp/aws from (if any). */
export interface TerraformSetup {
  env: NodeJS.ProcessEnv;
  mirror: string | undefined;
}

/**
 * The one Terraform CLI setup of the tools (drift, e2e, validate): a CLI config written into `dir` — hashicorp/aws
 * from the mirror, when there is one (Terraform then links the unpacked provider into each stack, so no cache is
 * needed), else a plugin cache in `dir` shared by the runs (the registry, one download) — and the environment
 * naming it.
 */
export function terraformSetup(dir: string, warn?: (message: string) => void): TerraformSetup {
  mkdirSync(dir, { recursive: true });
  const mirror = providerMirror(warn);
  const config = join(dir, 'terraform.rc');
  writeFileSync(
    config,
    mirror
      ? `provider_installation {\n  filesystem_mirror {\n    path    = ` +
          `"${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  ` +
          `direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
      : `plugin_cache_dir = "${join(dir, 'plugin-cache')}"\n`,
  );
  if (!mirror) mkdirSync(join(dir, 'plugin-cache'), { recursive: true });
  return {
    env: { ...process.env, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
    mirror,
  };
}

/** Environment for Terraform with a CLI config written into `dir` (terraformSetup). */
export const terraformEnv = (dir: string): NodeJS.ProcessEnv => terraformSetup(dir).env;

export interface RunResult {
  code: number;
  /** Standard output and error, as they came. */
  output: string;
  /** Standard output alone (what `-json` commands answer; warnings go to standard error). */
  stdout: string;
}

/** Starts `terraform <args>` in `cwd`; output goes to `log` (appended) and is returned when it ends. */
export function startTerraform(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  log?: string,
): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn('terraform', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (log) appendFileSync(log, chunk);
  };
  if (log) appendFileSync(log, `\n$ terraform ${args.join(' ')}\n`);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    collect(chunk);
  });
  child.stderr!.on('data', collect);
  const done = new Promise<RunResult>((resolve) => {
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}`, stdout }));
    child.on('close', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
  return { child, done };
}

/** Runs `terraform <args>` to the end (stdin closed). */
export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, log?: string): Promise<RunResult> {
  const run = startTerraform(args, cwd, env, log);
  run.child.stdin!.end();
  return run.done;
}

/**
 * Whether Terraform runs here: `terraform version` started (on PATH) and answered with exit 0. The one probe of the
 * tools (validate and the e2e skip without it).
 */
export async function terraformAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return (await terraform(['version'], process.cwd(), env)).code === 0;
}

/**
 * What went wrong, in one line: Terraform's first `Error:` line and the `lines - 1` after it (its summary and
 * detail; 1 for the summary alone, without the advice that follows), else the output's last two lines.
 */
export function terraformError(output: string, lines = 3): string {
  const text = output
    .split('\n')
    .map((l) => l.replace(/^[│╷╵]\s?/, '').trim())
    .filter(Boolean);
  const error = text.findIndex((l) => l.startsWith('Error:'));
  return (error >= 0 ? text.slice(error, error + lines) : text.slice(-2)).join(' ');
}
