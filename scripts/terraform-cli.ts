/**
 * Running Terraform from the project's TypeScript tools (drift, e2e): one CLI config of our own (the image's
 * TF_CLI_CONFIG_FILE may name a file that does not exist), the offline provider mirror when there is one, and
 * commands run asynchronously with their output kept in a log file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a filesystem mirror of hashicorp/aws may be (same list as scripts/terraform-validate.sh). */
function providerMirror(): string | undefined {
  const candidates = [
    process.env.TF_PROVIDER_MIRROR,
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d/plugins'),
    '/usr/share/terraform/plugins',
    '/usr/local/share/terraform/plugins',
  ];
  return candidates.find((c): c is string => !!c && existsSync(join(c, 'registry.terraform.io/hashicorp/aws')));
}

/** Environment for Terraform with a CLI config written into `dir`: the mirror if found, else the registry. */
export function terraformEnv(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const mirror = providerMirror();
  const config = join(dir, 'terraform.rc');
  writeFileSync(
    config,
    mirror
      ? `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`
      : `plugin_cache_dir = "${join(dir, 'plugin-cache')}"\n`,
  );
  if (!mirror) mkdirSync(join(dir, 'plugin-cache'), { recursive: true });
  return { ...process.env, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
}

export interface RunResult {
  code: number;
  output: string;
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
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (log) appendFileSync(log, chunk);
  };
  if (log) appendFileSync(log, `\n$ terraform ${args.join(' ')}\n`);
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const done = new Promise<RunResult>((resolve) => {
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
  return { child, done };
}

/** Runs `terraform <args>` to the end (stdin closed). */
export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, log?: string): Promise<RunResult> {
  const run = startTerraform(args, cwd, env, log);
  run.child.stdin!.end();
  return run.done;
}

/** The last lines of Terraform's output that say what went wrong, for a one-line message. */
export function terraformError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^[│╷╵]\s?/, '').trim())
    .filter(Boolean);
  const error = lines.findIndex((l) => l.startsWith('Error:'));
  return (error >= 0 ? lines.slice(error, error + 3) : lines.slice(-2)).join(' ');
}
