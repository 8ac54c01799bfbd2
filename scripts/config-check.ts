/**
 * `npm run config:check [-- --json] [-- --config overrides.json]`: validates the whole matrix (with the override
 * file from --config, or else the one in force: TELEMETRY_CONFIG or cdktf.json's context, as every command reads it)
 * and prints the resolved configuration per deployment.
 * Exit status 0 when valid, 1 with every problem listed when not.
 */
import {
  ConfigError,
  DEFAULT_MATRIX,
  loadDeployments,
  overrideFilePath,
  type MatrixConfig,
  type ResolvedDeployment,
} from '../config';
import { isPlaceholderAccount } from '../config/matrix';
import { assertNever } from '../config/assert-never';
import { recrawlBehavior } from '../config/rules';
import { backendLocation } from '../config/names';
import type { CatalogSettings } from '../config/schema';
import { commandLine, isEntryPoint, type CommandSpec } from './cli';

export interface CheckResult {
  exitCode: number;
  /** Lines for stdout. */
  output: string[];
  /** Lines for stderr. */
  errors: string[];
}

/** What keeps the catalog's partitions: the crawler and its schedule, or projection. */
function catalogDetail(c: CatalogSettings): string {
  switch (c.mode) {
    case 'crawler':
    case 'crawler-events':
      return ` — crawler ${recrawlBehavior(c.crawler)} on the table, ${c.crawler.schedule}`;
    case 'projection':
      return ' (partition projection, no crawler)';
    default:
      return assertNever(c, 'catalog mode');
  }
}

function describe(d: ResolvedDeployment): string[] {
  const s = d.settings;
  const l = s.lifecycle;
  const retention = [
    l.standardIaDays !== null ? `STANDARD_IA at ${l.standardIaDays}d` : undefined,
    l.glacierInstantRetrievalDays !== null ? `GLACIER_IR at ${l.glacierInstantRetrievalDays}d` : undefined,
    l.deepArchiveDays !== null ? `DEEP_ARCHIVE at ${l.deepArchiveDays}d` : undefined,
    `deleted at ${l.expirationDays}d`,
  ].filter(Boolean);
  const backend = backendLocation(d.backend, d.environment, d.region, d.accountId);
  return [
    `${d.names.stack}  (${d.environment}/${d.region}, account ${d.accountId}` +
      `${isPlaceholderAccount(d.accountId) ? ' — PLACEHOLDER, replace before deploying' : ''})`,
    `  profile ${d.profile}; jurisdiction ${d.jurisdiction}; classification ${d.dataClassification}; allowed ` +
      `regions: ${[d.region, ...d.allowedRegions].join(', ')}`,
    `  state: ` +
      ('bucket' in backend
        ? `s3://${backend.bucket}/${backend.key} (${d.region})`
        : `Terraform Cloud workspace ${backend.workspace}`),
    `  ingestion: ${s.ingestion.mode}; firehose ${s.firehose.bufferSizeMb} MiB / ${s.firehose.bufferIntervalSeconds} ` +
      `s, ${s.firehose.compression}, ${s.firehose.format}`,
    `  prefixes: ${s.firehose.dataPrefix} | errors ${s.firehose.errorPrefix}`,
    `  retention: ${retention.join(' → ')}`,
    `  catalog: ${s.catalog.mode}${catalogDetail(s.catalog)} → ${d.names.glueDatabase}.${d.names.table}`,
    `  contract: envelope` +
      (s.contract.extraColumns.length
        ? ` + ${s.contract.extraColumns.map((c) => `${c.name}:${c.type}`).join(', ')}`
        : '') +
      `; ${3 + s.extraQueries.length} named queries`,
    `  athena: workgroup ${d.names.workgroup}, cutoff ${s.athena.bytesScannedCutoffPerQuery} bytes, results ` +
      `s3://${d.names.dataBucket}/${s.athena.resultsPrefix}`,
  ];
}

export function configCheck(
  options: { overridePath?: string; matrix?: MatrixConfig; json?: boolean } = {},
): CheckResult {
  try {
    const deployments = loadDeployments(options.overridePath, options.matrix ?? DEFAULT_MATRIX);
    const output = options.json
      ? [JSON.stringify(deployments, null, 2)]
      : [
          ...deployments.flatMap(describe),
          '',
          `${deployments.length} deployment(s) valid${options.overridePath ? ` (with ${options.overridePath})` : ''}`,
        ];
    return { exitCode: 0, output, errors: [] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { exitCode: 1, output: [], errors: error.message.split('\n') };
  }
}

export const CONFIG_CHECK_COMMAND = {
  name: 'config:check',
  summary:
    'Validates the configured matrix (config/matrix.ts and the override ' +
    'file in force) and prints the resolved settings per deployment.',
  flags: {
    config: {
      type: 'string',
      value: 'overrides.json',
      help: 'an override file to check instead of the one in force (TELEMETRY_CONFIG or cdktf.json)',
    },
    json: { type: 'boolean', help: 'print the resolved deployments as JSON' },
  },
} satisfies CommandSpec;

if (isEntryPoint('scripts/config-check.ts')) {
  const command = commandLine(CONFIG_CHECK_COMMAND, process.argv.slice(2));
  if (command.exit !== undefined) process.exit(command.exit);
  const { values } = command;
  let overridePath: string | undefined;
  try {
    overridePath = values.config ?? overrideFilePath();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const result = configCheck({ overridePath, json: values.json });
  result.output.forEach((line) => console.log(line));
  result.errors.forEach((line) => console.error(line));
  process.exitCode = result.exitCode;
}
