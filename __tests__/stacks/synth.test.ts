/**
 * The one synth path (stacks/synth.ts synthesizeChecked) serves the tools that synthesize otherwise than the app: the
 * e2e's deploy-role run (an action left out of the trust stack's apply role) and the bench (each step's time).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustTargets } from '../../config/targets';
import { resolveMatrix } from '../../config/resolve';
import { synthesizeChecked, type SynthPhase } from '../../stacks/synth';
import { readDeployPolicy, readStackJson, synthesizedStack } from '../../terraform-json/synth-output';
import { singleDeployment } from '../helpers';

const [cloudRun] = resolveMatrix({
  ...singleDeployment(),
  backend: {
    type: 'cloud',
    organization: 'acme-telemetry',
    workspacePrefix: 'ios-telemetry',
    hostname: 'app.eu.terraform.io',
    project: 'mobile-telemetry',
  },
});

it("leaves the omitted action out of the trust stack's apply role only, and tells each step's time in order", () => {
  const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'out');
  const phases: [SynthPhase, number][] = [];
  const omitted = 'firehose:CreateDeliveryStream';
  synthesizeChecked([cloudRun], {
    outdir,
    omitFromApplyRoles: [omitted],
    onPhase: (phase, ms) => phases.push([phase, ms]),
  });
  expect(phases.map(([phase]) => phase)).toEqual([
    'construct tree',
    'JSON writing (app.synth)',
    'policy checks (incl. toTerraform)',
    'publishing',
  ]);
  expect(phases.every(([, ms]) => ms >= 0)).toBe(true);
  const pipeline = synthesizedStack(outdir, cloudRun.names.stack)!;
  const trust = synthesizedStack(outdir, trustTargets([cloudRun])[0].stack)!;
  // The pipeline's own deploy policy (for whoever applies it without the trust stack) keeps it.
  expect(JSON.stringify(readDeployPolicy(pipeline)?.apply)).toContain(`"${omitted}"`);
  expect(JSON.stringify(readStackJson(trust))).not.toContain(omitted);
  expect(JSON.stringify(readStackJson(trust))).toContain('firehose:');
});
