/**
 * `npm run sample-events -- [--stack <stack>] [--out <dir>] [--sessions N] [--seed N] [--date YYYY-MM-DD]`
 *
 * Generates realistic telemetry from the event contract — app sessions with start/stop events and custom
 * events in between — validates every event against the stack's JSON Schema, and writes them as GZIP'd
 * newline-delimited JSON under the same Hive layout and object naming Firehose produces. The output is the
 * fixture tests (and a local Athena/DuckDB session) read. Deterministic for a given seed and date. The events are
 * telemetry-events.ts's (the e2e run and the bench use them too); this file is the command.
 */
import { join } from 'node:path';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, usage, type CommandSpec } from './cli';
import { generateEvents, validateEvents, writeFirehoseObjects } from './telemetry-events';

export const SAMPLE_EVENTS_COMMAND = {
  name: 'sample-events',
  summary:
    'Realistic events from the event contract, written as Firehose ' +
    "writes them (GZIP NDJSON in the stack's folder layout).",
  flags: {
    stack: {
      type: 'string',
      value: 'stack',
      help: 'the stack whose contract and layout to follow (default: the first pipeline stack)',
    },
    out: { type: 'string', value: 'dir', help: 'where to write (default: sample-data/<stack>)' },
    sessions: { type: 'string', value: 'N', default: '20', help: 'app sessions to generate' },
    seed: { type: 'string', value: 'N', default: '42', help: 'random seed: the same seed writes the same events' },
    date: { type: 'string', value: 'YYYY-MM-DD', help: 'the day the events happen (default: today)' },
  },
} satisfies CommandSpec;

/** Problems with the numeric and date options, each said plainly (a bad date would otherwise fail the schema). */
export function sampleOptionProblems(values: { sessions?: string; seed?: string; date?: string }): string[] {
  const problems: string[] = [];
  if (values.sessions !== undefined && !/^[1-9]\d{0,5}$/.test(values.sessions))
    problems.push(`--sessions ${values.sessions}: a whole number from 1 to 999999`);
  if (values.seed !== undefined && !/^\d{1,10}$/.test(values.seed))
    problems.push(`--seed ${values.seed}: a whole number`);
  if (values.date !== undefined) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(values.date) ? new Date(`${values.date}T00:00:00Z`) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== values.date)
      problems.push(`--date ${values.date}: invalid date, expected a real day as YYYY-MM-DD`);
  }
  return problems;
}

export function main(args: string[]): number {
  const command = commandLine(SAMPLE_EVENTS_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  const problems = sampleOptionProblems(values);
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${usage(SAMPLE_EVENTS_COMMAND)}`);
    return 2;
  }
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  const stack = values.stack ?? deployments[0].names.stack;
  const deployment = deployments.find((d) => d.names.stack === stack);
  if (!deployment) {
    console.error(`unknown stack ${stack}; known: ${deployments.map((d) => d.names.stack).join(', ')}`);
    return 1;
  }
  const events = generateEvents(deployment, {
    sessions: Number(values.sessions),
    seed: Number(values.seed),
    date: values.date,
  });
  const invalid = validateEvents(deployment, events);
  if (invalid.length > 0) {
    console.error(`${invalid.length} generated event(s) break the contract:\n${invalid.join('\n')}`);
    return 1;
  }
  const out = values.out ?? join('sample-data', stack);
  const keys = writeFirehoseObjects(deployment, events, out);
  console.log(
    `${events.length} events (all valid against the ${stack} event schema) ` +
      `in ${keys.length} objects under ${out}/${keys[0]?.split('/')[0] ?? ''}/`,
  );
  return 0;
}

if (isEntryPoint('scripts/sample-events.ts')) process.exitCode = main(process.argv.slice(2));
