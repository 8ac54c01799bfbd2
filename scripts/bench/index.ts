/**
 * `npm run bench [-- --runs N] [-- --quick]`: synth and test-suite figures for the performance budget.
 *   - the app process (node scripts/run-ts.js main.ts) for generated matrices of 3, 16 and 64 stacks:
 *     median and spread of wall time, peak RSS, time per stack;
 *   - where a synth's time goes (module loading, config, construct tree, policy checks, JSON writing);
 *   - the whole `npx cdktf synth` of the default matrix (cdktf-cli included) beside `npm run synth`;
 *   - `npm test` (jest): wall time and peak RSS of the whole process tree, beside the same tests under the cdktf
 *     template's Jest set-up (naive-template.ts), and over generated matrices of 3, 8 and 16 deployments;
 *   - the erasure's hot path (scripts/bench/erasure.ts): MB/s of compressed input and of JSON on one core.
 * Figures are printed, never asserted. Budget: app ≤ 1 s and < 250 MB; cdktf synth ≤ 2.5 s; tests ≤ 8 s and ≤ 0.45 of
 * the naive template's time, growing no faster than linearly with the matrix (issue 34), < 1 GB.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_REGIONS } from '../../config/aws';
import { jurisdictionsOfRegion } from '../../config/jurisdictions';
import { engineCli } from '../../stacks/engine';
import { writeNaiveTemplateConfig } from './naive-template';
import { commandLine, isEntryPoint, usage, type CommandSpec } from '../cli';

const root = join(__dirname, '..', '..');

interface Run {
  ms: number;
  /** Peak resident memory of the process tree, MB (sampled every 50 ms), or NaN where /proc is missing. */
  peakMb: number;
  stdout: string;
}

/** Sum of VmRSS of a process and all its descendants, in KB (Linux /proc). */
function treeRssKb(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      if (children) children.split(/\s+/).forEach((c) => visit(Number(c)));
    } catch {
      // The process ended between two reads.
    }
  };
  visit(pid);
  return total;
}

function measure(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid!))), 50);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      else resolve({ ms, peakMb: peak > 0 ? peak / 1024 : Number.NaN, stdout });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(0)} MB`);

/** An override file with `count` telemetry deployments; returns it and the number of stacks (bootstrap included). */
function generatedMatrix(count: number, dir: string): { path: string; stacks: number } {
  const environments = ['dev', 'stage', 'prod', 'perf'];
  const deployments = Array.from({ length: count }, (_, i) => {
    const region = AWS_REGIONS[Math.floor(i / environments.length) % AWS_REGIONS.length];
    return {
      environment:
        `${environments[i % environments.length]}` +
        `${Math.floor(i / (environments.length * AWS_REGIONS.length)) || ''}`,
      region,
      accountId: '333333333333',
      profile: i % 2 === 0 ? 'standard' : 'compliance',
      // Each region's own jurisdiction: a deployment outside its jurisdiction is a configuration error.
      jurisdiction: jurisdictionsOfRegion(region)[0],
    };
  });
  const path = join(dir, `matrix-${count}.json`);
  writeFileSync(path, JSON.stringify({ deployments }));
  // One state bootstrap stack per region, as in the default matrix (same account everywhere).
  return { path, stacks: count + new Set(deployments.map((d) => d.region)).size };
}

interface Row {
  label: string;
  stacks: number;
  median: number;
  min: number;
  max: number;
  peakMb: number;
}

async function series(
  label: string,
  runs: number,
  command: string,
  args: string[],
  env: Record<string, string>,
  stacks: number,
) {
  // One untimed run first: caches (the app bundle, the OS file cache) are warm for every timed run.
  await measure(command, args, env);
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure(command, args, env));
  return printRow(label, stacks, results);
}

/** One line of the table: median, spread and peak memory of the runs, and time per stack (0 stacks: none). */
function printRow(label: string, stacks: number, results: Run[]): Row {
  const times = results.map((r) => r.ms);
  const row: Row = {
    label,
    stacks,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    peakMb: Math.max(...results.map((r) => r.peakMb)),
  };
  console.log(
    `${label.padEnd(34)} ${(stacks ? String(stacks) : '—').padStart(6)}  ` +
      `${fmt(row.median).padStart(8)}  ${`${fmt(row.min)}–${fmt(row.max)}`.padStart(15)}  ` +
      `${mb(row.peakMb).padStart(8)}  ` +
      `${(stacks ? `${(row.median / stacks).toFixed(1)} ms` : '—').padStart(10)}`,
  );
  return row;
}

/**
 * The test budget (issue 34): `npm test` at most 8 s, and at most 0.45 of the naive template's time in the same run.
 */
export const TEST_BUDGET = { seconds: 8, ratioToNaiveTemplate: 0.45 } as const;

/**
 * `npm test` beside the same tests under the cdktf template's Jest set-up (naive-template.ts), run alternately so a
 * machine's drift falls on both; then `npm test` over generated matrices, for how its cost grows with the
 * configured matrix (the invariant tests run per stack; the example tests do not change).
 */
async function testFigures(runs: number, naiveRuns: number, dir: string): Promise<void> {
  const npmTest = ['test', '--silent'];
  const naiveConfig = writeNaiveTemplateConfig(dir);
  const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const naiveArgs = naiveConfig ? [jest, '--ci', '--silent', '-c', naiveConfig] : [];
  // Untimed first runs: run-ts's bundles and ts-jest's cache are warm for every timed run.
  await measure('npm', npmTest);
  if (naiveConfig) await measure(process.execPath, naiveArgs);
  const ours: Run[] = [];
  const naive: Run[] = [];
  for (let i = 0; i < Math.max(runs, naiveRuns); i++) {
    if (i < runs) ours.push(await measure('npm', npmTest));
    if (naiveConfig && i < naiveRuns) naive.push(await measure(process.execPath, naiveArgs));
  }
  const oursMs = printRow('npm test (jest)', 0, ours).median;
  let ratio: number | null = null;
  if (naiveConfig) {
    const naiveMs = printRow('same tests, cdktf template jest set-up', 0, naive).median;
    ratio = oursMs / naiveMs;
  } else console.log(`the ${engineCli()}-cli TypeScript template was not found: no naive-template figure`);
  console.log(
    `  budget: ≤ ${TEST_BUDGET.seconds} s (median here ${fmt(oursMs)}); ratio to the ` +
      `naive template ≤ ${TEST_BUDGET.ratioToNaiveTemplate} ` +
      `(here ${ratio === null ? 'n/a' : ratio.toFixed(2)}) — judged over runs on CI's machine, not one run`,
  );

  // Growth: the whole suite over generated matrices (invariant tests per stack), snapshots into a scratch folder.
  const sizes: { stacks: number; ms: number }[] = [];
  for (const size of [3, 8, 16]) {
    const matrix = generatedMatrix(size, dir);
    const env = { TELEMETRY_CONFIG: matrix.path, TELEMETRY_SNAPSHOT_DIR: join(dir, `test-snapshots-${size}`) };
    const args = ['test', '--silent', '--', '--ci=false'];
    await measure('npm', args, env);
    const results: Run[] = [];
    for (let i = 0; i < Math.max(1, Math.min(runs, 2)); i++) results.push(await measure('npm', args, env));
    sizes.push({ stacks: matrix.stacks, ms: printRow(`npm test, ${size} deployments`, matrix.stacks, results).median });
  }
  // Linear or better: the cost of each added stack does not rise with the matrix's size.
  const marginal = sizes.slice(1).map((s, i) => (s.ms - sizes[i].ms) / (s.stacks - sizes[i].stacks));
  console.log(
    `  cost per added stack: ` +
      `${marginal.map((m, i) => `${sizes[i].stacks}→${sizes[i + 1].stacks} stacks ${m.toFixed(0)} ms`).join(', ')}` +
      ` (linear or better when it does not rise with the size; one run each is noise-bound: ` +
      `judge over --runs ≥ 3)`,
  );
}

export const BENCH_COMMAND = {
  name: 'bench',
  summary:
    'Synth and test timings and memory (median and spread of several runs; matrices of 3, 16 and 64 deployments).',
  flags: {
    runs: { type: 'string', value: 'N', help: 'runs per figure (default: 5, or 2 with --quick)' },
    quick: { type: 'boolean', help: 'fewer runs, for a first look' },
  },
} satisfies CommandSpec;

async function main(): Promise<number> {
  const command = commandLine(BENCH_COMMAND, process.argv.slice(2));
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  if (values.runs !== undefined && !/^[1-9]\d{0,2}$/.test(values.runs)) {
    console.error(`--runs ${values.runs}: a whole number from 1 to 999\n${usage(BENCH_COMMAND)}`);
    return 2;
  }
  const quick = values.quick ?? false;
  const runs = Number(values.runs) || (quick ? 2 : 5);
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-bench-'));
  // The generated matrices, synth outputs and the template's Jest config (~15 MB) go when the bench ends, also when
  // stopped (Ctrl-C, SIGTERM: Node runs no 'exit' handler for a signal it does not handle).
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.once(signal, () => process.exit(code));
  const out = (name: string) => ({ CDKTF_OUTDIR: join(dir, name) });
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} ` +
      `GiB, Node ${process.version}`,
  );
  console.log(`runs per figure: ${runs} (the first run of the app also builds its cached bundle)\n`);
  console.log(
    `${'synth'.padEnd(34)} ${'stacks'.padStart(6)}  ${'median'.padStart(8)}  ` +
      `${'spread'.padStart(15)}  ${'peak RSS'.padStart(8)}  ${'per stack'.padStart(10)}`,
  );

  const app = ['scripts/run-ts.js', 'main.ts'];
  await series('app, default matrix', runs, process.execPath, app, out('default'), 6);
  const generated: Row[] = [];
  for (const size of [3, 16, 64]) {
    const matrix = generatedMatrix(size, dir);
    generated.push(
      await series(
        `app, ${size} deployments`,
        runs,
        process.execPath,
        app,
        { ...out(`m${size}`), TELEMETRY_CONFIG: matrix.path },
        matrix.stacks,
      ),
    );
  }
  // Linear means a fixed start-up plus a constant cost per stack: a least-squares line through the three sizes.
  const fit = (ys: number[]) => {
    const xs = generated.map((g) => g.stacks);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope =
      xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
    return { slope, intercept: my - slope * mx };
  };
  const time = fit(generated.map((g) => g.median));
  const memory = fit(generated.map((g) => g.peakMb));
  console.log(
    `  linear fit: ${fmt(time.intercept)} start-up + ${time.slope.toFixed(1)} ms per ` +
      `stack; ${memory.intercept.toFixed(0)} MB + ${memory.slope.toFixed(2)} MB per stack`,
  );
  await series('npm run synth (fast path)', runs, 'npm', ['run', '-s', 'synth'], out('npm'), 6);
  // The engine's CLI (`cdktf`, or `cdktn` on CDK Terrain): `npx cdktf` there would fetch the archived cdktf-cli.
  await series(`npx ${engineCli()} synth (${engineCli()}-cli)`, quick ? 1 : 3, 'npx', [engineCli(), 'synth'], {}, 6);

  console.log('\nwhere one synth of the default matrix spends its time (median of runs, ms):');
  const phases: Record<string, number>[] = [];
  for (let i = 0; i < runs; i++)
    phases.push(
      JSON.parse(
        (await measure(process.execPath, ['scripts/run-ts.js', 'scripts/bench/phases.ts'], out('phases'))).stdout
          .trim()
          .split('\n')
          .pop()!,
      ),
    );
  for (const key of Object.keys(phases[0]).filter((k) => k !== 'stacks'))
    console.log(
      `  ${key.padEnd(36)} ${median(phases.map((p) => p[key]))
        .toFixed(0)
        .padStart(6)}`,
    );

  console.log('\ntests');
  await testFigures(quick ? 1 : runs, quick ? 1 : Math.min(runs, 3), dir);
  await series('npm run typecheck (tsc --noEmit)', 1, 'npm', ['run', '-s', 'typecheck'], {}, 0);

  console.log('\nerasure hot path, one core (scripts/bench/erasure.ts; median of 5 in each of the runs below):');
  const erasure: {
    holdsTheDevice: { compressedMbPerSecond: number; jsonMbPerSecond: number };
    doesNot: { compressedMbPerSecond: number; jsonMbPerSecond: number };
    compressedMb: number;
    jsonMb: number;
    events: number;
    gzipLevel: number;
    gzipSeconds: { level1: number; level6: number };
    parquet: { mb: number; mbPerSecond: number; jsonMbPerSecond: number };
  }[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++)
    erasure.push(
      JSON.parse(
        (await measure(process.execPath, ['scripts/run-ts.js', 'scripts/bench/erasure.ts'])).stdout
          .trim()
          .split('\n')
          .pop()!,
      ),
    );
  const spread = (values: number[]) =>
    `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  const [first] = erasure;
  console.log(
    `  object: ${first.events} events, ${first.jsonMb} MB of JSON ` +
      `in ${first.compressedMb} MB of GZIP (level ${first.gzipLevel} for rewrites)`,
  );
  console.log(
    `  holding the device (rewritten): ${spread(erasure.map((e) => e.holdsTheDevice.compressedMbPerSecond))} ` +
      `MB/s compressed, ${spread(erasure.map((e) => e.holdsTheDevice.jsonMbPerSecond))} MB/s of JSON`,
  );
  console.log(
    `  not holding it (searched):      ${spread(erasure.map((e) => e.doesNot.compressedMbPerSecond))} ` +
      `MB/s compressed, ${spread(erasure.map((e) => e.doesNot.jsonMbPerSecond))} MB/s of JSON`,
  );
  console.log(
    `  compressing the rewrite: level ` +
      `1 ${spread(erasure.map((e) => e.gzipSeconds.level1 * 1000))} ms, level ` +
      `6 ${spread(erasure.map((e) => e.gzipSeconds.level6 * 1000))} ms`,
  );
  console.log(
    `  Parquet (${first.parquet.mb} MB, Snappy, DuckDB) ` +
      `rewritten: ${spread(erasure.map((e) => e.parquet.mbPerSecond))} MB/s of ` +
      `Parquet, ${spread(erasure.map((e) => e.parquet.jsonMbPerSecond))} MB/s of the same events as JSON`,
  );
  return 0;
}

if (isEntryPoint('scripts/bench/index.ts')) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
