/**
 * `npm run app-config -- <stack> [--outputs outputs.json] [--out file]`: what an iOS app needs from a deployed
 * stack, as the one JSON file the app bundles — region, Cognito identity pool, Firehose stream, the batching limits
 * of PutRecordBatch, and the event contract (its version and JSON Schema). Reads the stack's outputs from
 * `terraform output -json` in cdktf.out/stacks/<stack> (after `cdktf deploy`), or from a file given with --outputs.
 * The file's content is app-bundle-config.ts's (the e2e run's app reads it too); this file is the command.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appConfig, type AppConfig, type Outputs } from './app-bundle-config';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, type CommandSpec } from './cli';
import { terraform, terraformError } from './terraform-cli';

export const APP_CONFIG_COMMAND = {
  name: 'app-config',
  summary:
    "Writes the JSON file the iOS app bundles (identity pool, stream, event contract) from a deployed stack's outputs.",
  args: '<stack>',
  minArgs: 1,
  maxArgs: 1,
  flags: {
    outputs: {
      type: 'string',
      value: 'outputs.json',
      help:
        'read the outputs from this file (`cdktf output --outputs-file`, ' +
        '`terraform output -json`) instead of the deployed state',
    },
    out: { type: 'string', value: 'file', help: 'where to write it (default: app-config/<stack>.json)' },
    dir: {
      type: 'string',
      value: 'dir',
      default: 'cdktf.out/stacks',
      help: 'where the deployed stacks were synthesized',
    },
  },
} satisfies CommandSpec;

export async function main(args: string[]): Promise<number> {
  const command = commandLine(APP_CONFIG_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values, positionals } = command;
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  const [stack] = positionals;
  const deployment = deployments.find((d) => d.names.stack === stack);
  if (!deployment) {
    console.error(`unknown stack ${stack}; known: ${deployments.map((d) => d.names.stack).join(', ')}`);
    return 1;
  }
  let outputs: Outputs;
  if (values.outputs) {
    const read = readOutputsFile(values.outputs, stack);
    if (typeof read === 'string') {
      console.error(`--outputs ${values.outputs}: ${read}`);
      return 1;
    }
    outputs = read;
  } else {
    const stackDir = join(values.dir, stack);
    if (!existsSync(stackDir)) {
      console.error(
        `no synthesized stack at ${stackDir}: run \`npx cdktf synth\` (and ` +
          `deploy it), or give its outputs as a file: --outputs outputs.json`,
      );
      return 1;
    }
    // The user's own environment (not terraformSetup's CLI config): their backend's credentials may be configured
    // in it.
    const result = await terraform(['output', '-json', '-no-color'], stackDir, process.env);
    if (result.code !== 0) {
      // Only Terraform's error line, without its `Error:` label: its advice (-reconfigure, -migrate-state) is about its
      // backend, not this command. 127: the runner could not start terraform at all.
      const reason =
        result.code === 127
          ? `could not run terraform: ${terraformError(result.output, 1)}`
          : terraformError(result.output, 1).replace(/^Error:\s*/, '');
      console.error(
        `could not read the outputs of ${stack} from its deployed ` +
          `state (terraform output in ${stackDir}: ${reason}).\n` +
          `Deploy it first (npm run deploy -- ${stack}) with credentials for its ` +
          `backend, or give its outputs as a file: --outputs outputs.json ` +
          `(\`npx cdktf output ${stack} --outputs-file outputs.json\` where it was deployed).`,
      );
      return 1;
    }
    outputs = JSON.parse(result.stdout) as Outputs;
  }
  let config: AppConfig;
  try {
    config = appConfig(deployment, outputs);
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  const out = values.out ?? join('app-config', `${stack}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
  console.log(
    `${out}: region ${config.region}, identity pool ${config.identityPoolId}, ` +
      `stream ${config.deliveryStreamName}, contract ${config.contract.version}`,
  );
  return 0;
}

/**
 * A stack's outputs from a file, or what is wrong with it. Two shapes: `terraform output -json`'s, each output an
 * object holding its `value`; and `cdktf output --outputs-file`'s, the stacks' outputs under their names, values
 * unwrapped (`saveOutputs` in cdktf-cli 0.21, lib/output.ts).
 */
export function readOutputsFile(path: string, stack: string): Outputs | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed)) return 'not an object of outputs (`terraform output -json` writes one)';
  const ofStack = parsed[stack];
  if (isObject(ofStack) && !('value' in ofStack))
    return Object.fromEntries(Object.entries(ofStack).map(([name, value]) => [name, { value }]));
  return parsed as Outputs;
}

if (isEntryPoint('scripts/app-config.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
