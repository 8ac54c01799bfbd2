/**
 * What `npm run review -- --plan` accepts (terraform-json/plan.ts readPlanFile): only `terraform show -json` of a plan;
 * anything else is refused with exit 2, naming what it lacks, and a refused or failed review leaves the earlier
 * review in --out as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../scripts/review/index';
import { readPlanFile } from '../../terraform-json/plan';

const dir = mkdtempSync(join(tmpdir(), 'review-input-'));
const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

/** A review run with console output captured: [exit, stderr lines]. */
function review(args: string[]): [number, string[]] {
  const errors: string[] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(String(line)));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return [main(args), errors];
  } finally {
    error.mockRestore();
    log.mockRestore();
  }
}

/** An output folder holding an earlier review, and what it held. */
function earlierReview(): { out: string; before: Record<string, string> } {
  const out = join(mkdtempSync(join(tmpdir(), 'review-out-')), 'report');
  mkdirSync(out);
  writeFileSync(join(out, 'changes.md'), '# the earlier review\n');
  writeFileSync(join(out, 'changes.json'), '{"stacks":[]}\n');
  writeFileSync(join(out, 'index.html'), '<p>earlier</p>');
  const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  return { out, before };
}
const contents = (out: string) =>
  Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));

describe('review --plan accepts only a plan', () => {
  it.each([
    [
      'package.json',
      readFileSync('package.json', 'utf8'),
      new RegExp(
        'not the output of `terraform show -json <plan file>`: missing format_version, ' +
          'terraform_version, planned_values, configuration$',
      ),
    ],
    ['{}', '{}', /missing format_version, terraform_version, planned_values, configuration$/],
    [
      'a state',
      JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }),
      /missing planned_values, configuration \(it has `values`: the JSON of a state, not of a plan\)$/,
    ],
    ['an array', '[]', /not a Terraform plan/],
    ['not JSON', 'plan.tfplan\u0000binary', /not JSON/],
    [
      'format 2',
      JSON.stringify({ format_version: '2.0', terraform_version: '9.0.0', planned_values: {}, configuration: {} }),
      /format_version 2\.0; this review reads format 1\.x/,
    ],
    [
      'an errored plan',
      JSON.stringify({
        format_version: '1.2',
        terraform_version: '1.11.4',
        planned_values: {},
        configuration: {},
        errored: true,
      }),
      /errored part-way/,
    ],
  ])('%s: refused with exit 2, naming what is missing; the earlier review stays', (name, content, message) => {
    const plan = file(`${name.replace(/\W/g, '_')}.json`, content);
    const { out, before } = earlierReview();
    const [exit, errors] = review(['--plan', plan, '--out', out]);
    expect(exit).toBe(2);
    expect(errors).toEqual([expect.stringMatching(message)]);
    expect(errors[0].startsWith(plan)).toBe(true);
    expect(contents(out)).toEqual(before);
  });

  it('a folder with one non-plan among plans is refused as a whole, before anything is reviewed', () => {
    const folder = mkdtempSync(join(tmpdir(), 'plans-'));
    writeFileSync(join(folder, 'a.json'), '{}');
    writeFileSync(
      join(folder, 'b.json'),
      JSON.stringify({
        format_version: '1.2',
        terraform_version: '1.11.4',
        planned_values: { root_module: {} },
        configuration: {},
      }),
    );
    const { out, before } = earlierReview();
    const [exit, errors] = review(['--plan', folder, '--out', out]);
    expect([exit, errors]).toEqual([
      2,
      [expect.stringMatching(/a\.json: not the output of `terraform show -json <plan file>`/)],
    ]);
    expect(contents(out)).toEqual(before);
  });

  it('no plan there: exit 2, nothing written', () => {
    const { out, before } = earlierReview();
    expect(review(['--plan', join(dir, 'missing.json'), '--out', out])[0]).toBe(2);
    expect(contents(out)).toEqual(before);
  });

  it('a plan is accepted: the review replaces the earlier one whole', () => {
    const plan = file(
      'empty-plan.json',
      JSON.stringify({
        format_version: '1.2',
        terraform_version: '1.11.4',
        planned_values: { root_module: { resources: [] } },
        configuration: {},
      }),
    );
    expect(readPlanFile(plan)).toHaveProperty('plan');
    const { out } = earlierReview();
    const [exit] = review(['--plan', plan, '--out', out, '--from', join(dir, 'no-synth')]);
    expect(exit).toBe(0);
    expect(readFileSync(join(out, 'changes.md'), 'utf8')).not.toContain('the earlier review');
    expect(existsSync(join(out, 'changes.json'))).toBe(true);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('staging'))).toEqual([]);
  });
});
