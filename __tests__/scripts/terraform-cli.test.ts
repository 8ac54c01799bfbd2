/**
 * The one Terraform runner (scripts/terraform-cli.ts): the probe the commands skip on, and the plan `npm run drift`
 * reads from `terraform show -json`, checked by the same parsePlan as `review --plan`'s files — each run against a
 * stand-in `terraform` on the PATH it is given.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftOf, SHOW_PLAN } from '../../scripts/stack-drift';
import { terraformAvailable } from '../../scripts/terraform-cli';
import { parsePlan, readPlanFile } from '../../terraform-json/plan';

/** An environment whose PATH holds only a `terraform` running `script` (a POSIX shell body), or none at all. */
function withTerraform(script?: string): NodeJS.ProcessEnv {
  const bin = mkdtempSync(join(tmpdir(), 'fake-terraform-'));
  if (script !== undefined) {
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'terraform'), 0o755);
  }
  return { ...process.env, PATH: `${bin}:/bin:/usr/bin` };
}

describe('terraformAvailable', () => {
  it('is true when `terraform version` answers, false when it is missing or fails', async () => {
    expect(await terraformAvailable(withTerraform('echo "Terraform v1.11.4"'))).toBe(true);
    expect(await terraformAvailable(withTerraform())).toBe(false);
    expect(await terraformAvailable(withTerraform('echo broken >&2; exit 1'))).toBe(false);
  });
});

describe('a text that is not a plan is refused the same way by review --plan (a file) and drift (show -json)', () => {
  const plan = { format_version: '1.2', terraform_version: '1.11.4', planned_values: {}, configuration: {} };
  it.each([
    ['a state', JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: {} }), /JSON of a state/],
    ['{}', '{}', /missing format_version, terraform_version, planned_values, configuration$/],
    ['not JSON', 'Error: something', /not JSON/],
    ['an errored plan', JSON.stringify({ ...plan, errored: true }), /errored part-way/],
    ['format 2', JSON.stringify({ ...plan, format_version: '2.0' }), /format_version 2\.0/],
  ])('%s', async (_name, text, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'not-a-plan-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, text);
    const fromFile = readPlanFile(file);
    expect(fromFile).toEqual({ error: expect.stringMatching(reason) });
    expect(fromFile).toEqual(parsePlan(text, file));

    // drift: init is skipped (.terraform exists), plan succeeds, show prints the text (a warning on stderr beside it).
    const stack = join(dir, 'stack');
    mkdirSync(join(stack, '.terraform'), { recursive: true });
    const env = withTerraform(`[ "$1" = show ] && { cat '${file}'; echo 'Warning: x' >&2; }; exit 0`);
    const drift = await driftOf('s', stack, env);
    const shown = parsePlan(text, SHOW_PLAN);
    expect('error' in shown && shown.error.replace(SHOW_PLAN, file)).toBe('error' in fromFile && fromFile.error);
    expect(drift).toMatchObject({ status: 'error', error: `show: ${'error' in shown ? shown.error : ''}` });
  });

  it('a plan is read by both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'a-plan-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    expect(readPlanFile(file)).toEqual({ plan });
    const stack = join(dir, 'stack');
    mkdirSync(join(stack, '.terraform'), { recursive: true });
    const drift = await driftOf('s', stack, withTerraform(`[ "$1" = show ] && cat '${file}'; exit 0`));
    expect(drift).toMatchObject({ status: 'in sync', resources: [] });
  });
});
