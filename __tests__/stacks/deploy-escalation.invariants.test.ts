/**
 * Invariant tests: the escalations a hostile apply of a pipeline stack would try, each decided by policy evaluation
 * (iam-simulate) of the generated apply role (inline and IAM policies) and the stack's permissions boundary, for every
 * deployment of the configured matrix — and for each with the settings that widen its rights (destroy allowed, analyst
 * principals, key administrators), so no test passes only because the shipped example lacks a feature.
 */
import { Testing } from 'cdktf';
import { partitionOf } from '../../config/aws';
import type { ResolvedDeployment } from '../../config/resolve';
import { arns, type PolicyStatement } from '../../stacks/iam';
import { buildStacks } from '../../stacks/matrix';
import { evaluate, type Decision } from '../iam-evaluate';
import { CONFIGURED, describeEach } from '../fixtures/configured';
import { organizationGuardrails } from '../../stacks/guardrails';
import { dataKey, synthKept } from '../helpers';

type Variant =
  | 'as configured'
  | 'destroy allowed'
  | 'destroy refused'
  | 'with analyst and erasure principals'
  | 'with key administrators';
const variant = (d: ResolvedDeployment, v: Variant): ResolvedDeployment => {
  const admin = `arn:${partitionOf(d.region)}:iam::${d.accountId}:role/platform-key-admins`;
  const s = d.settings;
  switch (v) {
    case 'destroy allowed':
      return { ...d, settings: { ...s, protection: { ...s.protection, allowDestroy: true } } };
    case 'destroy refused':
      return { ...d, settings: { ...s, protection: { ...s.protection, allowDestroy: false } } };
    case 'with analyst and erasure principals':
      return {
        ...d,
        settings: { ...s, analysts: { principals: [admin] }, erasure: { ...s.erasure, principals: [admin] } },
      };
    case 'with key administrators':
      // The applying identity must be one of them, or KMS refuses the key policy (config/schema.ts keys).
      return {
        ...d,
        settings: {
          ...s,
          keys: {
            administrators: [
              admin,
              `arn:${partitionOf(d.region)}:iam::${d.accountId}:role/${d.names.deployRoles.apply}`,
            ],
          },
        },
      };
    default:
      return d;
  }
};
const VARIANTS: Variant[] = [
  'as configured',
  'destroy allowed',
  'destroy refused',
  'with analyst and erasure principals',
  'with key administrators',
];

const cases = CONFIGURED.flatMap((d) => VARIANTS.map((v) => ({ v, d: variant(d, v) })));

describeEach(
  'pipeline stacks',
  cases,
  ({ d, v }) => `${d.names.stack} (${v})`,
  ({ d }) => {
    const [stack] = buildStacks(Testing.app(), [d]);
    const tf = JSON.parse(synthKept(stack)) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    const permissions = stack.deployPermissions();
    const arn = arns(partitionOf(d.region), d.region, d.accountId);
    const applyRole = arn.role(d.names.deployRoles.apply);
    const planRole = arn.role(d.names.deployRoles.plan);
    const key = arn.kmsKey('0b1c2d3e-aaaa-bbbb-cccc-000000000001');
    const keyTags = { 'aws:ResourceTag/Stack': d.names.stack };
    const guest = arn.role(d.names.roles.ingestion);
    const crawler = arn.role(d.names.roles.crawler);
    const ownBoundary = permissions.boundaryArn;
    const otherBoundary = arn.policy('/telemetry-other-stack-boundary');
    const administratorAccess = `arn:${partitionOf(d.region)}:iam::aws:policy/AdministratorAccess`;
    // KMS decides with the key policy too (KMS developer guide, "Key policies"): requests on the key carry it.
    const keyPolicy = (JSON.parse(dataKey(tf)[1].policy as string) as { Statement: PolicyStatement[] }).Statement;
    const guardrails = organizationGuardrails(d);
    const asApply = (
      action: string,
      resource: string,
      context: Record<string, string | string[]> = {},
      organization = false,
    ): Promise<Decision> =>
      evaluate({
        principal: applyRole,
        action,
        resource,
        context: { 'aws:RequestedRegion': d.region, ...context },
        identity: [permissions.apply, permissions.applyIam],
        ...(resource.startsWith(arn.kmsKey('')) ? { resourcePolicy: keyPolicy } : {}),
        ...(organization
          ? {
              scps: [[{ Effect: 'Allow', Action: '*', Resource: '*' }, ...guardrails.scp.Statement]],
              rcps: [guardrails.rcp.Statement],
            }
          : {}),
      });
    const administersKey = d.settings.keys.administrators.includes(applyRole);

    it('every role of the stack carries the stack’s boundary', () => {
      const roles = Object.values(tf.resource.aws_iam_role ?? {});
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(role.permissions_boundary).toBe(ownBoundary);
    });

    it('the boundary grants nothing in IAM or STS, and only the stack’s own resources', () => {
      const actions = permissions.boundary.flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => /^(iam|sts|organizations):/.test(a))).toEqual([]);
      for (const r of permissions.boundary.flatMap((s) => [s.Resource].flat())) {
        expect(r).toMatch(
          new RegExp(`^arn:aws[a-z-]*:(s3:::${d.names.dataBucket}(/|$)|[a-z-]+:${d.region}:${d.accountId}:)`),
        );
      }
      for (const s of permissions.boundary) expect(s.Condition?.ArnLike?.['aws:PrincipalArn']).toBeDefined();
    });

    it.each([
      ['iam:CreateRole', 'without a boundary', {}],
      ['iam:CreateRole', 'with another boundary', { 'iam:PermissionsBoundary': otherBoundary }],
      ['iam:PutRolePolicy', 'without a boundary', {}],
      ['iam:PutRolePolicy', 'with another boundary', { 'iam:PermissionsBoundary': otherBoundary }],
      ['iam:AttachRolePolicy', 'without a boundary', { 'iam:PolicyARN': administratorAccess }],
      ['iam:UpdateAssumeRolePolicy', 'without a boundary', {}],
      ['iam:PutRolePermissionsBoundary', 'with another boundary', { 'iam:PermissionsBoundary': otherBoundary }],
    ] as const)('%s %s is denied, on the stack’s own role', async (action, _how, context) => {
      expect(await asApply(action, guest, context)).toBe('ExplicitlyDenied');
    });

    it('writing the stack’s roles under its own boundary is allowed (the apply still works)', async () => {
      for (const action of [
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:DeleteRolePolicy',
      ]) {
        expect(await asApply(action, guest, { 'iam:PermissionsBoundary': ownBoundary })).toBe('Allowed');
      }
    });

    it('a role outside the stack cannot be created or written, even with the boundary', async () => {
      expect(
        await asApply('iam:CreateRole', arn.role('backdoor'), { 'iam:PermissionsBoundary': ownBoundary }),
      ).not.toBe('Allowed');
      expect(await asApply('iam:PutRolePolicy', applyRole, { 'iam:PermissionsBoundary': ownBoundary })).not.toBe(
        'Allowed',
      );
    });

    it('attaching a policy outside the stack is denied; only the stack’s own policies can be attached', async () => {
      const own = Object.values(tf.resource.aws_iam_policy ?? {}).map((p) => arn.policy(`/${String(p.name)}`));
      const role = arn.role(d.names.roles.analyst);
      for (const policy of [administratorAccess, arn.policy('/someone-elses-policy'), ownBoundary]) {
        expect(
          await asApply('iam:AttachRolePolicy', role, {
            'iam:PermissionsBoundary': ownBoundary,
            'iam:PolicyARN': policy,
          }),
        ).toBe('ExplicitlyDenied');
      }
      const attaches = Object.keys(tf.resource.aws_iam_role_policy_attachment ?? {}).length > 0;
      for (const policy of own)
        expect(
          await asApply('iam:AttachRolePolicy', role, {
            'iam:PermissionsBoundary': ownBoundary,
            'iam:PolicyARN': policy,
          }),
        ).toBe(attaches ? 'Allowed' : 'ImplicitlyDenied');
    });

    it('the boundary can be neither removed from a role nor rewritten', async () => {
      expect(
        await asApply('iam:DeleteRolePermissionsBoundary', guest, { 'iam:PermissionsBoundary': ownBoundary }),
      ).toBe('ExplicitlyDenied');
      for (const action of [
        'iam:CreatePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
      ]) {
        expect(await asApply(action, ownBoundary)).toBe('ExplicitlyDenied');
      }
    });

    it(
      'a role given everything by an apply still gets only what the ' +
        'boundary lets it: the guest never reads the data',
      async () => {
        const everything: PolicyStatement[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];
        const as = (principal: string, action: string, resource: string, context: Record<string, string> = {}) =>
          evaluate({ principal, action, resource, context, identity: [everything], boundary: permissions.boundary });
        expect(await as(guest, 's3:GetObject', `${arn.bucket(d.names.dataBucket)}/data/x.json`)).toBe(
          'ImplicitlyDenied',
        );
        expect(await as(guest, 'kms:Decrypt', key, keyTags)).toBe('ImplicitlyDenied');
        expect(await as(guest, 'firehose:PutRecordBatch', arn.deliveryStream(d.names.deliveryStream))).toBe('Allowed');
        expect(await as(crawler, 'iam:CreateUser', `arn:aws:iam::${d.accountId}:user/backdoor`)).toBe(
          'ImplicitlyDenied',
        );
        expect(await as(crawler, 's3:GetObject', 'arn:aws:s3:::another-teams-bucket/secret')).toBe('ImplicitlyDenied');
        expect(await as(crawler, 's3:DeleteObjectVersion', `${arn.bucket(d.names.dataBucket)}/data/x.json`)).toBe(
          'ImplicitlyDenied',
        );
      },
    );

    it(
      'the data can be deleted by version, and its key ' + 'scheduled for deletion, only where destroy is allowed',
      async () => {
        const object = `${arn.bucket(d.names.dataBucket)}/data/year=2026/x.json`;
        const want = d.settings.protection.allowDestroy ? 'Allowed' : 'ImplicitlyDenied';
        expect(await asApply('s3:DeleteObjectVersion', object)).toBe(want);
        expect(await asApply('s3:DeleteBucket', arn.bucket(d.names.dataBucket))).toBe(want);
        // A key administrator gets ScheduleKeyDeletion from the key policy itself, which IAM cannot narrow: the
        // SCP does.
        expect(await asApply('kms:ScheduleKeyDeletion', key, keyTags)).toBe(administersKey ? 'Allowed' : want);
        if (!d.settings.protection.allowDestroy) {
          expect(await asApply('kms:ScheduleKeyDeletion', key, keyTags, true)).toBe('ExplicitlyDenied');
          expect(await asApply('s3:DeleteObjectVersion', object, {}, true)).not.toBe('Allowed');
        }
      },
    );

    it(
      'with the organization guardrails, the data and key are out of reach ' +
        'of other accounts, and the stack acts only in its regions',
      async () => {
        const outsider = `arn:${partitionOf(d.region)}:iam::999999999999:role/vendor-analytics`;
        const object = `${arn.bucket(d.names.dataBucket)}/data/year=2026/x.json`;
        // A bucket policy an apply could write, granting the outsider: the RCP still refuses.
        const hostileBucketPolicy: PolicyStatement[] = [
          { Effect: 'Allow', Principal: { AWS: outsider }, Action: 's3:GetObject', Resource: object },
        ];
        const outside = (
          action: string,
          resource: string,
          resourcePolicy: PolicyStatement[],
          context: Record<string, string> = {},
        ) =>
          evaluate({
            principal: outsider,
            action,
            resource,
            context: { 'aws:PrincipalAccount': '999999999999', ...context },
            identity: [[{ Effect: 'Allow', Action: '*', Resource: '*' }]],
            resourcePolicy,
            rcps: [guardrails.rcp.Statement],
          });
        expect(await outside('s3:GetObject', object, hostileBucketPolicy)).toBe('ExplicitlyDenied');
        const hostileKeyPolicy: PolicyStatement[] = [
          ...keyPolicy,
          { Effect: 'Allow', Principal: { AWS: outsider }, Action: 'kms:Decrypt', Resource: '*' },
        ];
        expect(await outside('kms:Decrypt', key, hostileKeyPolicy, keyTags)).toBe('ExplicitlyDenied');
        // Without the RCP, the same hostile policies would have let the outsider in: the test can fail.
        expect(
          await evaluate({
            principal: outsider,
            action: 's3:GetObject',
            resource: object,
            context: { 'aws:PrincipalAccount': '999999999999' },
            identity: [[{ Effect: 'Allow', Action: '*', Resource: '*' }]],
            resourcePolicy: hostileBucketPolicy,
          }),
        ).toBe('Allowed');
        // A stack role re-trusted to the outsider by an apply: the RCP refuses the assumption (the sessions would be
        // this account's principals, inside the data perimeter).
        const retrusted: PolicyStatement[] = [
          { Effect: 'Allow', Principal: { AWS: outsider }, Action: 'sts:AssumeRole', Resource: '*' },
        ];
        expect(
          await evaluate({
            principal: outsider,
            action: 'sts:AssumeRole',
            resource: crawler,
            context: { 'aws:PrincipalAccount': '999999999999' },
            identity: [[{ Effect: 'Allow', Action: '*', Resource: '*' }]],
            resourcePolicy: retrusted,
            rcps: [guardrails.rcp.Statement],
          }),
        ).toBe('ExplicitlyDenied');
        expect(
          await evaluate({
            principal: outsider,
            action: 'sts:AssumeRole',
            resource: crawler,
            context: { 'aws:PrincipalAccount': '999999999999' },
            identity: [[{ Effect: 'Allow', Action: '*', Resource: '*' }]],
            resourcePolicy: retrusted,
          }),
        ).toBe('Allowed');
        // The crawler re-trusted to Cognito and handed to the identity pool: app users are refused it; the guest
        // role stays theirs.
        const web = (role: string) =>
          evaluate({
            principal: 'cognito-identity.amazonaws.com',
            action: 'sts:AssumeRoleWithWebIdentity',
            resource: role,
            identity: [],
            resourcePolicy: [
              {
                Effect: 'Allow',
                Principal: { Federated: 'cognito-identity.amazonaws.com' },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Resource: '*',
              },
            ],
            rcps: [guardrails.rcp.Statement],
          });
        expect(await web(crawler)).toBe('ExplicitlyDenied');
        expect(await web(guest)).toBe('Allowed');
        const elsewhere = (['us-west-2', 'eu-west-3', 'ap-southeast-2'] as const).find(
          (r) => r !== d.region && !d.allowedRegions.includes(r),
        )!;
        expect(
          await asApply(
            'sns:CreateTopic',
            arn.snsTopic(d.names.alertTopic).replace(`:${d.region}:`, `:${elsewhere}:`),
            { 'aws:RequestedRegion': elsewhere },
            true,
          ),
        ).toBe('ExplicitlyDenied');
        expect(await asApply('iam:CreateRole', guest, { 'iam:PermissionsBoundary': ownBoundary }, true)).toBe(
          'Allowed',
        );
      },
    );

    it('the organization guardrails fit their size limits (5,120 characters each)', () => {
      for (const policy of [guardrails.scp, guardrails.rcp])
        expect(JSON.stringify(policy).length).toBeLessThanOrEqual(5120);
    });

    it(
      'CreateKey with the stack’s tags is allowed, with tagging ' + 'at creation; without them, or elsewhere, denied',
      async () => {
        const tagged = { 'aws:RequestTag/Stack': d.names.stack, 'aws:TagKeys': ['Stack'] };
        expect(await asApply('kms:CreateKey', '*', tagged)).toBe('Allowed');
        expect(await asApply('kms:TagResource', key, tagged)).toBe('Allowed');
        expect(
          await asApply('kms:CreateKey', '*', { 'aws:RequestTag/Stack': 'another-stack', 'aws:TagKeys': ['Stack'] }),
        ).toBe('ImplicitlyDenied');
        expect(await asApply('kms:CreateKey', '*')).toBe('ImplicitlyDenied');
        expect(await asApply('kms:CreateKey', '*', { ...tagged, 'kms:BypassPolicyLockoutSafetyCheck': 'true' })).toBe(
          'ExplicitlyDenied',
        );
        expect(await asApply('cognito-identity:CreateIdentityPool', '*', tagged)).toBe('Allowed');
        expect(await asApply('cognito-identity:TagResource', arn.identityPool(`${d.region}:0000-1111`), tagged)).toBe(
          'Allowed',
        );
      },
    );

    it('grants on the key only for AWS services', async () => {
      expect(await asApply('kms:CreateGrant', key, { ...keyTags, 'kms:GrantIsForAWSResource': 'true' })).toBe(
        'Allowed',
      );
      // A key administrator's key policy has no CreateGrant (KEY_ADMIN_ACTIONS): the same answer either way.
      expect(await asApply('kms:CreateGrant', key, { ...keyTags, 'kms:GrantIsForAWSResource': 'false' })).toBe(
        'ImplicitlyDenied',
      );
      expect(await asApply('kms:CreateGrant', key, keyTags)).toBe('ImplicitlyDenied');
    });

    it('the plan role can read the key through its key policy (administrators or not)', async () => {
      for (const action of [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
      ]) {
        expect(
          await evaluate({
            principal: planRole,
            action,
            resource: key,
            context: keyTags,
            identity: [permissions.plan],
            resourcePolicy: keyPolicy,
          }),
        ).toBe('Allowed');
      }
      expect(
        await evaluate({
          principal: planRole,
          action: 'kms:Decrypt',
          resource: key,
          context: keyTags,
          identity: [permissions.plan],
          resourcePolicy: keyPolicy,
        }),
      ).toBe('ImplicitlyDenied');
    });
  },
);
