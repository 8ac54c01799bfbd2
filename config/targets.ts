/**
 * Every stack the matrix produces, with the account and region it deploys into — what `preflight` and the
 * deploy wrapper check credentials against. Pure config: no constructs are built here.
 */
import { accessLogBucketOf, backendLocation, bootstrapStackName, trustStackName, workspacesStackName } from './names';
import type { ResolvedDeployment } from './resolve';
import type { ControlAcceptance } from './schema';

/** The account × region a state bootstrap stack serves, and the stacks whose state it holds. */
export interface BootstrapTarget {
  project: string;
  accountId: string;
  region: string;
  /** The state bucket, `<bucketPrefix>-<account>-<region>`. */
  bucket: string;
  /** Days superseded state versions are kept (the longest any of its deployments asks for). */
  noncurrentVersionExpirationDays: number;
  /** Stacks whose state lives in this bucket. */
  stacks: string[];
  /** Their environments and jurisdictions (sorted, each once). */
  environments: string[];
  jurisdictions: string[];
  /** The regions its deployments' jurisdictions all allow, and the reasons they give for this region when outside. */
  jurisdictionRegions: string[];
  regionExceptions: Record<string, string>;
  /** Whether destroy may delete the bucket and its key: only when every stack it holds state for allows destroy. */
  allowDestroy: boolean;
  /**
   * Server access logs of the state bucket into `<bucket>-access-logs`, kept the longest retention any of its
   * deployments asks for: on when any of them turns `logs.bucketAccessLogs` on. Null: off.
   */
  accessLogs: { bucket: string; retentionDays: number } | null;
  /** Deploy roles of its stacks, for those whose backend names `deployRolePrincipals`. */
  deployRoles: { stack: string; role: string; principals: string[] }[];
  /** Control acceptances every stack it holds state for has alike (`acceptedByAll`). */
  acceptances: ControlAcceptance[];
}

/**
 * The control acceptances every one of these deployments has, word for word: what a stack serving them all (state,
 * trust) may report as accepted. One deployment's acceptance of an account-level control does not speak for another's.
 */
export function acceptedByAll(deployments: ResolvedDeployment[]): ControlAcceptance[] {
  const [first, ...rest] = deployments.map((d) => d.settings.controls.acceptances);
  const same = (a: ControlAcceptance) => (list: ControlAcceptance[]) =>
    list.some((b) => JSON.stringify(b) === JSON.stringify(a));
  return (first ?? []).filter((a) => rest.every(same(a)));
}

/** One bootstrap target per account × region whose deployments keep state in S3. */
export function bootstrapTargets(deployments: ResolvedDeployment[]): BootstrapTarget[] {
  const targets = new Map<string, BootstrapTarget>();
  for (const d of deployments) {
    if (d.backend.type !== 's3') continue;
    const id = bootstrapStackName(d.project, d.accountId, d.region);
    const { bucket } = backendLocation(d.backend, d.environment, d.region, d.accountId);
    const target = targets.get(id) ?? {
      project: d.project,
      accountId: d.accountId,
      region: d.region,
      bucket,
      noncurrentVersionExpirationDays: 0,
      stacks: [],
      environments: [],
      jurisdictions: [],
      jurisdictionRegions: [...d.jurisdictionRegions],
      regionExceptions: {},
      allowDestroy: true,
      accessLogs: null,
      deployRoles: [],
      acceptances: [],
    };
    if (d.backend.deployRolePrincipals?.length)
      target.deployRoles.push({
        stack: d.names.stack,
        role: d.names.deployRoles.apply,
        principals: d.backend.deployRolePrincipals,
      });
    target.noncurrentVersionExpirationDays = Math.max(
      target.noncurrentVersionExpirationDays,
      d.backend.noncurrentVersionExpirationDays,
    );
    target.allowDestroy &&= d.settings.protection.allowDestroy;
    if (d.settings.logs.bucketAccessLogs)
      target.accessLogs = {
        bucket: accessLogBucketOf(bucket),
        retentionDays: Math.max(target.accessLogs?.retentionDays ?? 0, d.settings.logs.retentionDays),
      };
    target.stacks.push(d.names.stack);
    target.environments = [...new Set([...target.environments, d.environment])].sort();
    target.jurisdictions = [...new Set([...target.jurisdictions, d.jurisdiction])].sort();
    target.jurisdictionRegions = target.jurisdictionRegions.filter((r) => d.jurisdictionRegions.includes(r));
    const reason = d.regionExceptions[d.region];
    if (reason)
      target.regionExceptions[d.region] = [target.regionExceptions[d.region], reason].filter(Boolean).join('; ');
    targets.set(id, target);
  }
  return [...targets.values()].map((t) => ({
    ...t,
    acceptances: acceptedByAll(deployments.filter((d) => t.stacks.includes(d.names.stack))),
  }));
}

/** One pipeline stack run by HCP Terraform: where its workspace is, and the roles its plan and apply phases assume. */
export interface CloudWorkspace {
  stack: string;
  environment: string;
  hostname: string;
  organization: string;
  /** HCP Terraform project of the workspace. */
  project: string;
  workspace: string;
  executionMode: 'remote' | 'local';
  accountId: string;
  region: string;
  planRole: string;
  applyRole: string;
  /** The repository VCS-driven runs come from (backend.vcs). */
  vcs?: Extract<ResolvedDeployment['backend'], { type: 'cloud' }>['vcs'];
  /** The account's OIDC provider for the host exists already (backend.existingOidcProvider): looked up, not made. */
  existingOidcProvider: boolean;
  /** Teams with access to its project (backend.teamAccess). */
  teamAccess: { teamId: string; access: string }[];
}

/** The pipeline stacks whose state and runs are in HCP Terraform, in matrix order. */
export function cloudWorkspaces(deployments: ResolvedDeployment[]): CloudWorkspace[] {
  return deployments.flatMap((d) =>
    d.backend.type === 'cloud'
      ? [
          {
            stack: d.names.stack,
            environment: d.environment,
            hostname: d.backend.hostname,
            organization: d.backend.organization,
            project: d.backend.project,
            workspace: backendLocation(d.backend, d.environment, d.region, d.accountId).workspace,
            executionMode: d.backend.executionMode ?? 'remote',
            accountId: d.accountId,
            region: d.region,
            planRole: d.names.deployRoles.plan,
            applyRole: d.names.deployRoles.apply,
            ...(d.backend.vcs ? { vcs: d.backend.vcs } : {}),
            existingOidcProvider: d.backend.existingOidcProvider ?? false,
            teamAccess: d.backend.teamAccess ?? [],
          },
        ]
      : [],
  );
}

/**
 * The trust stack of one account: its OIDC provider per HCP Terraform host and the deploy roles of its cloud-run
 * stacks. IAM is global; the stack's provider points at the region of the account's first such stack.
 */
export interface TrustTarget {
  stack: string;
  project: string;
  accountId: string;
  region: string;
  workspaces: CloudWorkspace[];
  /** Control acceptances every stack it serves has alike (`acceptedByAll`). */
  acceptances: ControlAcceptance[];
}

/** The cloud-run workspaces grouped by `key`, each group made into a target by `make` (in matrix order). */
function groupWorkspaces<T extends { workspaces: CloudWorkspace[] }>(
  deployments: ResolvedDeployment[],
  key: (w: CloudWorkspace) => string,
  make: (first: CloudWorkspace, project: string) => T,
): T[] {
  const targets = new Map<string, T>();
  const project = deployments[0]?.project ?? '';
  for (const w of cloudWorkspaces(deployments)) {
    const target = targets.get(key(w)) ?? make(w, project);
    target.workspaces.push(w);
    targets.set(key(w), target);
  }
  return [...targets.values()];
}

export function trustTargets(deployments: ResolvedDeployment[]): TrustTarget[] {
  const targets = groupWorkspaces<TrustTarget>(
    deployments,
    (w) => w.accountId,
    (w, project) => ({
      stack: trustStackName(project, w.accountId),
      project,
      accountId: w.accountId,
      region: w.region,
      workspaces: [],
      acceptances: [],
    }),
  );
  return targets.map((t) => ({
    ...t,
    acceptances: acceptedByAll(deployments.filter((d) => t.workspaces.some((w) => w.stack === d.names.stack))),
  }));
}

/** The workspaces stack of one HCP Terraform organization (on its host): its project(s) and workspaces. */
export interface WorkspacesTarget {
  stack: string;
  hostname: string;
  organization: string;
  workspaces: CloudWorkspace[];
}

export function workspacesTargets(deployments: ResolvedDeployment[]): WorkspacesTarget[] {
  return groupWorkspaces(
    deployments,
    (w) => `${w.hostname}/${w.organization}`,
    (w, project) => ({
      stack: workspacesStackName(project, w.organization, w.hostname),
      hostname: w.hostname,
      organization: w.organization,
      workspaces: [],
    }),
  );
}

export interface StackTarget {
  stack: string;
  /** A pipeline; a state bucket (bootstrap); an account's trust in HCP Terraform; an organization's workspaces. */
  kind: 'telemetry' | 'bootstrap' | 'trust' | 'workspaces';
  /** The AWS account and region it deploys into; empty for a workspaces stack, which deploys into HCP Terraform. */
  accountId: string;
  region: string;
  /** Where its runs execute, when not on this machine: its HCP Terraform organization/workspace on that host. */
  remoteRun?: { hostname: string; workspace: string };
  /** A workspaces stack's organization and host (its provider needs a token of that organization). */
  hcpOrganization?: { hostname: string; organization: string };
}

/** Telemetry stacks first, then the bootstrap, trust and workspaces stacks, in matrix order. */
export function stackTargets(deployments: ResolvedDeployment[]): StackTarget[] {
  return [
    ...deployments.map((d) => ({
      stack: d.names.stack,
      kind: 'telemetry' as const,
      accountId: d.accountId,
      region: d.region,
      ...(d.backend.type === 'cloud' && d.backend.executionMode !== 'local'
        ? {
            remoteRun: {
              hostname: d.backend.hostname,
              workspace:
                `${d.backend.organization}/` +
                `${backendLocation(d.backend, d.environment, d.region, d.accountId).workspace}`,
            },
          }
        : {}),
    })),
    ...bootstrapTargets(deployments).map((t) => ({
      stack: bootstrapStackName(t.project, t.accountId, t.region),
      kind: 'bootstrap' as const,
      accountId: t.accountId,
      region: t.region,
    })),
    ...trustTargets(deployments).map((t) => ({
      stack: t.stack,
      kind: 'trust' as const,
      accountId: t.accountId,
      region: t.region,
    })),
    ...workspacesTargets(deployments).map((t) => ({
      stack: t.stack,
      kind: 'workspaces' as const,
      accountId: '',
      region: '',
      hcpOrganization: { hostname: t.hostname, organization: t.organization },
    })),
  ];
}
