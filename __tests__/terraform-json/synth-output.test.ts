import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTS_FILE, factsFromTags, stackFacts, type DeploymentFacts } from '../../terraform-json/facts';
import {
  DEPLOY_POLICY_FILE,
  GUARDRAILS_FILE,
  isSynthOutput,
  readDeployPolicy,
  readGuardrails,
  readStackJson,
  stackFolder,
  synthesizedStack,
  synthesizedStacks,
  type DeployPolicyJson,
  type OrganizationGuardrailsJson,
} from '../../terraform-json/synth-output';
import type { TerraformJson } from '../../terraform-json/stack-json';

describe('the synth output reader', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'synth-output-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const tagged: TerraformJson = {
    provider: {
      aws: [
        {
          region: 'eu-west-1',
          allowed_account_ids: ['111122223333'],
          default_tags: [
            { tags: { Project: 'p', Environment: 'dev', DataResidency: 'eu', ResidencyExceptions: 'us-east-1' } },
          ],
        },
      ],
    },
    resource: { aws_kinesis_firehose_delivery_stream: { s: {} } },
  };
  const plant = (stacks: Record<string, string>) => {
    writeFileSync(
      join(out, 'manifest.json'),
      JSON.stringify({
        stacks: Object.fromEntries(
          Object.entries(stacks).map(([name, file]) => [name, { synthesizedStackPath: `stacks/${name}/${file}` }]),
        ),
      }),
    );
    for (const [name, file] of Object.entries(stacks)) {
      mkdirSync(join(out, 'stacks', name), { recursive: true });
      writeFileSync(join(out, 'stacks', name, file), JSON.stringify(tagged));
    }
  };

  it('is undefined for a folder without a manifest', () => {
    expect(isSynthOutput(out)).toBe(false);
    expect(synthesizedStacks(out)).toBeUndefined();
  });

  it("lists the manifest's stacks in its order, with their folders, and tells the HCL form from the JSON", () => {
    plant({ b: 'cdk.tf.json', a: 'cdk.tf' });
    expect(isSynthOutput(out)).toBe(true);
    const stacks = synthesizedStacks(out) ?? [];
    expect(stacks.map((s) => [s.name, s.dir, s.json])).toEqual([
      ['b', join(out, 'stacks', 'b'), true],
      ['a', join(out, 'stacks', 'a'), false],
    ]);
    expect(readStackJson(stacks[0])).toEqual(tagged);
  });

  it('reads the facts written beside a stack, and falls back to its tags only without them', () => {
    plant({ s: 'cdk.tf.json' });
    const dir = join(out, 'stacks', 's');
    const fromTags = stackFacts(dir, 's', tagged);
    expect(fromTags).toEqual(factsFromTags('s', tagged));
    expect(fromTags).toMatchObject({
      role: 'pipeline',
      region: 'eu-west-1',
      account: '111122223333',
      environments: ['dev'],
      jurisdiction: 'eu',
      allowedRegions: ['us-east-1'],
    });
    expect(stackFacts(undefined, 's', tagged)).toEqual(fromTags);
    const written: DeploymentFacts = { ...fromTags, project: 'written', configured: null };
    writeFileSync(join(dir, FACTS_FILE), JSON.stringify(written));
    expect(stackFacts(dir, 's', tagged)).toEqual(written);
  });

  it('finds one stack by name, in a synth output or in its own folder, and reads the files written beside it', () => {
    plant({ p: 'cdk.tf.json', q: 'cdk.tf.json' });
    expect(synthesizedStack(out, 'q')).toEqual(synthesizedStacks(out)![1]);
    expect(synthesizedStack(out, 'missing')).toBeUndefined();
    expect(synthesizedStack(join(out, 'stacks'), 'p')).toBeUndefined();
    const p = synthesizedStack(out, 'p')!;
    expect(stackFolder(p.dir, 'p')).toEqual(p);
    expect(stackFolder(out, 'p')).toBeUndefined();

    expect([readDeployPolicy(p), readGuardrails(p)]).toEqual([undefined, undefined]);
    const document = (action: string) => ({
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    });
    const policy: DeployPolicyJson = {
      plan: document('s3:GetObject'),
      apply: document('s3:PutObject'),
      applyIam: document('iam:PassRole'),
      permissionsBoundary: document('*'),
    };
    const guardrails: OrganizationGuardrailsJson = { scp: document('s3:*'), rcp: document('kms:*') };
    writeFileSync(join(p.dir, DEPLOY_POLICY_FILE), JSON.stringify(policy));
    writeFileSync(join(p.dir, GUARDRAILS_FILE), JSON.stringify(guardrails));
    expect(readDeployPolicy(p)).toEqual(policy);
    expect(readGuardrails(p)).toEqual(guardrails);
    expect(readDeployPolicy(synthesizedStack(out, 'q')!)).toBeUndefined();
  });
});
