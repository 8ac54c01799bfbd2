/**
 * The one file that reaches into `@cloud-copilot/iam-simulate` past its package root (as stacks/cdktf-internals.ts
 * does for cdktf): its evaluation core, `authorize`, called synchronously with policies loaded once.
 *
 * Why: the package's `runSimulation` is async and, for every call, matches the resource ARN against each resource
 * type of the action twice (to filter context keys we already give per request). Measured on the prod-eu-central-1
 * stack: ~1.4 s per pipeline stack warm, of which more than half was that matching; the core alone is ~10× faster,
 * and synchronous, so the model stays a plain function of the Terraform JSON. What `runSimulation` adds and this
 * file does instead: each policy is validated once (`validate*Policy` of @cloud-copilot/iam-policy), AWS's default
 * RCP (RCPFullAWSAccess) is added under every configured RCP, and context keys are given only where they apply.
 *
 * Pinned: refuses to load on any version but the one it was written against.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  loadPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  validateResourceControlPolicy,
  validateSessionPolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import type { AllowedConditionExpression, RequestAnalysis, SimulationMode } from '@cloud-copilot/iam-simulate';

/** The versions whose internals this file was written against. */
const PINNED = { '@cloud-copilot/iam-simulate': '0.1.173', '@cloud-copilot/iam-policy': '0.1.109' } as const;

/** The package's compiled folder (dist/cjs), once its installed version is the pinned one. */
function pinnedRoot(name: keyof typeof PINNED): string {
  const root = dirname(require.resolve(name));
  const { version } = JSON.parse(readFileSync(join(root, '..', '..', 'package.json'), 'utf8')) as { version: string };
  if (version !== PINNED[name])
    throw new Error(
      `model/iam-evaluator.ts was written against ${name} ${PINNED[name]} and uses its ` +
        `internals; ${version} is installed`,
    );
  return root;
}

const root = pinnedRoot('@cloud-copilot/iam-simulate');
/* eslint-disable @typescript-eslint/no-require-imports */
const { authorize } = require(join(root, 'core_engine', 'CoreSimulatorEngine.js')) as {
  authorize: (request: unknown) => RequestAnalysis;
};
const { AwsRequestImpl } = require(join(root, 'request', 'request.js')) as {
  AwsRequestImpl: new (
    principal: unknown,
    resource: { resource: string; accountId: string },
    action: string,
    context: unknown,
    wildcardOnly: boolean,
  ) => unknown;
};
const { RequestContextImpl } = require(join(root, 'requestContext.js')) as {
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
};
const { DiscoveryContextKeyConstraints } = require(join(root, 'context_keys', 'discoveryContextKeyConstraints.js')) as {
  DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown;
};

/**
 * The condition operator's parts (set operator, IfExists, base operator) memoized per operator text. The package
 * recomputes them on every condition of every request with a locale-aware comparison (`localeCompare`), which was
 * 2.2 s of a 35 s CPU profile of the test suite (2026-12-07); each is a pure function of the operator text, so the
 * answers are the package's own, computed once. A throw (an unknown set operator) is not kept: it throws again.
 */
const policyRoot = pinnedRoot('@cloud-copilot/iam-policy');
const { ConditionOperationImpl } = require(join(policyRoot, 'conditions', 'conditionOperation.js')) as {
  ConditionOperationImpl: { prototype: Record<'setOperator' | 'isIfExists' | 'baseOperator', () => unknown> };
};
for (const method of ['setOperator', 'isIfExists', 'baseOperator'] as const) {
  const original = ConditionOperationImpl.prototype[method];
  const answers = new Map<string, unknown>();
  ConditionOperationImpl.prototype[method] = function (this: { op: string }) {
    if (answers.has(this.op)) return answers.get(this.op);
    const answer = original.call(this);
    answers.set(this.op, answer);
    return answer;
  };
}

export type PolicyType = 'identity' | 'resource' | 'trust' | 'scp' | 'rcp' | 'session';

const VALIDATORS: Record<PolicyType, (policy: unknown) => { message: string }[]> = {
  identity: validateIdentityPolicy as never,
  resource: validateResourcePolicy as never,
  trust: validateTrustPolicy as never,
  scp: validateServiceControlPolicy as never,
  rcp: validateResourceControlPolicy as never,
  session: validateSessionPolicy as never,
};

const loaded = new WeakMap<object, Map<string, unknown>>();

/** A policy document validated and loaded once per document object (and kind), with a clear error when invalid. */
function load(policy: unknown, type: PolicyType, name: string, validate = true): unknown {
  const byKind = loaded.get(policy as object) ?? new Map<string, unknown>();
  loaded.set(policy as object, byKind);
  const key = `${type}\u0000${name}`;
  let result = byKind.get(key);
  if (!result) {
    const errors = validate ? VALIDATORS[type](policy) : [];
    if (errors.length) throw new Error(`invalid ${type} policy ${name}: ${errors.map((e) => e.message).join('; ')}`);
    result = loadPolicy(policy as never, { name } as never);
    byKind.set(key, result);
  }
  return result;
}

/**
 * AWS's own RCP, attached to every level of an organization and not editable (the simulator's `runSimulation` adds it
 * too, unvalidated: customers' RCPs may not Allow `*`, AWS's own does).
 */
const RCP_FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
};

/** AWS's FullAWSAccess SCP. */
const FULL_AWS_ACCESS_SCP = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export interface EvaluationInput {
  principal: string | { type: 'Anonymous' };
  action: string;
  resource: string;
  resourceAccount: string;
  context: Record<string, string | string[]>;
  /**
   * Keys whose presence and value in `context` are facts of the request, not unknowns for Discovery mode to vary
   * (what the request is, what AWS sets): absent from `context`, such a key is known to be absent.
   */
  known?: string[];
  identity: unknown[];
  resourcePolicy?: unknown;
  /** A role's trust policy is the resource policy of `sts:AssumeRole*`. */
  resourcePolicyType?: 'resource' | 'trust';
  boundary?: unknown;
  session?: unknown;
  scps?: unknown[];
  rcps?: unknown[];
  /** An S3 request to a bucket whose public access block restricts public buckets (RestrictPublicBuckets). */
  s3BlockPublicAccess?: boolean;
}

/** One request, decided by the simulator's core as AWS decides it; `conditions` is what Discovery mode needs. */
export function evaluateRequest(
  input: EvaluationInput,
  mode: SimulationMode,
): { result: RequestAnalysis['result']; conditions: AllowedConditionExpression | undefined } {
  const request = new AwsRequestImpl(
    input.principal,
    { resource: input.resource, accountId: input.resourceAccount },
    input.action,
    new RequestContextImpl(input.context),
    false,
  );
  const analysis = authorize({
    request,
    sessionPolicy: input.session ? load(input.session, 'session', 'session') : undefined,
    identityPolicies: input.identity.map((p, i) => load(p, 'identity', `identity-${i}`)),
    // Given SCPs sit beside AWS's FullAWSAccess, attached to every level unless replaced (Organizations user guide,
    // "Service control policies"): a deny-only guardrail denies what it names, not everything else.
    serviceControlPolicies: input.scps?.length
      ? [
          {
            orgIdentifier: 'r-root',
            policies: [
              load(FULL_AWS_ACCESS_SCP, 'scp', 'FullAWSAccess'),
              ...input.scps.map((p, i) => load(p, 'scp', `scp-${i}`)),
            ],
          },
        ]
      : [],
    resourceControlPolicies: [
      {
        orgIdentifier: 'r-root',
        policies: [
          load(RCP_FULL_AWS_ACCESS, 'rcp', 'RCPFullAWSAccess', false),
          ...(input.rcps ?? []).map((p, i) => load(p, 'rcp', `rcp-${i}`)),
        ],
      },
    ],
    resourcePolicy: input.resourcePolicy
      ? load(input.resourcePolicy, input.resourcePolicyType ?? 'resource', 'resource')
      : undefined,
    permissionBoundaries: input.boundary ? [load(input.boundary, 'identity', 'boundary')] : undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: mode,
      discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints(
        (input.known ?? []).map((keyName) => ({ keyName, presenceIsKnown: true, valueIsKnown: true })),
      ),
    },
    serviceSettings: { s3: { blockPublicAccess: input.s3BlockPublicAccess ?? false } },
  });
  return { result: analysis.result, conditions: analysis.conditions };
}
