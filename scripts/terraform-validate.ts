/**
 * `npm run validate`: `terraform init` + `validate` on every synthesized stack, then an offline `terraform plan` where
 * a provider mirror makes that possible, and `N/M stacks valid`. With --hcl it synthesizes the HCL that
 * `cdktf synth --hcl` writes (into a scratch folder, leaving cdktf.out/ alone) and validates that instead: the way
 * out of CDKTF must stay open.
 *
 * The provider comes from the mirror terraformSetup finds ($TF_PROVIDER_MIRROR, else a well-known place), else from
 * the registry (network; no offline plan). Each stack is copied to a scratch folder without its remote backend
 * (withoutRemoteState), so nothing here touches real state or AWS; the plan runs with dummy credentials, skipped AWS
 * checks and the provider's allowed_account_ids lock lifted (it needs a real account id to compare against).
 * Exit status: 0 when every stack is valid (and planned, when planning), 1 otherwise, 2 when it cannot run.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inParallel } from './concurrency';
import { commandLine, isEntryPoint, synthesizeInto, type CommandSpec } from './cli';
import { mirrorHolds, terraform, terraformAvailable, terraformSetup } from './terraform-cli';
import { withoutRemoteState, type TerraformJson } from '../terraform-json/stack-json';
import { synthesizedStacks, type SynthesizedStack } from '../terraform-json/synth-output';

export const VALIDATE_COMMAND = {
  name: 'validate',
  summary:
    'Synthesizes, then runs terraform init + validate on every stack and an offline terraform plan where a provider\n' +
    '  mirror allows ($TF_PROVIDER_MIRROR, or a well-known place); ' +
    'prints `N/M stacks valid`. Nothing touches AWS or\n  state. Exit status: 0 when every stack is valid (and ' +
    'planned), 1 otherwise, 2 when it cannot run (no terraform).',
  flags: {
    hcl: { type: 'boolean', help: 'validate the HCL form (`cdktf synth --hcl`), synthesized into a scratch folder' },
    'no-synth': { type: 'boolean', help: 'validate the folder as it is' },
    'no-plan': { type: 'boolean', help: 'init + validate only' },
  },
  args: '[cdktf.out folder]',
  maxArgs: 1,
} satisfies CommandSpec;

/** Offline provider settings, merged into the stack's provider block by Terraform's override-file rules. */
const OFFLINE_OVERRIDE = {
  provider: {
    aws: {
      access_key: 'offline-plan-dummy',
      secret_key: 'offline-plan-dummy',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
      skip_region_validation: true,
      allowed_account_ids: [],
    },
  },
};

interface Check {
  /** The scratch folder of the run: one folder per stack, and the first stack's lock file. */
  scratch: string;
  env: NodeJS.ProcessEnv;
  mirror: string | undefined;
  plan: boolean;
  hcl: boolean;
}

/** A stack's outcome: `valid …`, `skipped: …` or `failed <stage>` (its log is `<stage>.log` in its folder). */
type Outcome = string;

/** The provider sources a JSON stack requires that the mirror does not hold. */
function missingFromMirror(
  tf: TerraformJson & { terraform?: { required_providers?: Record<string, { source: string }> } },
  mirror: string,
) {
  return Object.values(tf.terraform?.required_providers ?? {})
    .map((p) => (p.source.includes('/') ? p.source : `hashicorp/${p.source}`))
    .filter((source) => !mirrorHolds(mirror, source));
}

/** Checks one stack in a scratch copy. */
async function checkStack(stack: SynthesizedStack, c: Check): Promise<Outcome> {
  const work = join(c.scratch, stack.name);
  mkdirSync(work, { recursive: true });
  const hclForm = c.hcl || !stack.json;
  const initArgs = ['init', '-input=false', '-no-color'];
  if (hclForm) {
    // HCL: validated as written, without initializing its backend.
    initArgs.push('-backend=false');
    copyFileSync(join(stack.dir, 'cdk.tf'), join(work, 'cdk.tf'));
  } else {
    const tf = JSON.parse(readFileSync(stack.path, 'utf8')) as TerraformJson;
    // A stack of another provider (the workspaces stack's hashicorp/tfe) cannot be initialized offline from a mirror
    // of hashicorp/aws only: it is left out, and said so.
    const missing = c.mirror ? missingFromMirror(tf, c.mirror) : [];
    if (missing.length > 0)
      return `skipped: provider ${missing.join(' ')} is not in the offline mirror (synth output is tested instead)`;
    writeFileSync(join(work, 'cdk.tf.json'), JSON.stringify(withoutRemoteState(tf), null, 2));
    writeFileSync(join(work, 'offline_override.tf.json'), `${JSON.stringify(OFFLINE_OVERRIDE, null, 2)}\n`);
  }
  // The lock file of the first stack, when there is one: the provider is then taken from the cache as locked.
  const firstLock = join(c.scratch, 'first.lock.hcl');
  if (existsSync(firstLock)) copyFileSync(firstLock, join(work, '.terraform.lock.hcl'));
  const step = async (stage: string, args: string[]) =>
    (await terraform(args, work, c.env, join(work, `${stage}.log`))).code === 0;
  // For the JSON form no remote backend is left, so this init also sets up local state for the plan.
  if (!(await step('init', initArgs))) return 'failed init';
  if (!(await step('validate', ['validate', '-no-color']))) return 'failed validate';
  if (hclForm) return 'valid (HCL)';
  if (!c.plan) return 'valid';
  if (!(await step('plan', ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'])))
    return 'failed plan';
  const summary = /Plan: .*/.exec(readFileSync(join(work, 'plan.log'), 'utf8'));
  return `valid; offline plan: ${summary ? summary[0] : 'no changes'}`;
}

/** Runs the command; its exit status. */
export async function main(args: string[]): Promise<number> {
  const command = commandLine(VALIDATE_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values, positionals } = command;
  const hcl = values.hcl === true;
  let plan = values['no-plan'] !== true;
  let skippedPlan = plan ? '' : '--no-plan was given';

  if (!(await terraformAvailable())) {
    console.error(
      'terraform-validate: SKIPPED — terraform is not on PATH; install Terraform >= 1.10 to validate the stacks.',
    );
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'terraform-validate-'));
  try {
    if (hcl) {
      // The plan needs the remote backend taken out, which only the JSON form allows; HCL is validated only.
      plan = false;
      skippedPlan = 'HCL is validated, not planned; the JSON form of the same stacks is';
    }
    const synth = values['no-synth'] !== true;
    const outDir = resolve(positionals[0] ?? (hcl && synth ? join(scratch, 'hcl-out') : 'cdktf.out'));
    if (synth) {
      // The same synth as `npm run synth`: cdktf.json's context, and no stack left over from an earlier synth.
      const result = synthesizeInto(outDir, { hcl });
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (!result.ok) {
        console.error('terraform-validate: synth failed');
        return 1;
      }
    }
    const stacks = synthesizedStacks(outDir);
    if (!stacks) {
      console.error(`terraform-validate: no synth output (manifest.json) under ${outDir} (run synth first)`);
      return 2;
    }

    const { env, mirror } = terraformSetup(join(scratch, 'cli'), (m) => console.error(`terraform-validate: ${m}`));
    if (mirror) console.log(`terraform-validate: provider from the offline mirror ${mirror}`);
    else {
      if (plan) {
        plan = false;
        skippedPlan = 'no provider mirror: it needs one to run without network';
      }
      console.log(
        'terraform-validate: no provider mirror found (set TF_PROVIDER_MIRROR); using the ' +
          'registry, and SKIPPING the offline plan (it needs a mirror to run without network)',
      );
    }
    const check: Check = { scratch, env, mirror, plan, hcl };
    const sorted = [...stacks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const outcomes = new Map<string, Outcome>();
    const checkOne = async (stack: SynthesizedStack) => {
      outcomes.set(stack.name, await checkStack(stack, check).catch((e: Error) => `failed to run: ${e.message}`));
    };
    // Without a mirror the first stack runs alone and hands its lock file on, so only one init ever writes to the
    // plugin cache (with no lock file, Terraform >= 1.4 reinstalls into the cache on every init).
    let rest = sorted;
    if (!mirror && sorted.length > 0) {
      await checkOne(sorted[0]);
      const lock = join(scratch, sorted[0].name, '.terraform.lock.hcl');
      if (existsSync(lock)) copyFileSync(lock, join(scratch, 'first.lock.hcl'));
      rest = sorted.slice(1);
    }
    // Two stacks at a time: the AWS provider is slow to start, and these machines have 2 cores.
    await inParallel(rest, Number(process.env.TF_VALIDATE_JOBS ?? 2) || 2, checkOne);

    let [valid, total] = [0, 0];
    for (const stack of sorted) {
      const outcome = outcomes.get(stack.name) ?? 'failed to run';
      total++;
      if (outcome.startsWith('valid')) {
        console.log(`  ${stack.name}: ${outcome}`);
        valid++;
      } else if (outcome.startsWith('skipped')) {
        console.log(`  ${stack.name}: ${outcome}`);
        total--;
      } else {
        const stage = outcome.replace(/^failed /, '');
        console.log(`  ${stack.name}: terraform ${stage} FAILED`);
        const log = join(scratch, stack.name, `${stage}.log`);
        if (existsSync(log))
          console.log(
            readFileSync(log, 'utf8')
              .replace(/\n$/, '')
              .split('\n')
              .slice(-30)
              .map((l) => `    ${l}`)
              .join('\n'),
          );
      }
    }
    if (!plan) console.log(`terraform-validate: offline plan skipped (${skippedPlan})`);
    console.log(`${valid}/${total} stacks valid${hcl ? ' (HCL, as cdktf synth --hcl writes them)' : ''}`);
    return valid === total && total > 0 ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isEntryPoint('scripts/terraform-validate.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
