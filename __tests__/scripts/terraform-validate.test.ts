/** scripts/terraform-validate.sh's own arguments: checked before anything is synthesized or written. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(__dirname, '../../scripts/terraform-validate.sh');
const run = (...args: string[]) => {
  const cwd = mkdtempSync(join(tmpdir(), 'validate-args-'));
  return { ...spawnSync('bash', [script, ...args], { cwd, encoding: 'utf8' }), cwd };
};

describe('npm run validate arguments', () => {
  it('refuses an unknown option with the usage, exit 2, writing nothing', () => {
    const result = run('--bogus');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^unknown option --bogus\nusage: npm run validate -- \[--hcl\]/);
    expect(existsSync(join(result.cwd, '--bogus'))).toBe(false);
  });

  it('--help prints the usage, its flags and exit statuses, and nothing of the script itself', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').pop()).toMatch(/^Exit status:/);
    expect(result.stdout).not.toContain('set -euo pipefail');
  });

  it('takes one output directory at most', () => {
    expect(run('a', 'b').status).toBe(2);
  });
});
