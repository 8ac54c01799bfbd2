/**
 * The project's commands as users run them — `npm run synth`, `npm run config:check`, `npm run deploy` — each a Node
 * process of its own, on inputs planted by fixtures/commands.ts, which runs them in the background from the start of
 * the test run (global-setup.js); each test reads its command's result.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeployments } from '../config';
import { commandResult } from './fixtures/commands';

// `npm run synth` runs main.ts after clearing the output; `cdktf synth` does the same through cdktf-cli.
describe('a failed synth (npm run synth)', () => {
  it(
    'exits non-zero with every problem and the file named, no stack trace, and leaves cdktf.out/ ' +
      'without stacks: an earlier synth’s output is removed, never left for a deploy to pick up',
    () => {
      const result = commandResult('failed-synth');
      const [bad, outdir] = [join(result.dir, 'bad.json'), join(result.dir, 'out')];
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires ` +
          `at least 30 days before STANDARD_IA (set in ${bad})`,
      );
      expect(result.stderr).toContain('prod/eu-central-1 firehose.bufferSizeMb: 500');
      // A misspelt field is refused with the nearest known one, not silently dropped (the region check then says US).
      expect(result.stderr).toContain(
        `prod/eu-central-1 jurisdicton: "EU" — unknown field; did you mean jurisdiction? (set in ${bad})`,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
      expect(existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')) : []).toEqual([]);
    },
  );
});

describe('the cdktf.json context key (npm run config:check)', () => {
  it(
    'config:check lists the deployments of the file cdktf.json names, with no environment ' +
      'variable set (preflight, deploy and sample-events: config/resolve.test.ts)',
    () => {
      const result = commandResult('context-config-check');
      const [tokyo] = loadDeployments(join(result.dir, 'tokyo.json'));
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`${tokyo.names.stack}  (prod/ap-northeast-1, account 123456789012)`);
    },
  );
});

describe('npm run deploy (bundled by run-ts)', () => {
  it('says each problem once, and only the deploy verdict', () => {
    const result = commandResult('placeholder-deploy');
    const stacks = loadDeployments(join(result.dir, 'placeholders.json')).map((d) => d.names.stack);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${stacks[0]}: account 222222222222 is a placeholder from ` +
        `config/matrix.ts — set your real account id before deploying`,
      `${stacks[1]}: account 222222222222 is a placeholder from ` +
        `config/matrix.ts — set your real account id before deploying`,
      'preflight failed: nothing was deployed',
    ]);
  });
});
