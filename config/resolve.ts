/**
 * Resolves the matrix (defaults ← profile ← per-deployment overrides) and validates the result as a whole,
 * before any construct is built. Every problem of every deployment is collected and reported at once.
 */
import { z } from 'zod';
import type { MatrixConfig } from './matrix';
import { HCP_TERRAFORM_HOST_JURISDICTIONS } from './aws';
import { DEPLOYMENT_DEFAULTS } from './defaults';
import { accessLogBucketOf, backendLocation, resourceNames, type ResourceNames } from './names';
import { BUILT_IN_JURISDICTIONS, jurisdictionIssues, jurisdictionTable, type Jurisdiction } from './jurisdictions';
import { bucketNameProblems, crossSectionRules, SECTION_RULES, ATHENA_NAME, type Issue } from './rules';
import { knownFieldsAt, MATRIX_FIELDS, unknownFieldMessage } from './strict';
import { foreignModeSettings, resolveSettings } from './catalog-mode';
import {
  backendSchema,
  deploymentSchema,
  JURISDICTION_CODE,
  jurisdictionSchema,
  pipelineSettingsSchema,
  type BackendSettings,
  type DeploymentIdentity,
  type PipelineSettings,
  type PipelineSettingsInput,
  type ResolvedBackend,
} from './schema';

/** A deployment with everything decided: what one stack is built from. */
export interface ResolvedDeployment extends DeploymentIdentity {
  project: string;
  settings: PipelineSettings;
  backend: ResolvedBackend;
  names: ResourceNames;
  /**
   * The regions of its jurisdiction (config/jurisdictions.ts or the matrix's own), which its region and allowedRegions
   * are checked against.
   */
  jurisdictionRegions: string[];
}

/** One or more configuration problems; `problems` holds one line each, ready to print. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} configuration problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PROJECT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

type Plain = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: objects merge key by key, everything else (arrays, scalars, null) replaces. */
export function deepMerge<T>(base: T, ...layers: unknown[]): T {
  let result: unknown = base;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (isPlainObject(result) && isPlainObject(layer)) {
      const merged: Plain = { ...result };
      for (const [key, value] of Object.entries(layer)) merged[key] = deepMerge(merged[key], value);
      result = merged;
    } else {
      result = layer;
    }
  }
  return result as T;
}

/**
 * The backend with an override applied. Switching `type` (S3 ↔ Terraform Cloud) replaces the backend
 * instead of merging, since the fields of one type mean nothing to the other.
 */
export function mergeBackend(base: unknown, layer: unknown): unknown {
  const switching = isPlainObject(base) && isPlainObject(layer) && layer.type !== undefined && layer.type !== base.type;
  return switching ? layer : deepMerge(base, layer);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (isPlainObject(node) || Array.isArray(node) ? (node as Plain)[key as string] : undefined),
    root,
  );
}

/**
 * The message zod itself gives an issue (its configured locale's), as against one a schema gives itself through its
 * `error` option (config/schema.ts's incremental crawler): the same issue code either way, so the message is compared
 * with zod's own for the same issue, never with a wording of it.
 */
function zodOwnMessage(issue: z.core.$ZodIssue): string | undefined {
  const message = z.config().localeError?.(issue as unknown as z.core.$ZodRawIssue);
  return typeof message === 'string' ? message : message?.message;
}

/** A schema's problems as issues; an unknown field names the nearest known one (config/strict.ts). */
function zodIssues(error: Pick<z.ZodError, 'issues'>, prefix: (string | number)[], schema: z.core.$ZodType): Issue[] {
  return error.issues.flatMap((issue) => {
    const inner = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const path = [...prefix, ...inner];
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    // One line per unknown key, pointing at the key itself.
    const custom = issue.message === zodOwnMessage(issue) ? undefined : issue.message;
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: custom ?? unknownFieldMessage(key, knownFieldsAt(schema, inner)),
    }));
  });
}

/** The fields a deployment of config/matrix.ts takes: its identity, `overrides` and `backend`. */
const DEPLOYMENT_FIELDS = [...Object.keys(deploymentSchema.shape), 'overrides', 'backend'];

/** Fields of a deployment that no schema knows (a misspelt `jurisdicton` would otherwise silently default). */
function unknownDeploymentFields(d: object): Issue[] {
  return Object.keys(d)
    .filter((key) => !DEPLOYMENT_FIELDS.includes(key))
    .map((key) => ({ path: [key], message: unknownFieldMessage(key, DEPLOYMENT_FIELDS) }));
}

/**
 * Unknown fields of a profile no deployment uses (a used one's are reported with each deployment's settings): a typo
 * there would otherwise surface only when a deployment first takes the profile.
 */
function unusedProfileFields(matrix: MatrixConfig): string[] {
  const used = new Set(matrix.deployments.map((d) => d.profile ?? DEPLOYMENT_DEFAULTS.profile));
  return Object.entries(matrix.profiles ?? {})
    .filter(([name]) => !used.has(name))
    .flatMap(([name, profile]) => {
      const parsed = pipelineSettingsSchema.safeParse(deepMerge(matrix.defaults, profile));
      if (parsed.success) return [];
      return zodIssues(
        { issues: parsed.error.issues.filter((i) => i.code === 'unrecognized_keys') },
        [],
        pipelineSettingsSchema,
      ).map((issue) => formatIssue(`profiles.${name}`, issue, profile));
    });
}

/** The matrix's own jurisdictions, checked, with the built-in ones: the table deployments are checked against. */
function matrixJurisdictions(own: unknown, problems: string[]): Record<string, Jurisdiction> {
  if (own === undefined) return jurisdictionTable();
  if (!isPlainObject(own)) {
    problems.push(
      `jurisdictions: ${JSON.stringify(own)} — an object of jurisdictions by code, ` +
        `e.g. { DE: { name: 'Germany only', regions: ['eu-central-1'] } }`,
    );
    return jurisdictionTable();
  }
  const valid: Record<string, Jurisdiction> = {};
  for (const [code, value] of Object.entries(own)) {
    const at = `jurisdictions.${code}`;
    if (!JURISDICTION_CODE.test(code))
      problems.push(`${at} — a jurisdiction code is 2 to 8 upper-case letters, like the resources' DataResidency tag`);
    else if (code in BUILT_IN_JURISDICTIONS)
      problems.push(
        `${at} — ${code} is built in (${BUILT_IN_JURISDICTIONS[code].regions.join(', ')}); give yours ` +
          `another code, e.g. ${code}X`,
      );
    const parsed = jurisdictionSchema.safeParse(value);
    if (!parsed.success)
      for (const issue of zodIssues(parsed.error, [], jurisdictionSchema)) problems.push(formatIssue(at, issue, value));
    else if (JURISDICTION_CODE.test(code) && !(code in BUILT_IN_JURISDICTIONS)) valid[code] = parsed.data;
  }
  return jurisdictionTable(valid);
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key),
    '',
  );
}

function formatIssue(label: string, issue: Issue, root: unknown): string {
  const value = valueAt(root, issue.path);
  const shown = value === undefined ? '(missing)' : JSON.stringify(value);
  return `${label} ${formatPath(issue.path) || '(deployment)'}: ${shown} — ${issue.message}`;
}

/** The settings of one deployment, validated section by section so one bad section hides no other, and resolved. */
function settingsIssues(raw: unknown): { settings?: PipelineSettings; issues: Issue[] } {
  const parsed = pipelineSettingsSchema.safeParse(raw);
  const sectionRules = Object.entries(SECTION_RULES) as [keyof PipelineSettingsInput, (value: unknown) => Issue[]][];
  if (parsed.success) {
    const s = parsed.data;
    const issues = sectionRules.flatMap(([key, rule]) => rule(s[key]));
    const resolved = resolveSettings(s);
    if ('settings' in resolved)
      return { settings: resolved.settings, issues: [...issues, ...crossSectionRules(resolved.settings)] };
    // A crawler that does not match the mode: every other problem still surfaces, with the mode its crawler implies.
    const implied = s.crawler.recrawlBehavior === 'CRAWL_EVENT_MODE' ? 'crawler-events' : 'crawler';
    const asImplied = resolveSettings({ ...s, catalog: { ...s.catalog, mode: implied } });
    return {
      issues: [...issues, resolved.issue, ...('settings' in asImplied ? crossSectionRules(asImplied.settings) : [])],
    };
  }
  const issues = zodIssues(parsed.error, [], pipelineSettingsSchema);
  // Run the rules of every section that parsed on its own, so all problems surface in one pass.
  for (const [key, rule] of sectionRules) {
    const section = pipelineSettingsSchema.shape[key].safeParse((raw as Plain)?.[key]);
    if (section.success) issues.push(...rule(section.data));
  }
  return { issues };
}

/** Where the matrix came from, so problems can name the file that set a value. */
export interface MatrixSource {
  /** The override file applied to the matrix, and its content as read. */
  overrideFile?: { path: string; content: OverrideFileContent };
}

/** The parts of an override file that can set a value (see override-file.ts). */
interface OverrideFileContent {
  defaults?: Plain;
  profiles?: Record<string, Plain>;
  backend?: Plain;
  deployments?: Plain[];
  deploymentOverrides?: Record<string, Plain>;
}

const isSet = (root: unknown, path: PropertyKey[]) => path.length > 0 && valueAt(root, path) !== undefined;

/**
 * Resolves and validates every deployment; throws ConfigError listing every problem found. A problem whose value
 * comes from the shared defaults is said once, as `defaults <field>`, with the deployments it affects; a value
 * set by the override file names the file.
 */
export function resolveMatrix(matrix: MatrixConfig, source: MatrixSource = {}): ResolvedDeployment[] {
  const problems: string[] = [];
  const fromDefaults = new Map<string, string[]>();
  const resolved: ResolvedDeployment[] = [];
  const file = source.overrideFile;
  const fileNote = (set: boolean) => (set && file ? ` (set in ${file.path})` : '');
  // A deployment's problem is the shared default's when the defaults alone have it and nothing overrides the value.
  const issueKey = (issue: Issue) => `${formatPath(issue.path)}\0${issue.message}`;
  const defaultIssues = new Set(settingsIssues(matrix.defaults).issues.map(issueKey));
  const seen = new Map<string, string>();
  for (const key of Object.keys(matrix).filter((k) => !(MATRIX_FIELDS as readonly string[]).includes(k))) {
    problems.push(`matrix ${key}: ${unknownFieldMessage(key, MATRIX_FIELDS)}`);
  }
  const jurisdictions = matrixJurisdictions(matrix.jurisdictions, problems);
  problems.push(...unusedProfileFields(matrix));
  if (!PROJECT_NAME.test(matrix.project)) {
    problems.push(
      `project: ${JSON.stringify(matrix.project)} — lowercase letters, digits ` +
        `and hyphens, starting with a letter, at most 20 characters`,
    );
  }

  matrix.deployments.forEach((d, index) => {
    const label = `${d.environment ?? `deployments[${index}]`}/${d.region ?? '?'}`;
    const profileName = d.profile ?? DEPLOYMENT_DEFAULTS.profile;
    const identityRaw = {
      environment: d.environment,
      region: d.region,
      accountId: d.accountId,
      profile: profileName,
      jurisdiction: d.jurisdiction ?? DEPLOYMENT_DEFAULTS.jurisdiction,
      dataClassification: d.dataClassification ?? DEPLOYMENT_DEFAULTS.dataClassification,
      allowedRegions: d.allowedRegions ?? [...DEPLOYMENT_DEFAULTS.allowedRegions],
      regionExceptions: d.regionExceptions ?? { ...DEPLOYMENT_DEFAULTS.regionExceptions },
      ...(d.movedFrom !== undefined ? { movedFrom: d.movedFrom } : {}),
    };
    const issues: Issue[] = unknownDeploymentFields(d);
    const identity = deploymentSchema.safeParse(identityRaw);
    if (!identity.success) issues.push(...zodIssues(identity.error, [], deploymentSchema));
    else issues.push(...jurisdictionIssues(identity.data, jurisdictions, d.jurisdiction === undefined));

    const profile = matrix.profiles[profileName];
    if (!profile)
      issues.push({ path: ['profile'], message: `unknown profile; known: ${Object.keys(matrix.profiles).join(', ')}` });
    const settingsRaw = deepMerge(matrix.defaults, profile ?? {}, d.overrides ?? {});
    const { settings, issues: settingIssues } = settingsIssues(settingsRaw);
    issues.push(...settingIssues);
    if (settings) issues.push(...foreignModeSettings(settings.catalog.mode, (path) => isSet(d.overrides, path)));

    const backendRaw = mergeBackend(matrix.backend, d.backend ?? {});
    const backend = backendSchema.safeParse(backendRaw);
    if (!backend.success) issues.push(...zodIssues(backend.error, ['backend'], backendSchema));

    const root = { ...d, ...identityRaw, ...(settingsRaw as Plain), backend: backendRaw };
    if (identity.success && settings && backend.success) {
      const names = resourceNames(
        matrix.project,
        identity.data.environment,
        identity.data.region,
        identity.data.accountId,
        settings,
      );
      issues.push(...namingIssues(names, backend.data, identity.data, settings.logs.bucketAccessLogs));
      issues.push(...stateHostIssues(backend.data, identity.data));
      if (
        backend.data.type === 'cloud' &&
        backend.data.project === undefined &&
        !HCP_PROJECT_NAME.test(hcpProjectOf(matrix.project, identity.data.environment))
      ) {
        issues.push({
          path: ['backend', 'project'],
          message:
            `the default HCP Terraform project "${hcpProjectOf(matrix.project, identity.data.environment)}" ` +
            `is not 3 to 40 letters, digits, spaces, hyphens and underscores; name backend.project`,
        });
      }
      const earlier = seen.get(names.stack);
      if (earlier !== undefined) {
        issues.push({
          path: ['region'],
          message: `duplicate environment/region pair: ${earlier} already deploys stack ${names.stack}`,
        });
      } else {
        seen.set(names.stack, `deployments[${index}]`);
      }
      if (issues.length === 0) {
        const resolvedBackend =
          backend.data.type === 'cloud'
            ? {
                ...backend.data,
                project: backend.data.project ?? hcpProjectOf(matrix.project, identity.data.environment),
              }
            : backend.data;
        resolved.push({
          ...identity.data,
          project: matrix.project,
          settings,
          backend: resolvedBackend,
          names,
          jurisdictionRegions: [...(jurisdictions[identity.data.jurisdiction]?.regions ?? [])],
        });
      }
    }
    const key = `${d.environment}/${d.region}`;
    for (const issue of issues) {
      const [section, ...rest] = issue.path;
      const settingsPath = issue.path;
      const inSettings = typeof section === 'string' && section in matrix.defaults;
      const sharedDefault =
        defaultIssues.has(issueKey(issue)) && !isSet(profile, settingsPath) && !isSet(d.overrides, settingsPath);
      const sharedBackend = section === 'backend' && isSet(matrix.backend, rest) && !isSet(d.backend, rest);
      if (sharedDefault || sharedBackend) {
        const line = sharedDefault
          ? formatIssue('defaults', issue, root) + fileNote(isSet(file?.content.defaults, settingsPath))
          : formatIssue('matrix', issue, root) + fileNote(isSet(file?.content.backend, rest));
        fromDefaults.set(line, [...(fromDefaults.get(line) ?? []), label]);
        continue;
      }
      const setInFile = inSettings
        ? isSet(file?.content.deploymentOverrides?.[key], settingsPath) ||
          isSet(file?.content.profiles?.[profileName], settingsPath) ||
          (file?.content.deployments !== undefined && isSet(d.overrides, settingsPath))
        : section === 'backend'
          ? isSet(file?.content.backend, rest)
          : file?.content.deployments !== undefined;
      problems.push(formatIssue(label, issue, root) + fileNote(setInFile));
    }
  });

  problems.push(...movedFromProblems(matrix.deployments));
  problems.unshift(
    ...[...fromDefaults].map(
      ([line, labels]) =>
        `${line} (${labels.length === matrix.deployments.length ? 'every deployment' : labels.join(', ')})`,
    ),
  );
  if (matrix.deployments.length === 0) problems.push('deployments: [] — the matrix needs at least one deployment');
  if (problems.length === 0) problems.push(...crossJurisdictionAccountProblems(resolved));
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

/** The default HCP Terraform project of a deployment: one per environment. */
export const hcpProjectOf = (project: string, environment: string): string => `${project}-${environment}`;
const HCP_PROJECT_NAME = /^[A-Za-z0-9 _-]{3,40}$/;

/**
 * One AWS account applied by HCP Terraform organizations on hosts of different jurisdictions (app.terraform.io and
 * app.eu.terraform.io, say): each organization's apply roles reach the account, so apply rights in one jurisdiction's
 * organization touch the account that holds the other's data. An error unless every such deployment gives
 * `backend.crossJurisdictionAccountReason`.
 */
export function crossJurisdictionAccountProblems(deployments: ResolvedDeployment[]): string[] {
  const byAccount = new Map<string, ResolvedDeployment[]>();
  for (const d of deployments)
    if (d.backend.type === 'cloud') byAccount.set(d.accountId, [...(byAccount.get(d.accountId) ?? []), d]);
  const problems: string[] = [];
  for (const [account, ds] of byAccount) {
    const hostOf = (d: ResolvedDeployment) => (d.backend.type === 'cloud' ? d.backend.hostname : '');
    const jurisdictions = new Set(ds.map((d) => HCP_TERRAFORM_HOST_JURISDICTIONS[hostOf(d)] ?? hostOf(d)));
    if (jurisdictions.size < 2) continue;
    const unexplained = ds.filter((d) => d.backend.type === 'cloud' && !d.backend.crossJurisdictionAccountReason);
    if (unexplained.length === 0) continue;
    const who = ds
      .map(
        (d) =>
          `${d.environment}/${d.region} ` +
          `(${d.backend.type === 'cloud' ? `${d.backend.organization} on ${d.backend.hostname}` : ''})`,
      )
      .join(', ');
    problems.push(
      `account ${account} would be applied by HCP Terraform organizations on hosts ` +
        `of ${[...jurisdictions].sort().join(' and ')}: ${who}; keep each jurisdiction's ` +
        `deployments in accounts of their own, or give backend.crossJurisdictionAccountReason ` +
        `in ${unexplained.map((d) => `${d.environment}/${d.region}`).join(', ')}`,
    );
  }
  return problems;
}

/**
 * `movedFrom` names a deployment that no longer exists (one still in the matrix cannot also have moved), and only
 * one deployment can be the continuation of another.
 */
function movedFromProblems(deployments: MatrixConfig['deployments']): string[] {
  const keys = new Set(deployments.map((d) => `${d.environment}/${d.region}`));
  const claimed = new Map<string, string>();
  const problems: string[] = [];
  for (const d of deployments) {
    if (typeof d.movedFrom !== 'string') continue;
    const label = `${d.environment}/${d.region}`;
    if (keys.has(d.movedFrom))
      problems.push(
        `${label} movedFrom: ${JSON.stringify(d.movedFrom)} — ` +
          `${d.movedFrom === label ? 'names this deployment itself' : 'that deployment is still in the matrix'}` +
          `; name the environment/region it was before the move, or remove movedFrom`,
      );
    else if (claimed.has(d.movedFrom))
      problems.push(
        `${label} movedFrom: ${JSON.stringify(d.movedFrom)} — ${claimed.get(d.movedFrom)} already moved from there`,
      );
    claimed.set(d.movedFrom, label);
  }
  return problems;
}

/** State in HCP Terraform stays on a host of the deployment's jurisdiction, unless an exception gives the reason. */
function stateHostIssues(backend: BackendSettings, identity: DeploymentIdentity): Issue[] {
  if (backend.type !== 'cloud' || backend.residencyException) return [];
  const host = HCP_TERRAFORM_HOST_JURISDICTIONS[backend.hostname];
  if (host === undefined || host === identity.jurisdiction) return [];
  const alternative = Object.entries(HCP_TERRAFORM_HOST_JURISDICTIONS).find(
    ([, j]) => j === identity.jurisdiction,
  )?.[0];
  return [
    {
      path: ['backend', 'hostname'],
      message:
        `state of a ${identity.jurisdiction}-jurisdiction deployment would be held in ${host} ` +
        `(${backend.hostname}); ` +
        `${alternative ? `use an organization on ${alternative} for it (backend in the deployment), or ` : ''}` +
        `give backend.residencyException with the reason`,
    },
  ];
}

/** Names derived from the config must also be ones AWS and Terraform accept. */
function namingIssues(
  names: ResourceNames,
  backend: BackendSettings,
  identity: DeploymentIdentity,
  accessLogs: boolean,
): Issue[] {
  const issues: Issue[] = [];
  for (const problem of bucketNameProblems(names.dataBucket)) {
    issues.push({ path: ['environment'], message: `data bucket name "${names.dataBucket}" ${problem}` });
  }
  if (accessLogs) {
    for (const problem of bucketNameProblems(names.accessLogBucket)) {
      issues.push({
        path: ['logs', 'bucketAccessLogs'],
        message:
          `access log bucket name "${names.accessLogBucket}" ${problem} (a shorter project ` +
          `or environment name fits)`,
      });
    }
  }
  if (backend.type === 's3') {
    const { bucket } = backendLocation(backend, identity.environment, identity.region, identity.accountId);
    for (const problem of bucketNameProblems(bucket)) {
      issues.push({ path: ['backend', 'bucketPrefix'], message: `state bucket name "${bucket}" ${problem}` });
    }
    for (const problem of accessLogs ? bucketNameProblems(accessLogBucketOf(bucket)) : []) {
      issues.push({
        path: ['backend', 'bucketPrefix'],
        message:
          `state access log bucket name "${accessLogBucketOf(bucket)}" ${problem} (logs.bucketAccessLogs ` +
          `logs the state bucket too)`,
      });
    }
  }
  if (!/^[A-Za-z0-9_-]+$/.test(names.stack)) {
    issues.push({
      path: ['environment'],
      message: `stack name "${names.stack}" must hold only letters, digits, hyphens and underscores`,
    });
  }
  if (!ATHENA_NAME.test(names.glueDatabase)) {
    issues.push({
      path: ['environment'],
      message: `Glue database "${names.glueDatabase}" is not a name Athena accepts`,
    });
  }
  for (const role of [...Object.values(names.roles), ...Object.values(names.deployRoles), names.erasure]) {
    if (role.length > 64)
      issues.push({ path: ['environment'], message: `IAM role name "${role}" is longer than 64 characters` });
  }
  return issues;
}
