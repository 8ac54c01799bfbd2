/**
 * The synth output (a cdktf.out folder), read: its manifest (`manifest.json`, as cdktf and `npm run synth` write it),
 * each stack's folder and Terraform JSON. The deployment facts written beside a stack are read by `stackFacts`
 * (facts.ts). The one reader of the manifest: `npm run synth`, validate, the report, the review and the e2e go through it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TerraformJson } from './stack-json';

/** The manifest at the root of a synth output. */
export const MANIFEST_FILE = 'manifest.json';

/** What the tools read of the manifest: each stack's synthesized file, relative to the output folder, and its annotations. */
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
