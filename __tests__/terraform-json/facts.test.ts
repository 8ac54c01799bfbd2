/**
 * The facts of a stack synthesized without its deployment.json (an older synth, a plan without its synth folder):
 * read back from its Terraform JSON (factsFromTags) as what the stack would have written.
 */
import { Testing } from 'cdktf';
import type { MatrixConfig } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import { factsFromTags } from '../../terraform-json/facts';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { CheckedStack } from '../../stacks/checked-stack';
import { buildMatrix } from '../../stacks/matrix';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { synthKept } from '../helpers';

const [, prodUs, prodEu] = EXAMPLE_MATRIX.deployments;
/** A pipeline with its state stack, and one run in HCP Terraform with its trust stack. */
const onHcp = (existingOidcProvider: boolean): MatrixConfig => ({
  ...EXAMPLE_MATRIX,
  deployments: [
    prodUs,
    {
      ...prodEu,
      backend: {
        type: 'cloud',
        organization: 'acme-eu',
        workspacePrefix: 'telemetry',
        hostname: 'app.eu.terraform.io',
        existingOidcProvider,
      },
    },
  ],
});

describe.each([
  ['the trust stack creating the OIDC provider', onHcp(false)],
  ['the trust stack reading an existing OIDC provider', onHcp(true)],
])('every AWS stack of a matrix with %s', (_, matrix) => {
  const stacks = buildMatrix(Testing.app(), resolveMatrix(matrix)).all.filter(
    (s): s is CheckedStack => s instanceof CheckedStack,
  );

  it('has pipeline, state and trust stacks', () => {
    expect(new Set(stacks.map((s) => s.facts.role))).toEqual(new Set(['pipeline', 'state', 'trust']));
  });

  it('is given, from its JSON alone, the role and place its deployment.json says', () => {
    for (const stack of stacks) {
      const facts = factsFromTags(stack.node.id, JSON.parse(synthKept(stack)) as TerraformJson);
      expect([stack.node.id, facts.role, facts.region, facts.account]).toEqual([
        stack.node.id,
        stack.facts.role,
        stack.facts.region,
        stack.facts.account,
      ]);
    }
  });
});
