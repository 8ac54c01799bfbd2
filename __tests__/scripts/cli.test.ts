/**
 * The project's command-line convention (scripts/cli.ts): every command answers --help with its usage (exit 0) and
 * refuses an unknown flag, a missing value or a stray argument with the problem and its usage (exit 2). CI runs
 * every `npm run <command> -- --help` and `-- --bogus` as users do (.ci/run).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, synthInvocation, usage, type CommandSpec } from '../../scripts/cli';

const SPEC = {
  name: 'example',
  summary: 'Does one thing.',
  args: '<stack|glob> …',
  minArgs: 1,
  maxArgs: 2,
  flags: {
    out: { type: 'string', value: 'dir', default: 'report', help: 'where to write' },
    json: { type: 'boolean', help: 'print JSON' },
    var: { type: 'string', multiple: true, help: 'repeatable' },
  },
} satisfies CommandSpec;

/** Runs commandLine with console captured: the result and what it printed to stdout and stderr. */
function run(args: string[]) {
  const out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return { result: commandLine(SPEC, args), stdout: out.mock.calls.join('\n'), stderr: err.mock.calls.join('\n') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('commandLine', () => {
  it('parses flags, defaults, repeated flags and positionals', () => {
    const { result, stderr } = run(['a', '--json', '--var', 'x=1', '--var', 'y=2', 'b']);
    expect(stderr).toBe('');
    expect(result).toEqual({
      exit: undefined,
      values: { out: 'report', json: true, var: ['x=1', 'y=2'] },
      positionals: ['a', 'b'],
    });
  });

  it.each([['--help'], ['-h']])(
    '%s prints the usage with every flag and its default, exit 0 (an unknown flag beside it is still refused)',
    (flag) => {
      const { result, stdout } = run(['--bogus', flag]);
      expect(result.exit).toBe(2);
      const help = run([flag]);
      expect(help.result.exit).toBe(0);
      expect(help.stdout).toBe(usage(SPEC));
      expect(help.stdout).toMatch(
        /^usage: npm run example -- <stack\|glob> … \[--out <dir>\] \[--json\] \[--var <value>\]/,
      );
      expect(help.stdout).toMatch(/\n {2}--out <dir> +where to write \(default: report\)\n/);
      expect(stdout).toBe('');
    },
  );

  it.each([
    [['a', '--bogus'], /^Unknown option '--bogus'/],
    [['a', '--out'], /^Option '--out <value>' argument missing/],
    [[], /^missing argument: <stack\|glob> …/],
    [['a', 'b', 'c'], /^at most 2 argument\(s\): a b c/],
  ])('refuses %j with the problem and the usage, exit 2', (args, problem) => {
    const { result, stderr } = run(args);
    expect(result.exit).toBe(2);
    expect(stderr).toMatch(problem);
    expect(stderr).toContain(`\n${usage(SPEC)}`);
  });

  it('refuses any positional of a command that takes none', () => {
    const out = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(commandLine({ name: 'none', summary: 'x', flags: {} }, ['stray']).exit).toBe(2);
      expect(out.mock.calls[0][0]).toMatch(/^unexpected argument 'stray'\nusage: npm run none --\n/);
    } finally {
      out.mockRestore();
    }
  });
});

describe('synthInvocation', () => {
  it("starts the project's own `npm run synth` through run-ts, into the folder asked, with its HCL choice", () => {
    const project = join(__dirname, '..', '..');
    const { command, args, cwd, env } = synthInvocation('/tmp/out', { projectDir: project, hcl: false });
    expect([command, args, cwd]).toEqual([
      process.execPath,
      [join(project, 'scripts', 'run-ts.js'), join(project, 'scripts', 'synth.ts')],
      project,
    ]);
    expect([env.CDKTF_OUTDIR, env.SYNTH_HCL_OUTPUT]).toEqual(['/tmp/out', 'false']);
  });

  it("runs a base commit's scripts/synth.js when it has no synth.ts (the review synthesizes older commits)", () => {
    const base = mkdtempSync(join(tmpdir(), 'synth-base-'));
    mkdirSync(join(base, 'scripts'));
    writeFileSync(join(base, 'scripts', 'synth.js'), '');
    expect(synthInvocation('/tmp/out', { projectDir: base }).args).toEqual([join(base, 'scripts', 'synth.js')]);
  });
});
