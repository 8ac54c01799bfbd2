/**
 * The configuration entry point: the default matrix, optionally changed by an override file, resolved and
 * validated. `main.ts`, `npm run config:check` and the tests all load it through here.
 */
import { DEFAULT_MATRIX, type MatrixConfig } from './matrix';
import { applyOverrides, OVERRIDE_CONTEXT_KEY, OVERRIDE_ENV_VAR, readOverrideFile } from './override-file';
import { resolveMatrix, type ResolvedDeployment } from './resolve';

export { ConfigError, type ResolvedDeployment } from './resolve';
export { DEFAULT_MATRIX, type MatrixConfig } from './matrix';

/** Path of the override file: the environment variable wins over the cdktf context. */
export function overrideFilePath(context?: unknown): string | undefined {
  const fromEnv = process.env[OVERRIDE_ENV_VAR];
  if (fromEnv) return fromEnv;
  return typeof context === 'string' && context !== '' ? context : undefined;
}

export { OVERRIDE_CONTEXT_KEY, OVERRIDE_ENV_VAR };

/** Resolves the matrix, applying the override file at `overridePath` when given. Throws ConfigError. */
export function loadDeployments(overridePath?: string, matrix: MatrixConfig = DEFAULT_MATRIX): ResolvedDeployment[] {
  const effective = overridePath ? applyOverrides(matrix, readOverrideFile(overridePath), overridePath) : matrix;
  return resolveMatrix(effective);
}
