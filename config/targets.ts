/**
 * Every stack the matrix produces, with the account and region it deploys into — what `preflight` and the
 * deploy wrapper check credentials against. Pure config: no constructs are built here.
 */
import { accessLogBucketOf, backendLocation, bootstrapStackName } from './names';
import type { ResolvedDeployment } from './resolve';

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
  /** Whether destroy may delete the bucket and its key: only when every stack it holds state for allows destroy. */
  allowDestroy: boolean;
  /**
   * Server access logs of the state bucket into `<bucket>-access-logs`, kept the longest retention any of its
   * deployments asks for: on when any of them turns `logs.bucketAccessLogs` on. Null: off.
   */
  accessLogs: { bucket: string; retentionDays: number } | null;
}

/** One bootstrap target per account × region whose deployments keep state in S3. */
export function bootstrapTargets(deployments: ResolvedDeployment[]): BootstrapTarget[] {
  const targets = new Map<string, BootstrapTarget>();
  for (const d of deployments) {
    if (d.backend.type !== 's3') continue;
    const id = bootstrapStackName(d.project, d.accountId, d.region);
    const { bucket } = backendLocation(d.backend, d.environment, d.region, d.accountId);
    const target = targets.get(id) ?? { project: d.project, accountId: d.accountId, region: d.region, bucket, noncurrentVersionExpirationDays: 0, stacks: [], environments: [], jurisdictions: [], allowDestroy: true, accessLogs: null };
    target.noncurrentVersionExpirationDays = Math.max(target.noncurrentVersionExpirationDays, d.backend.noncurrentVersionExpirationDays);
    target.allowDestroy &&= d.settings.protection.allowDestroy;
    if (d.settings.logs.bucketAccessLogs) target.accessLogs = { bucket: accessLogBucketOf(bucket), retentionDays: Math.max(target.accessLogs?.retentionDays ?? 0, d.settings.logs.retentionDays) };
    target.stacks.push(d.names.stack);
    target.environments = [...new Set([...target.environments, d.environment])].sort();
    target.jurisdictions = [...new Set([...target.jurisdictions, d.jurisdiction])].sort();
    targets.set(id, target);
  }
  return [...targets.values()];
}

export interface StackTarget {
  stack: string;
  kind: 'telemetry' | 'bootstrap';
  accountId: string;
  region: string;
  /** Where its runs execute, when not on this machine: its HCP Terraform organization/workspace on that host. */
  remoteRun?: { hostname: string; workspace: string };
}

/** Telemetry stacks first, then the bootstrap stacks, in matrix order. */
export function stackTargets(deployments: ResolvedDeployment[]): StackTarget[] {
  return [
    ...deployments.map((d) => ({
      stack: d.names.stack,
      kind: 'telemetry' as const,
      accountId: d.accountId,
      region: d.region,
      ...(d.backend.type === 'cloud' && d.backend.executionMode !== 'local' ? { remoteRun: { hostname: d.backend.hostname, workspace: `${d.backend.organization}/${backendLocation(d.backend, d.environment, d.region, d.accountId).workspace}` } } : {}),
    })),
    ...bootstrapTargets(deployments).map((t) => ({ stack: bootstrapStackName(t.project, t.accountId, t.region), kind: 'bootstrap' as const, accountId: t.accountId, region: t.region })),
  ];
}
