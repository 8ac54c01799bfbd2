/**
 * A JSON override file lets a Terraform Cloud run or a reviewer synthesize a variant of the matrix without
 * editing TypeScript. It is chosen by the TELEMETRY_CONFIG environment variable or the cdktf context key
 * `telemetryConfig`, and validated by the same schema as the TypeScript config once merged.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { MatrixConfig } from './matrix';
import { ConfigError, deepMerge, mergeBackend } from './resolve';

export const OVERRIDE_ENV_VAR = 'TELEMETRY_CONFIG';
export const OVERRIDE_CONTEXT_KEY = 'telemetryConfig';

const anyObject = z.record(z.string(), z.unknown());

/** The file's top level; what is inside each part is checked by the matrix schema after merging. */
export const overrideFileSchema = z.strictObject({
  $comment: z.string().optional().describe('A note for reviewers; ignored.'),
  defaults: anyObject.optional().describe('Partial pipeline settings merged into the defaults of every deployment.'),
  profiles: z.record(z.string(), anyObject).optional().describe('Profiles to add or change, merged by name.'),
  backend: anyObject.optional().describe('Partial backend settings, merged; a different `type` replaces the backend.'),
  deployments: z
    .array(anyObject)
    .optional()
    .describe('A whole new deployment list (replaces the one of config/matrix.ts).'),
  deploymentOverrides: z
    .record(z.string(), anyObject)
    .optional()
    .describe('Partial settings per deployment, keyed `environment/region`, merged into its overrides.'),
  jurisdictions: z
    .record(z.string(), anyObject)
    .optional()
    .describe(
      'Jurisdictions of your own by code, `{ name, regions }`, added to the ' +
        "matrix's (config/jurisdictions.ts lists the built-in ones).",
    ),
});

export type OverrideFile = z.infer<typeof overrideFileSchema>;

/** Reads and checks an override file; a missing or malformed file is a ConfigError naming the file. */
export function readOverrideFile(path: string): OverrideFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the override file — ${(error as Error).message}`]);
  }
  const parsed = overrideFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${path} ${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  return parsed.data;
}

/**
 * `deploymentOverrides` keys that name no deployment: problems, never silently ignored. They are reported with
 * whatever else is wrong in the merged matrix (loadDeployments), not instead of it.
 */
export function unknownDeploymentKeys(matrix: MatrixConfig, file: OverrideFile, source = 'override file'): string[] {
  const deployments = (file.deployments as unknown as MatrixConfig['deployments'] | undefined) ?? matrix.deployments;
  const known = new Set(deployments.map((d) => `${d.environment}/${d.region}`));
  return Object.keys(file.deploymentOverrides ?? {})
    .filter((key) => !known.has(key))
    .map((key) => `${source} deploymentOverrides.${key}: no such deployment; known: ${[...known].join(', ')}`);
}

/** The matrix with an override file applied (`deploymentOverrides` keys that name no deployment change nothing). */
export function applyOverrides(matrix: MatrixConfig, file: OverrideFile): MatrixConfig {
  const deployments = (file.deployments as unknown as MatrixConfig['deployments'] | undefined) ?? matrix.deployments;
  return {
    project: matrix.project,
    defaults: deepMerge(matrix.defaults, file.defaults),
    profiles: deepMerge(matrix.profiles, file.profiles),
    backend: mergeBackend(matrix.backend, file.backend) as MatrixConfig['backend'],
    ...(matrix.jurisdictions || file.jurisdictions
      ? { jurisdictions: { ...matrix.jurisdictions, ...(file.jurisdictions as MatrixConfig['jurisdictions']) } }
      : {}),
    deployments: deployments.map((d) => ({
      ...d,
      overrides: deepMerge(d.overrides ?? {}, file.deploymentOverrides?.[`${d.environment}/${d.region}`]),
    })),
  };
}
