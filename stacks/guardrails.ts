/**
 * Organization guardrails of one deployment, generated from its configuration: a service control policy (SCP) and a
 * resource control policy (RCP) for the platform team that owns the AWS organization to attach to the deployment's
 * account (docs/operating.md, "Organization guardrails"). They hold whatever IAM inside the account says — an
 * administrator who attaches more to the apply role, a key policy that lets the account's IAM decide — and are
 * written beside the stack as `organization-guardrails.json`; the access evaluation reads them from here.
 *
 * SCPs limit the account's principals, never service-linked roles; RCPs limit what any principal may do to the
 * account's resources, for the services that support them (S3, KMS, STS, SQS, Secrets Manager): AWS Organizations user
 * guide, "Service control policies" and "Resource control policies". Each holds at most 5,120 characters (Organizations
 * quotas), checked in the tests.
 */
import { partitionOf } from '../config/aws';
import { permissionsBoundaryOf } from '../config/names';
import type { ResolvedDeployment } from '../config/resolve';
import type { PolicyDocumentJson } from '../terraform-json/policy';
import type { OrganizationGuardrailsJson } from '../terraform-json/synth-output';
import { arns, type PolicyStatement } from './iam';

/** The SCP and RCP as written beside the stack (terraform-json/synth-output.ts: GUARDRAILS_FILE, its shape). */
export type OrganizationGuardrails = OrganizationGuardrailsJson<PolicyStatement>;

/**
 * Services whose calls are global or served from us-east-1 whatever the caller's region: left out of the region
 * guardrail (AWS Organizations user guide, SCP example "Deny access to AWS based on the requested AWS Region").
 */
export const GLOBAL_SERVICE_ACTIONS = [
  'iam:*',
  'sts:*',
  'organizations:*',
  'support:*',
  'cloudfront:*',
  'route53:*',
  'budgets:*',
  'health:*',
  'trustedadvisor:*',
  'waf:*',
];

const document = (statements: PolicyStatement[]): PolicyDocumentJson<PolicyStatement> => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** The SCP and RCP of a deployment. */
export function organizationGuardrails(d: ResolvedDeployment): OrganizationGuardrails {
  const partition = partitionOf(d.region);
  const arn = arns(partition, d.region, d.accountId);
  const boundary = arn.policy(`/${permissionsBoundaryOf(d.names.stack)}`);
  const stackRoles = [...Object.values(d.names.roles), d.names.erasure].map((r) => arn.role(r)).sort();
  const deployRoles = [d.names.deployRoles.plan, d.names.deployRoles.apply].map((r) => arn.role(r));
  const bucket = arn.bucket(d.names.dataBucket);
  const stackKeys = arn.kmsKey('*');
  const regions = [d.region, ...d.allowedRegions];
  // The people who may delete versions: the erasure role and the SSO roles its policy is attached to.
  const erasers = [
    arn.role(d.names.erasure),
    `arn:${partition}:iam::${d.accountId}:role/aws-reserved/sso.amazonaws.com/*`,
  ];

  const scp: PolicyStatement[] = [
    // Whoever applies the stack, with whatever rights: its roles exist only under its boundary.
    {
      Sid: 'StackRolesOnlyUnderTheirBoundary',
      Effect: 'Deny',
      Action: [
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:AttachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:UpdateAssumeRolePolicy',
      ],
      Resource: stackRoles,
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundary } },
    },
    {
      Sid: 'StackRolesKeepTheirBoundary',
      Effect: 'Deny',
      Action: 'iam:DeleteRolePermissionsBoundary',
      Resource: stackRoles,
    },
    // The deploy roles never touch the boundary policy, whatever is attached to them; its administrator does.
    {
      Sid: 'DeployRolesNeverChangeTheBoundary',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'],
      Resource: boundary,
      Condition: { ArnLike: { 'aws:PrincipalArn': deployRoles } },
    },
    // The deployment's roles act only in its regions.
    {
      Sid: 'DeploymentRolesOnlyInItsRegions',
      Effect: 'Deny',
      NotAction: GLOBAL_SERVICE_ACTIONS,
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': regions },
        ArnLike: { 'aws:PrincipalArn': [...stackRoles, ...deployRoles] },
      },
    } as unknown as PolicyStatement,
    // Old versions of the events are deleted only by erasure.
    {
      Sid: 'OnlyErasureDeletesVersionsOfTheData',
      Effect: 'Deny',
      Action: 's3:DeleteObjectVersion',
      Resource: `${bucket}/*`,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': erasers } },
    },
    // A protected deployment's key and bucket are not deleted by anyone in the account (a change of the SCP is).
    ...(d.settings.protection.allowDestroy
      ? []
      : [
          {
            Sid: 'ProtectedKeyIsNeverDeleted',
            Effect: 'Deny' as const,
            Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
            Resource: stackKeys,
            Condition: { StringEquals: { 'aws:ResourceTag/Stack': d.names.stack } },
          },
          {
            Sid: 'ProtectedBucketIsNeverDeleted',
            Effect: 'Deny' as const,
            Action: 's3:DeleteBucket',
            Resource: bucket,
          },
        ]),
  ];
  // S3's and KMS's resource perimeter: only principals of this account (and AWS services acting for it) reach the
  // data bucket and the stack key (AWS's data perimeter RCP examples use aws:PrincipalOrgID; one account is
  // narrower, and the analysts' and operators' roles are in it).
  const outsideTheAccount = {
    StringNotEqualsIfExists: { 'aws:PrincipalAccount': d.accountId },
    BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
  };
  // An apply may re-trust a stack role (UpdateAssumeRolePolicy) to another account; its sessions would then be this
  // account's principals, past the data perimeter. So the stack's roles are assumed only from this account, the
  // accounts of the configured analyst and erasure principals, and AWS services (RCPs support STS).
  const trustedAccounts = [
    ...new Set([
      d.accountId,
      ...[...d.settings.analysts.principals, ...d.settings.erasure.principals].map((p) => p.split(':')[4]),
    ]),
  ].sort();
  const rcp: PolicyStatement[] = [
    {
      Sid: 'StackRolesAssumedOnlyFromKnownAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRole',
      Resource: stackRoles,
      Condition: {
        StringNotEqualsIfExists: { 'aws:PrincipalAccount': trustedAccounts },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    },
    // Only the guest role is for web identities (Cognito's anonymous app users): an apply that re-trusts another stack
    // role to Cognito and hands it to the identity pool would give every app user that role's reads.
    {
      Sid: 'OnlyTheGuestRoleForWebIdentities',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Resource: stackRoles.filter((r) => r !== arn.role(d.names.roles.ingestion)),
    },
    {
      Sid: 'DataBucketOnlyFromItsAccount',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket, `${bucket}/*`],
      Condition: outsideTheAccount,
    },
    {
      Sid: 'StackKeyOnlyFromItsAccount',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: stackKeys,
      Condition: { ...outsideTheAccount, StringEquals: { 'aws:ResourceTag/Stack': d.names.stack } },
    },
  ];
  return { scp: document(scp), rcp: document(rcp) };
}
