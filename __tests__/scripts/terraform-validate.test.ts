/**
 * `npm run validate` (scripts/terraform-validate.ts): its own arguments are checked before anything is synthesized or
 * written; the stack copies it validates carry no remote backend (withoutRemoteState, shared with the e2e).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../scripts/terraform-validate';
import { withoutRemoteState, type TerraformJson } from '../../terraform-json/stack-json';

/** Runs the command in a fresh folder with console captured: its exit status and what it printed. */
async function run(...args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'validate-args-'));
  const out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const status = await main(args);
    return { status, stdout: out.mock.calls.join('\n'), stderr: err.mock.calls.join('\n'), cwd };
  } finally {
    process.chdir(before);
    out.mockRestore();
    err.mockRestore();
  }
}

describe('npm run validate arguments', () => {
  it('refuses an unknown option with the usage, exit 2, writing nothing', async () => {
    const result = await run('--bogus');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^Unknown option '--bogus'.*\nusage: npm run validate -- \[cdktf.out folder\] \[--hcl\]/s,
    );
    expect(existsSync(join(result.cwd, 'cdktf.out'))).toBe(false);
  });

  it('--help prints the usage, its flags and exit statuses', async () => {
    const result = await run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run validate/);
    expect(result.stdout).toMatch(/Exit status: 0 when every stack is valid/);
    expect(result.stdout).toMatch(/--no-synth +validate the folder as it is/);
  });

  it('takes one output directory at most', async () => {
    expect((await run('a', 'b')).status).toBe(2);
  });
});

describe('withoutRemoteState', () => {
  const tf: TerraformJson = {
    terraform: { backend: { s3: { bucket: 'state', region: 'eu-central-1' } }, cloud: { organization: 'o' } },
    resource: { aws_s3_bucket: { b: { bucket: 'x' } } },
  };

  it('removes the backend and Terraform Cloud from a copy, leaving the stack as synthesized', () => {
    const copy = withoutRemoteState(tf);
    expect(copy.terraform).toEqual({});
    expect(copy.resource).toEqual(tf.resource);
    expect(tf.terraform?.backend?.s3).toBeDefined();
    expect(tf.terraform?.cloud).toBeDefined();
  });

  it('keeps the backend when asked (the e2e points an S3 backend at the emulator), never Terraform Cloud', () => {
    expect(withoutRemoteState(tf, { keepBackend: true }).terraform).toEqual({ backend: tf.terraform?.backend });
  });
});
