/**
 * The HCP Terraform path on the tests' example matrix switched to a cloud backend (the EU deployment in an HCP Europe
 * organization): trust stacks, workspaces stacks, and the deploy permissions generated from each pipeline stack.
 */
import { Testing } from 'cdktf';
import { workspacesStackName } from '../../config/names';
import { resolveMatrix } from '../../config/resolve';
import { authorizesNoResource } from '../../stacks/iam-catalogue';
import { deployPermissions, TAG_ON_CREATE, UnknownResourceTypeError } from '../../stacks/deploy-permissions';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { buildMatrix } from '../../stacks/matrix';
import type { PolicyStatement } from '../../stacks/iam';
import { hcpMatrix, synthKept } from '../helpers';

const matrix = hcpMatrix({ project: 'mobile-telemetry' });
const deployments = resolveMatrix(matrix);
const app = Testing.app();
const { all, telemetry } = buildMatrix(app, deployments);
// Every stack synthesized once, pipelines first, as main.ts writes them: the trust stacks read the pipelines kept.
const synthesized = new Map(all.map((s) => [s.node.id, synthKept(s)]));
const json = (id: string) =>
  JSON.parse(synthesized.get(id)!) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    terraform: Record<string, unknown>;
  };
const named = <T extends Record<string, unknown>>(
  tf: ReturnType<typeof json>,
  type: string,
  attribute: string,
  value: string,
) => Object.values(tf.resource[type] ?? {}).find((r) => r[attribute] === value) as T | undefined;

describe('stacks of a cloud backend', () => {
  it('a trust stack per account and a workspaces stack per organization; no state bootstrap stacks', () => {
    expect(all.map((s) => s.node.id)).toEqual([
      ...telemetry.map((t) => t.node.id),
      'telemetry-trust-111111111111',
      'telemetry-trust-222222222222',
      'telemetry-workspaces-app-acme-telemetry',
      'telemetry-workspaces-app-eu-acme-telemetry-eu',
    ]);
  });
});

describe.each(deployments.map((d) => [d.names.stack, d] as const))('%s', (_stack, d) => {
  const host = d.jurisdiction === 'EU' ? 'app.eu.terraform.io' : 'app.terraform.io';
  const organization = d.jurisdiction === 'EU' ? 'acme-telemetry-eu' : 'acme-telemetry';
  const workspace = `ios-telemetry-${d.environment}-${d.region}`;
  const trust = json(`telemetry-trust-${d.accountId}`);

  it.each(['plan', 'apply'] as const)(
    'its %s role is assumable only by a token of its organization, project, workspace and run phase',
    (phase) => {
      const role = named<{ assume_role_policy: string }>(
        trust,
        'aws_iam_role',
        'name',
        `${d.names.stack}-deploy-${phase}`,
      )!;
      const [statement, ...others] = JSON.parse(role.assume_role_policy).Statement;
      expect(others).toEqual([]);
      expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
      const provider = Object.entries(trust.resource.aws_iam_openid_connect_provider).find(
        ([, p]) => p.url === `https://${host}`,
      )!;
      expect(provider[1].client_id_list).toEqual(['aws.workload.identity']);
      expect(statement.Principal).toEqual({ Federated: `\${aws_iam_openid_connect_provider.${provider[0]}.arn}` });
      expect(statement.Condition).toEqual({
        StringEquals: {
          [`${host}:aud`]: 'aws.workload.identity',
          [`${host}:sub`]:
            `organization:${organization}:project:mobile-telemetry:` + `workspace:${workspace}:run_phase:${phase}`,
        },
      });
    },
  );

  it(
    'its workspace is in the project, never auto-applies, runs from ' +
      'its folder, and its credential variables name its roles',
    () => {
      const ws = json(`telemetry-workspaces-${host.replace('.terraform.io', '').replace('.', '-')}-${organization}`);
      const [address, w] = Object.entries(ws.resource.tfe_workspace).find(([, w]) => w.name === workspace)!;
      expect(w).toMatchObject({ auto_apply: false, working_directory: `cdktf.out/stacks/${d.names.stack}` });
      const project = Object.entries(ws.resource.tfe_project).find(([, p]) => p.name === 'mobile-telemetry')!;
      expect(w.project_id).toBe(`\${tfe_project.${project[0]}.id}`);
      const variables = Object.fromEntries(
        Object.values(ws.resource.tfe_variable)
          .filter((v) => v.workspace_id === `\${tfe_workspace.${address}.id}`)
          .map((v) => [v.key, v]),
      );
      expect(Object.keys(variables).sort()).toEqual([
        'TFC_AWS_APPLY_ROLE_ARN',
        'TFC_AWS_PLAN_ROLE_ARN',
        'TFC_AWS_PROVIDER_AUTH',
      ]);
      expect(variables.TFC_AWS_PROVIDER_AUTH).toMatchObject({ value: 'true', category: 'env' });
      for (const phase of ['plan', 'apply'] as const) {
        expect(named(trust, 'aws_iam_role', 'name', `${d.names.stack}-deploy-${phase}`)).toBeDefined();
        expect(variables[`TFC_AWS_${phase.toUpperCase()}_ROLE_ARN`]).toMatchObject({
          category: 'env',
          value: `arn:aws:iam::${d.accountId}:role/${d.names.stack}-deploy-${phase}`,
        });
      }
      const settings = Object.values(ws.resource.tfe_workspace_settings).find(
        (s) => s.workspace_id === `\${tfe_workspace.${address}.id}`,
      );
      expect(settings).toMatchObject({ execution_mode: 'remote' });
    },
  );

  it('its roles carry the deploy policies generated from its stack, and the cloud block names the project', () => {
    const stack = telemetry.find((t) => t.node.id === d.names.stack)!;
    const policies = Object.values(trust.resource.aws_iam_role_policy);
    const generated = stack.deployPermissions();
    for (const phase of ['plan', 'apply'] as const) {
      const role = Object.entries(trust.resource.aws_iam_role).find(
        ([, r]) => r.name === `${d.names.stack}-deploy-${phase}`,
      )![0];
      const policy = policies.find((p) => p.role === `\${aws_iam_role.${role}.name}`)!;
      expect(JSON.parse(String(policy.policy)).Statement).toEqual(generated[phase]);
    }
    expect(json(d.names.stack).terraform.cloud).toMatchObject({
      hostname: host,
      organization,
      workspaces: { name: workspace, project: 'mobile-telemetry' },
    });
  });
});

describe('workspaces stacks are named by host and organization', () => {
  it('one organization name on two hosts gives two stacks', () => {
    const twoHosts = resolveMatrix({
      ...matrix,
      deployments: matrix.deployments.map((d) =>
        d.jurisdiction === 'EU'
          ? { ...d, backend: { organization: 'acme-telemetry', hostname: 'app.eu.terraform.io' } }
          : d,
      ),
    });
    expect(
      buildMatrix(Testing.app(), twoHosts)
        .all.map((s) => s.node.id)
        .filter((id) => id.includes('-workspaces-')),
    ).toEqual(['telemetry-workspaces-app-acme-telemetry', 'telemetry-workspaces-app-eu-acme-telemetry']);
    expect(workspacesStackName('telemetry', 'acme', 'tfe.example.com')).toBe(
      'telemetry-workspaces-tfe-example-com-acme',
    );
  });
});

describe('VCS-driven workspaces (backend.vcs)', () => {
  const vcs = { identifier: 'acme/telemetry-infra', branch: 'main', oauthTokenId: 'ot-abc123' };
  const withVcs = resolveMatrix({ ...matrix, backend: { ...matrix.backend, vcs } as typeof matrix.backend });

  it('each workspace follows the repository and runs only when its own stack folder changes', () => {
    const stacks = buildMatrix(Testing.app(), withVcs).all;
    for (const d of withVcs) {
      const stack =
        d.backend.type === 'cloud' ? workspacesStackName(d.project, d.backend.organization, d.backend.hostname) : '';
      const ws = JSON.parse(Testing.synth(stacks.find((s) => s.node.id === stack)!));
      const w = Object.values(ws.resource.tfe_workspace as Record<string, Record<string, unknown>>).find(
        (x) => x.name === `ios-telemetry-${d.environment}-${d.region}`,
      )!;
      expect(w).toMatchObject({
        vcs_repo: { identifier: vcs.identifier, branch: 'main', oauth_token_id: vcs.oauthTokenId },
        file_triggers_enabled: true,
        trigger_patterns: [`cdktf.out/stacks/${d.names.stack}/**/*`],
      });
    }
    const cli = JSON.parse(Testing.synth(all.find((s) => s.node.id === 'telemetry-workspaces-app-acme-telemetry')!));
    for (const w of Object.values(cli.resource.tfe_workspace as Record<string, Record<string, unknown>>))
      expect(w.vcs_repo).toBeUndefined();
  });

  it('names exactly one VCS connection', () => {
    const both = { ...vcs, githubAppInstallationId: 'ghain-1' };
    expect(() =>
      resolveMatrix({ ...matrix, backend: { ...matrix.backend, vcs: both } as typeof matrix.backend }),
    ).toThrow(/oauthTokenId or githubAppInstallationId/);
    expect(() =>
      resolveMatrix({
        ...matrix,
        backend: { ...matrix.backend, vcs: { identifier: 'acme/x' } } as typeof matrix.backend,
      }),
    ).toThrow(/oauthTokenId or githubAppInstallationId/);
  });
});

describe('deploy permissions generated from a stack', () => {
  const stack = telemetry[0];
  // The apply role's policies: inline, and its IAM statements in a managed policy of their own.
  const { plan, apply: inline, applyIam } = stack.deployPermissions();
  const apply = [...inline, ...applyIam].filter((s) => s.Effect === 'Allow');
  const actions = (statements: PolicyStatement[]) => new Set(statements.flatMap((s) => [s.Action].flat()));

  it('the plan role only reads: no action that creates, changes or deletes', () => {
    expect(
      [...actions(plan)].filter((a) =>
        new RegExp(
          ':(Create|Delete|Put|Update|Tag|Untag|Set|Attach|Detach|Pass|Enable|Disable|Schedule|' +
            'Start|Stop|Subscribe|Unsubscribe|Remove)',
        ).test(a),
      ),
    ).toEqual([]);
  });

  it(
    'both roles read a Glue table as the provider does: GetTable, then ' +
      "its partition indexes (the e2e's apply failed without)",
    () => {
      // resourceCatalogTableRead (internal/service/glue/catalog_table.go) calls GetPartitionIndexes after GetTable.
      expect(JSON.stringify(stack.toTerraform())).toContain('aws_glue_catalog_table');
      for (const role of [plan, apply])
        expect([...actions(role)]).toEqual(expect.arrayContaining(['glue:GetTable', 'glue:GetPartitionIndexes']));
    },
  );

  it('the apply role can do what the plan role can, and more', () => {
    const applying = actions(apply);
    expect([...actions(plan)].filter((a) => !applying.has(a))).toEqual([]);
    expect(applying.size).toBeGreaterThan(actions(plan).size);
  });

  it(
    '"*" only for actions AWS gives no resource type, kept to the ' +
      'stack’s region, and creating only with the stack’s tag',
    () => {
      for (const s of [...plan, ...apply].filter((s) => [s.Resource].flat().includes('*'))) {
        expect([s.Action].flat().filter((a) => !authorizesNoResource(a))).toEqual([]);
        const creates = [s.Action].flat().some((a) => a in TAG_ON_CREATE);
        expect(s.Condition).toEqual({
          StringEquals: {
            'aws:RequestedRegion': stack.deployment.region,
            ...(creates ? { 'aws:RequestTag/Stack': stack.deployment.names.stack } : {}),
          },
        });
      }
    },
  );

  it('every other resource is the stack’s own: its region or global service, its account, its names', () => {
    const { region, accountId, names } = stack.deployment;
    for (const arn of apply.flatMap((s) => [s.Resource].flat()).filter((r) => r !== '*')) {
      expect(arn).toMatch(new RegExp(`^arn:aws:(s3:::${names.dataBucket}|[a-z-]+:(${region})?:${accountId}:)`));
    }
    expect(apply.find((s) => s.Action === 'iam:PassRole')).toMatchObject({
      Resource: Object.values(names.roles)
        .filter((r) => r !== names.roles.analyst)
        .map((r) => `arn:aws:iam::${accountId}:role/${r}`)
        .sort(),
      Condition: {
        StringEquals: {
          'iam:PassedToService': ['cognito-identity.amazonaws.com', 'firehose.amazonaws.com', 'glue.amazonaws.com'],
        },
      },
    });
  });

  it('a resource type it has no permissions for stops synth instead of deploying half-right', () => {
    const env = { partition: 'aws', region: 'eu-central-1', accountId: '1' };
    expect(() =>
      deployPermissions({ resource: { aws_lambda_function: { f: { function_name: 'x' } } } }, env, 's'),
    ).toThrow(UnknownResourceTypeError);
    // A bucket policy of a bucket whose name Terraform computes: nothing to scope s3 actions to.
    expect(() =>
      deployPermissions(
        {
          resource: {
            aws_s3_bucket: { b: { bucket_prefix: 'x' } },
            aws_s3_bucket_policy: { p: { bucket: '${aws_s3_bucket.b.id}' } },
          },
        },
        env,
        's',
      ),
    ).toThrow(/no resource name of s3/);
  });

  it('leaving out an action leaves it out of both roles (the e2e plants this)', () => {
    expect(
      actions(stack.deployPermissions(['firehose:CreateDeliveryStream']).apply).has('firehose:CreateDeliveryStream'),
    ).toBe(false);
    expect(actions(stack.deployPermissions(['iam:PassRole']).applyIam).has('iam:PassRole')).toBe(false);
  });
});

describe('an account that already trusts the HCP Terraform host (backend.existingOidcProvider)', () => {
  const existing = resolveMatrix({
    ...matrix,
    backend: { ...matrix.backend, existingOidcProvider: true } as typeof matrix.backend,
  });
  const stacks = buildMatrix(Testing.app(), existing).all;
  const trust = JSON.parse(Testing.synth(stacks.find((s) => s.node.id === 'telemetry-trust-222222222222')!)) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('looks the provider up instead of creating it, so neither apply nor destroy touches it', () => {
    expect(trust.resource.aws_iam_openid_connect_provider).toBeUndefined();
    const lookups = Object.entries(trust.data?.aws_iam_openid_connect_provider ?? {});
    expect(lookups.map(([, p]) => p.url).sort()).toEqual(['https://app.eu.terraform.io', 'https://app.terraform.io']);
    for (const role of Object.values(trust.resource.aws_iam_role)) {
      const federated = JSON.parse(String(role.assume_role_policy)).Statement[0].Principal.Federated as string;
      expect(lookups.map(([address]) => `\${data.aws_iam_openid_connect_provider.${address}.arn}`)).toContain(
        federated,
      );
    }
  });

  it('refuses deployments of one account and host that disagree', () => {
    // Both prod deployments of 222222222222 on one host, one saying the provider exists, the other not.
    const oneHost = {
      organization: 'acme-telemetry',
      hostname: 'app.terraform.io',
      residencyException: 'test: one host',
      existingOidcProvider: true,
    };
    const mixed = resolveMatrix({
      ...matrix,
      deployments: matrix.deployments.map((d) => (d.jurisdiction === 'EU' ? { ...d, backend: oneHost } : d)),
    });
    const app = Testing.app();
    expect(() => buildMatrix(app, mixed).all.forEach((s) => Testing.synth(s))).toThrow(
      /disagree on backend.existingOidcProvider/,
    );
  });
});

describe('HCP Terraform projects and team access', () => {
  const teams = [
    { teamId: 'team-Approvers', access: 'write' as const },
    { teamId: 'team-Readers', access: 'read' as const },
  ];
  const perEnvironment = resolveMatrix({
    ...matrix,
    backend: { ...matrix.backend, project: undefined, teamAccess: teams } as typeof matrix.backend,
  });
  const stacks = buildMatrix(Testing.app(), perEnvironment).all;

  it('one project per environment by default, each giving exactly the configured teams their access', () => {
    for (const id of stacks.map((s) => s.node.id).filter((x) => x.includes('-workspaces-'))) {
      const ws = JSON.parse(Testing.synth(stacks.find((s) => s.node.id === id)!)) as {
        resource: Record<string, Record<string, Record<string, unknown>>>;
      };
      const projects = Object.entries(ws.resource.tfe_project);
      const environments = [
        ...new Set(
          perEnvironment
            .filter((d) => d.backend.type === 'cloud' && id.endsWith(d.backend.organization))
            .map((d) => d.environment),
        ),
      ];
      expect(projects.map(([, p]) => p.name).sort()).toEqual(environments.map((e) => `telemetry-${e}`).sort());
      for (const [address] of projects) {
        const access = Object.values(ws.resource.tfe_team_project_access).filter(
          (a) => a.project_id === `\${tfe_project.${address}.id}`,
        );
        expect(access.map((a) => [a.team_id, a.access]).sort()).toEqual(teams.map((t) => [t.teamId, t.access]));
      }
      for (const w of Object.values(ws.resource.tfe_workspace)) {
        const d = perEnvironment.find((x) => w.name === `ios-telemetry-${x.environment}-${x.region}`)!;
        expect(w.project_id).toBe(
          `\${tfe_project.${projects.find(([, p]) => p.name === `telemetry-${d.environment}`)![0]}.id}`,
        );
      }
    }
  });

  it('refuses a project whose deployments list different teams', () => {
    const conflicting = resolveMatrix({
      ...matrix,
      backend: { ...matrix.backend, teamAccess: teams } as typeof matrix.backend,
      deployments: matrix.deployments.map((d) =>
        d.region === 'us-east-1' && d.environment === 'prod'
          ? { ...d, backend: { project: 'mobile-telemetry', teamAccess: [teams[0]] } }
          : d,
      ),
    });
    expect(() => buildMatrix(Testing.app(), conflicting)).toThrow(/list different backend.teamAccess/);
  });
});

describe('the permissions a trust stack holds are its pipelines as they are when it resolves', () => {
  it(
    'each pipeline computed once per resolution of the trust stack, and ' +
      'again at the next: a pipeline changed in between shows',
    () => {
      const { all, telemetry } = buildMatrix(Testing.app(), deployments);
      const trust = all.find((s) => s.node.id === 'telemetry-trust-222222222222')!;
      const pipelines = telemetry.filter((t) => t.deployment.accountId === '222222222222');
      const computed = pipelines.map((p) => jest.spyOn(p, 'deployPermissions'));
      const before = Testing.synth(trust);
      expect(computed.map((c) => c.mock.calls.length)).toEqual(pipelines.map(() => 1));
      expect(before).not.toContain('sqs:CreateQueue');

      new SqsQueue(pipelines[0], 'added-after-a-resolution', { name: 'added-after-a-resolution' });
      const after = Testing.synth(trust);
      expect(computed.map((c) => c.mock.calls.length)).toEqual(pipelines.map(() => 2));
      expect(after).toContain('sqs:CreateQueue');
      for (const c of computed) c.mockRestore();
    },
  );
});
