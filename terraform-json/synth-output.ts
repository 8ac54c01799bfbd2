/**
 * The synth output (a cdktf.out folder), read: its manifest (`manifest.json`, as cdktf and `npm run synth` write it),
 * each stack's folder and Terraform JSON, and the files written beside a pipeline stack for other tools (its deploy
 * policies, its organization guardrails: their JSON shapes are here, which stacks/ writes and the tools read). The
 * deployment facts written beside a stack are read by `stackFacts` (facts.ts). The one reader of the manifest and of
 * the stack folders: `npm run synth`, validate, the report, the review, drift's plans and the e2e go through it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PolicyDocumentJson, Statement } from './policy';
import type { TerraformJson } from './stack-json';

/** The manifest at the root of a synth output. */
export const MANIFEST_FILE = 'manifest.json';

/** A stack's synthesized Terraform JSON in its folder (`cdk.tf` for `cdktf synth --hcl`). */
export const STACK_JSON_FILE = 'cdk.tf.json';

/**
 * Beside each pipeline stack's Terraform: its deploy roles' policies, for whoever applies it without the trust stack.
 */
export const DEPLOY_POLICY_FILE = 'deploy-policy.json';

/** deploy-policy.json (stacks/telemetry-stack.ts writes it; the report's access matrix reads it). */
export interface DeployPolicyJson<S extends Statement = Statement> {
  /** The plan role's policy. */
  plan: PolicyDocumentJson<S>;
  /** The apply role's inline policy. */
  apply: PolicyDocumentJson<S>;
  /** The apply role's IAM rights and denies, a managed policy of their own (absent in files of earlier synths). */
  applyIam?: PolicyDocumentJson<S>;
  /** The permissions boundary every role of the stack names. */
  permissionsBoundary: PolicyDocumentJson<S>;
}

/** Beside each pipeline stack's Terraform: the SCP and RCP its organization's platform team attaches. */
export const GUARDRAILS_FILE = 'organization-guardrails.json';

/** organization-guardrails.json (stacks/guardrails.ts makes it; `npm run report -- --guardrails` reads it). */
export interface OrganizationGuardrailsJson<S extends Statement = Statement> {
  /** Attach to the deployment's account (or an OU holding only accounts of its deployments). */
  scp: PolicyDocumentJson<S>;
  rcp: PolicyDocumentJson<S>;
}

/**
 * What the tools read of the manifest: each stack's synthesized file, relative to the output folder, and
 * its annotations.
 */
export interface SynthManifest {
  stacks: Record<
    string,
    {
      synthesizedStackPath: string;
      /** What the app said of the stack (`@cdktf/info`, `@cdktf/warn`, `@cdktf/error`). */
      annotations?: { level: string; message: string }[];
    }
  >;
}

/** One stack of a synth output. */
export interface SynthesizedStack {
  /** The stack's name (the manifest's key). */
  name: string;
  /** Its folder, beside which the facts, deploy policies and guardrails are written. */
  dir: string;
  /** Its synthesized file (`cdk.tf.json`, or `cdk.tf` for `cdktf synth --hcl`). */
  path: string;
  /** Whether it is the JSON form (false after `cdktf synth --hcl`). */
  json: boolean;
}

/** Whether a folder holds a synth output (its manifest). */
export const isSynthOutput = (outDir: string): boolean => existsSync(join(outDir, MANIFEST_FILE));

/** The manifest of a synth output, or undefined when the folder holds none. */
export function readManifest(outDir: string): SynthManifest | undefined {
  const manifestPath = join(outDir, MANIFEST_FILE);
  return existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as SynthManifest) : undefined;
}

/** The stacks of a synth output in manifest order, or undefined when the folder holds no manifest. */
export function synthesizedStacks(outDir: string): SynthesizedStack[] | undefined {
  const manifest = readManifest(outDir);
  if (!manifest) return undefined;
  return Object.entries(manifest.stacks).map(([name, { synthesizedStackPath }]) => {
    const path = join(outDir, synthesizedStackPath);
    return { name, dir: dirname(path), path, json: synthesizedStackPath.endsWith('.json') };
  });
}

/** A synthesized stack's Terraform JSON. */
export const readStackJson = (stack: SynthesizedStack): TerraformJson =>
  JSON.parse(readFileSync(stack.path, 'utf8')) as TerraformJson;

/**
 * The stack of a synth output named `name`; undefined when the folder holds no manifest or the manifest no such stack.
 */
export const synthesizedStack = (outDir: string, name: string): SynthesizedStack | undefined =>
  synthesizedStacks(outDir)?.find((s) => s.name === name);

/**
 * A stack's own synthesized folder (where it is planned and applied: `npm run drift`) as a synthesized stack, or
 * undefined when it holds no Terraform JSON.
 */
export function stackFolder(dir: string, name: string): SynthesizedStack | undefined {
  const path = join(dir, STACK_JSON_FILE);
  return existsSync(path) ? { name, dir, path, json: true } : undefined;
}

const besides = <T>(stack: SynthesizedStack, file: string): T | undefined => {
  const path = join(stack.dir, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
};

/** The deploy policies written beside a pipeline stack; undefined for other stacks and synths without them. */
export const readDeployPolicy = (stack: SynthesizedStack): DeployPolicyJson | undefined =>
  besides<DeployPolicyJson>(stack, DEPLOY_POLICY_FILE);

/** The organization guardrails written beside a pipeline stack; undefined for other stacks and synths without them. */
export const readGuardrails = (stack: SynthesizedStack): OrganizationGuardrailsJson | undefined =>
  besides<OrganizationGuardrailsJson>(stack, GUARDRAILS_FILE);
