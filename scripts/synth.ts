/**
 * `npm run synth`: the same cdktf.out/ as `npx cdktf synth`, without cdktf-cli's start-up. Like the CLI, it passes
 * cdktf.json's `context` to the app, writes to cdktf.out/ (or $CDKTF_OUTDIR) replacing what was there (a failed
 * synth leaves no stacks there for a deploy to pick up), and prints the stacks' warnings. The app (main.ts) runs in
 * this process, bundled with it by scripts/run-ts.js. Deploys still go through cdktf-cli (`npx cdktf deploy`), which
 * synthesizes again itself. The tools synthesize into a folder of their own through this command (synthesizeInto,
 * scripts/cli.ts).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { commandLine, isEntryPoint, type CommandSpec } from './cli';
import { MANIFEST_FILE, readManifest } from '../terraform-json/synth-output';

export const SYNTH_COMMAND = {
  name: 'synth',
  summary:
    'Synthesizes every stack of the configured matrix into cdktf.out/ (or $CDKTF_OUTDIR), like `npx cdktf synth`.\n' +
    '  $SYNTH_HCL_OUTPUT=true writes HCL instead of JSON.',
  flags: {},
} satisfies CommandSpec;

async function synth(args: string[]): Promise<number | undefined> {
  const command = commandLine(SYNTH_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const root = resolve(__dirname, '..');
  const cdktfJson = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')) as { context?: unknown };
  const outdir = (process.env.CDKTF_OUTDIR ??= join(root, 'cdktf.out'));
  process.env.CDKTF_CONTEXT_JSON ??= JSON.stringify(cdktfJson.context ?? {});
  rmSync(join(outdir, 'stacks'), { recursive: true, force: true });
  rmSync(join(outdir, MANIFEST_FILE), { force: true });
  // The app synthesizes synchronously when loaded; it sets process.exitCode on a configuration or policy problem.
  await import('../main');

  // A manifest exists only when it succeeded.
  const manifest = readManifest(outdir);
  if (manifest) {
    for (const [name, stack] of Object.entries(manifest.stacks)) {
      for (const a of stack.annotations ?? [])
        if (a.level !== '@cdktf/info')
          console.error(`${a.level === '@cdktf/error' ? 'Error' : 'Warning'} [${name}] ${a.message}`);
    }
    const names = Object.keys(manifest.stacks);
    console.log(
      `Generated Terraform for ${names.length} stacks in ${relative(process.cwd(), outdir) || '.'}/stacks: ` +
        `${names.join(', ')}`,
    );
  } else if (!process.exitCode) {
    // The app reported no problem, yet wrote nothing: say so instead of succeeding silently.
    console.error(`synth: the app wrote no ${relative(process.cwd(), join(outdir, MANIFEST_FILE))}`);
    return 1;
  }
  return undefined;
}

if (isEntryPoint('scripts/synth.ts')) {
  void synth(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
