/**
 * The configuration entry point: the TypeScript matrix, optionally changed by an override file, resolved and
 * validated. Every command that needs the matrix — synth (and validate, through it), config:check, preflight, deploy,
 * sample-events, app-config, drift, erase, prices, e2e, bench — and the invariant tests read the configured matrix
 * through `loadConfiguredDeployments()`, so they all see the same deployments. The report and the review read the
 * synth output (cdktf.out, with each stack's deployment.json), not the configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MATRIX, type MatrixConfig } from './matrix';
import {
  applyOverrides,
  OVERRIDE_CONTEXT_KEY,
  OVERRIDE_ENV_VAR,
  readOverrideFile,
  unknownDeploymentKeys,
} from './override-file';
import { ConfigError, resolveMatrix, type ResolvedDeployment } from './resolve';

export { ConfigError, type ResolvedDeployment } from './resolve';
export { DEFAULT_MATRIX, type MatrixConfig } from './matrix';
export { OVERRIDE_CONTEXT_KEY, OVERRIDE_ENV_VAR };

/**
 * The override file in force: `TELEMETRY_CONFIG` wins; otherwise the `telemetryConfig` key of cdktf.json's
 * `context` (the file cdktf-cli passes to the app, read here directly so commands that cdktf-cli does not start
 * see it too). Paths are relative to the project root, where npm and cdktf run every command.
 */
export function overrideFilePath(
  env: NodeJS.ProcessEnv = process.env,
  projectRoot: string = process.cwd(),
): string | undefined {
  const fromEnv = env[OVERRIDE_ENV_VAR];
  if (fromEnv) return fromEnv;
  const cdktfJson = join(projectRoot, 'cdktf.json');
  if (!existsSync(cdktfJson)) return undefined;
  let context: unknown;
  try {
    context = (JSON.parse(readFileSync(cdktfJson, 'utf8')) as { context?: Record<string, unknown> }).context?.[
      OVERRIDE_CONTEXT_KEY
    ];
  } catch (error) {
    throw new ConfigError([`${cdktfJson}: cannot read — ${(error as Error).message}`]);
  }
  if (context === undefined || context === '') return undefined;
  if (typeof context !== 'string')
    throw new ConfigError([
      `${cdktfJson} context.${OVERRIDE_CONTEXT_KEY}: ${JSON.stringify(context)} — the path of a JSON override file`,
    ]);
  return context;
}

/** Resolves the matrix, applying the override file at `overridePath` when given. Throws ConfigError. */
export function loadDeployments(overridePath?: string, matrix: MatrixConfig = DEFAULT_MATRIX): ResolvedDeployment[] {
  if (!overridePath) return resolveMatrix(matrix);
  const file = readOverrideFile(overridePath);
  // Every problem of the file at once: keys naming no deployment beside what the merged matrix's validation finds.
  const unknownKeys = unknownDeploymentKeys(matrix, file, overridePath);
  let deployments: ResolvedDeployment[];
  try {
    deployments = resolveMatrix(applyOverrides(matrix, file), { overrideFile: { path: overridePath, content: file } });
  } catch (error) {
    if (error instanceof ConfigError && unknownKeys.length > 0)
      throw new ConfigError([...unknownKeys, ...error.problems]);
    throw error;
  }
  if (unknownKeys.length > 0) throw new ConfigError(unknownKeys);
  return deployments;
}

/** The matrix as the user configured it: config/matrix.ts with the override file in force. Throws ConfigError. */
export function loadConfiguredDeployments(): ResolvedDeployment[] {
  return loadDeployments(overrideFilePath());
}
