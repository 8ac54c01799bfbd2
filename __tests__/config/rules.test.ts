import type { MatrixConfig } from '../../config';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import type { DeploymentConfig } from '../../config/matrix';
import type { DeepPartial, PipelineSettingsInput } from '../../config/schema';
import { configCheck } from '../../scripts/config-check';
import { singleDeployment } from '../helpers';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Case = [rule: string, matrix: MatrixConfig, expected: string];

const settings = (overrides: DeepPartial<PipelineSettingsInput>, expected: string): [MatrixConfig, string] => [
  singleDeployment(overrides),
  expected,
];
const deployment = (d: Partial<DeploymentConfig>, expected: string): [MatrixConfig, string] => [
  singleDeployment({}, d),
  expected,
];

/** One invalid configuration per rule; each must fail with the deployment and exact field path named. */
const CASES: Case[] = [
  [
    'S3: STANDARD_IA needs 30 days',
    ...settings(
      { lifecycle: { standardIaDays: 10 } },
      'prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA',
    ),
  ],
  [
    'S3: Glacier-class ≥ 30 days after IA',
    ...settings(
      { lifecycle: { deepArchiveDays: 45 } },
      'prod/eu-central-1 lifecycle.deepArchiveDays: 45 — S3 requires a ' +
        'Glacier-class transition at least 30 days after STANDARD_IA',
    ),
  ],
  [
    'S3: transitions in storage-class order',
    ...settings(
      { lifecycle: { glacierInstantRetrievalDays: 200 } },
      'prod/eu-central-1 lifecycle.deepArchiveDays: 180 — transitions must follow storage-class order',
    ),
  ],
  [
    'S3: expiration after every transition',
    ...settings(
      { lifecycle: { expirationDays: 150 } },
      'prod/eu-central-1 lifecycle.expirationDays: 150 — S3 requires expiration after every transition',
    ),
  ],
  [
    'S3: Deep Archive kept ≥ 180 days',
    ...settings(
      { lifecycle: { expirationDays: 300 } },
      'prod/eu-central-1 lifecycle.expirationDays: 300 — objects would be deleted 120 days after reaching DEEP_ARCHIVE',
    ),
  ],
  [
    'Firehose: buffer ≥ 1 MiB',
    ...settings(
      { firehose: { bufferSizeMb: 0 } },
      'prod/eu-central-1 firehose.bufferSizeMb: 0 — Firehose buffer size must be at least 1 MiB',
    ),
  ],
  [
    'Firehose: buffer ≤ 128 MiB',
    ...settings(
      { firehose: { bufferSizeMb: 129 } },
      'prod/eu-central-1 firehose.bufferSizeMb: 129 — Firehose buffer size must be at most 128 MiB',
    ),
  ],
  [
    'Firehose: interval ≤ 900 s',
    ...settings(
      { firehose: { bufferIntervalSeconds: 901 } },
      'prod/eu-central-1 firehose.bufferIntervalSeconds: 901 — Firehose buffer interval must be at most 900 seconds',
    ),
  ],
  [
    'Firehose: interval ≥ 0 s',
    ...settings(
      { firehose: { bufferIntervalSeconds: -1 } },
      'prod/eu-central-1 firehose.bufferIntervalSeconds: -1 — Firehose buffer interval must be at least 0 seconds',
    ),
  ],
  [
    'Firehose: Parquet needs ≥ 64 MiB',
    ...settings(
      { firehose: { format: 'parquet', compression: 'UNCOMPRESSED' } },
      'prod/eu-central-1 firehose.bufferSizeMb: 5 — Firehose requires at least 64 MiB with Parquet conversion',
    ),
  ],
  [
    'Firehose: Parquet needs UNCOMPRESSED',
    ...settings(
      { firehose: { format: 'parquet', bufferSizeMb: 64 } },
      'prod/eu-central-1 firehose.compression: "GZIP" — Firehose requires UNCOMPRESSED with Parquet conversion',
    ),
  ],
  ...(['ZIP', 'Snappy', 'HADOOP_SNAPPY'] as const).map((compression): Case => [
    `Firehose: JSON events in ${compression} cannot be erased`,
    ...settings(
      { firehose: { compression } },
      `prod/eu-central-1 firehose.compression: "${compression}" — JSON events must be GZIP or ` +
        `UNCOMPRESSED: the erasure (npm run erase) reads only GZIP and plain NDJSON`,
    ),
  ]),
  [
    'Firehose: dynamic partitioning needs ≥ 64 MiB',
    ...settings(
      { firehose: { dynamicPartitioning: true, dataPrefix: 'data/t=!{partitionKeyFromQuery:event_type}/' } },
      'prod/eu-central-1 firehose.bufferSizeMb: 5 — Firehose requires at least 64 MiB with dynamic partitioning',
    ),
  ],
  [
    'Firehose: no error-output-type in the data prefix',
    ...settings(
      { firehose: { dataPrefix: 'data/!{firehose:error-output-type}/' } },
      'prod/eu-central-1 firehose.dataPrefix: "data/!{firehose:error-output-type}/" ' +
        '— Firehose rejects !{firehose:error-output-type} in the data prefix',
    ),
  ],
  [
    'Firehose: error prefix names the error type',
    ...settings(
      { firehose: { errorPrefix: 'errors/' } },
      'prod/eu-central-1 firehose.errorPrefix: "errors/" — Firehose requires ' +
        '!{firehose:error-output-type} in the error prefix when the data prefix has expressions',
    ),
  ],
  [
    'Firehose: prefixes end with /',
    ...settings(
      { firehose: { dataPrefix: 'data/year=!{timestamp:yyyy}' } },
      'prod/eu-central-1 firehose.dataPrefix: "data/year=!{timestamp:yyyy}" — prefixes must end with "/"',
    ),
  ],
  [
    'Firehose: errors outside the crawled folder',
    ...settings(
      { firehose: { errorPrefix: 'data/errors/!{firehose:error-output-type}/' } },
      'prod/eu-central-1 firehose.errorPrefix: "data/errors/!{firehose:error-output-type}/" — must be outside the ' +
        'data folder "data/"',
    ),
  ],
  [
    'Glue: six-field cron',
    ...settings(
      { crawler: { schedule: 'cron(0 */6 * * ?)' } },
      'prod/eu-central-1 crawler.schedule: "cron(0 */6 * * ?)" — Glue cron needs 6 fields',
    ),
  ],
  [
    'Glue: not faster than every 5 minutes',
    ...settings(
      { crawler: { schedule: 'cron(*/2 * * * ? *)' } },
      'prod/eu-central-1 crawler.schedule: "cron(*/2 * * * ? *)" — runs every ' +
        '2 minute(s); Glue allows nothing faster than every 5 minutes',
    ),
  ],
  [
    'Glue: one of day-of-month / day-of-week is ?',
    ...settings(
      { crawler: { schedule: 'cron(0 1 * * * *)' } },
      'prod/eu-central-1 crawler.schedule: "cron(0 1 * * * *)" — ' +
        'exactly one of day-of-month and day-of-week must be "?"',
    ),
  ],
  [
    'Glue: new folders only means LOG/LOG',
    ...settings(
      { crawler: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY', updateBehavior: 'UPDATE_IN_DATABASE' } as never },
      'prod/eu-central-1 crawler.updateBehavior: "UPDATE_IN_DATABASE" — CRAWL_NEW_FOLDERS_ONLY takes only LOG',
    ),
  ],
  [
    'Glue: no incremental crawls of the catalog target (config would say one thing, AWS run another)',
    ...settings(
      { crawler: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY', schedule: 'cron(0 */6 * * ? *)' } as never },
      'prod/eu-central-1 crawler.recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" — ' +
        'CRAWL_NEW_FOLDERS_ONLY is not available: the crawler crawls the events table (a ' +
        'catalog target), and AWS documents incremental crawls for Amazon S3 data sources only',
    ),
  ],
  [
    'Catalog: event-mode crawls need the crawler-events mode (its queue)',
    ...settings(
      { crawler: { recrawlBehavior: 'CRAWL_EVENT_MODE', updateBehavior: 'LOG', deleteBehavior: 'LOG' } },
      'prod/eu-central-1 crawler.recrawlBehavior: "CRAWL_EVENT_MODE" — ' +
        'CRAWL_EVENT_MODE needs catalog.mode "crawler-events" (the S3 event queue)',
    ),
  ],
  [
    'Catalog: the crawler-events mode needs an event-mode crawler',
    ...settings(
      { catalog: { mode: 'crawler-events' } },
      'prod/eu-central-1 crawler.recrawlBehavior: "CRAWL_EVERYTHING" — ' +
        'catalog.mode "crawler-events" needs crawler.recrawlBehavior CRAWL_EVENT_MODE',
    ),
  ],
  [
    "Catalog: a crawler's settings in a projection deployment's overrides",
    ...settings(
      { catalog: { mode: 'projection' }, crawler: { schedule: 'cron(15 3 * * ? *)' } },
      'prod/eu-central-1 crawler: {"recrawlBehavior":"CRAWL_EVERYTHING","schedule":"cron(15 ' +
        '3 * * ? *)","updateBehavior":"LOG","deleteBehavior":"LOG"} — a setting of ' +
        "catalog.mode crawler and crawler-events, not of this deployment's projection",
    ),
  ],
  [
    "Catalog: crawler log encryption in a projection deployment's overrides",
    ...settings(
      { catalog: { mode: 'projection', encryptCrawlerLogs: false } },
      'prod/eu-central-1 catalog.encryptCrawlerLogs: false — a setting of ' +
        "catalog.mode crawler and crawler-events, not of this deployment's projection",
    ),
  ],
  [
    "Catalog: projection's first year in a crawler deployment's overrides",
    ...settings(
      { catalog: { projectionStartYear: 2030 } },
      'prod/eu-central-1 catalog.projectionStartYear: 2030 — a setting of ' +
        "catalog.mode projection, not of this deployment's crawler",
    ),
  ],
  [
    'Catalog: partition projection needs the daily layout at the end of the prefix',
    ...settings(
      {
        catalog: { mode: 'projection' },
        firehose: { dataPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/' },
      },
      'prod/eu-central-1 firehose.dataPrefix: "data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/" — must ' +
        "end with year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/: the events table's " +
        'partition keys are year/month/day, in that order and last, in every catalog mode (projection included)',
    ),
  ],
  // The crawler modes' table has the same fixed year/month/day keys: a layout it can't describe is refused too.
  [
    'Catalog: the crawler table has no hour key (crawler mode)',
    ...settings(
      {
        catalog: { mode: 'crawler' },
        firehose: {
          dataPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        },
      },
      'prod/eu-central-1 firehose.dataPrefix: ' +
        '"data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=' +
        '!{timestamp:HH}/" — the events table has only the partition keys year/month/day in ' +
        'every catalog mode; remove the others (hour)',
    ),
  ],
  [
    'Catalog: the crawler table needs year/month/day in that order (crawler mode)',
    ...settings(
      {
        catalog: { mode: 'crawler' },
        firehose: { dataPrefix: 'data/day=!{timestamp:dd}/month=!{timestamp:MM}/year=!{timestamp:yyyy}/' },
      },
      'prod/eu-central-1 firehose.dataPrefix: ' +
        '"data/day=!{timestamp:dd}/month=!{timestamp:MM}/year=!{timestamp:yyyy}/" — must end ' +
        'with year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/: the events ' +
        "table's partition keys are year/month/day, in that order and last, in every catalog " +
        'mode (crawler included)',
    ),
  ],
  [
    'Catalog: the crawler table has no key from dynamic partitioning (crawler-events mode)',
    ...settings(
      {
        catalog: { mode: 'crawler-events' },
        crawler: { recrawlBehavior: 'CRAWL_EVENT_MODE', updateBehavior: 'LOG', deleteBehavior: 'LOG' },
        firehose: {
          dynamicPartitioning: true,
          bufferSizeMb: 64,
          dataPrefix:
            'data/app=!{partitionKeyFromQuery:app}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        },
      },
      'prod/eu-central-1 firehose.dataPrefix: ' +
        '"data/app=!{partitionKeyFromQuery:app}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=' +
        '!{timestamp:dd}/" — the events table has only the partition keys year/month/day in every ' +
        'catalog mode; remove the others (app)',
    ),
  ],
  [
    'Catalog: no folder level without a key between the table and the daily layout',
    ...settings(
      {
        catalog: { mode: 'crawler' },
        firehose: {
          dynamicPartitioning: true,
          bufferSizeMb: 64,
          dataPrefix:
            'data/!{partitionKeyFromQuery:app}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        },
      },
      'prod/eu-central-1 firehose.dataPrefix: ' +
        '"data/!{partitionKeyFromQuery:app}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=' +
        '!{timestamp:dd}/" — must be the events table\'s folder (data/) followed by ' +
        'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/ alone: the table has no ' +
        'partition key for !{partitionKeyFromQuery:app}/',
    ),
  ],
  [
    'Glue: the catalog-target crawler never rewrites the table (UpdateBehavior LOG)',
    ...settings(
      {
        crawler: {
          recrawlBehavior: 'CRAWL_EVERYTHING',
          updateBehavior: 'UPDATE_IN_DATABASE',
          deleteBehavior: 'LOG',
        },
      },
      'prod/eu-central-1 crawler.updateBehavior: "UPDATE_IN_DATABASE" — must be LOG: the crawler only adds partitions',
    ),
  ],
  [
    'Glue: a catalog-target crawler only logs deleted objects (DeleteBehavior LOG)',
    ...settings(
      {
        catalog: { mode: 'crawler-events' },
        crawler: {
          recrawlBehavior: 'CRAWL_EVENT_MODE',
          updateBehavior: 'LOG',
          deleteBehavior: 'DEPRECATE_IN_DATABASE',
        },
      },
      'prod/eu-central-1 crawler.deleteBehavior: "DEPRECATE_IN_DATABASE" — must be LOG: AWS only logs deleted objects',
    ),
  ],
  [
    'Glue/Athena: table names Athena accepts',
    ...settings(
      { catalog: { tablePrefix: 'Events-' } },
      'prod/eu-central-1 catalog.tablePrefix: "Events-" — table name ' +
        '"Events-data" (tablePrefix + data folder) is not one Athena accepts',
    ),
  ],
  [
    'Athena: cutoff never off',
    ...settings(
      { athena: { bytesScannedCutoffPerQuery: 0 } },
      'prod/eu-central-1 athena.bytesScannedCutoffPerQuery: 0 — Athena ' +
        'and the Terraform provider require at least 10485760 bytes',
    ),
  ],
  [
    'Athena: cutoff ≥ 10 MiB (provider floor above the API’s 10,000,000)',
    ...settings(
      { athena: { bytesScannedCutoffPerQuery: 10_000_000 } },
      'prod/eu-central-1 athena.bytesScannedCutoffPerQuery: 10000000 — Athena ' +
        'and the Terraform provider require at least 10485760 bytes',
    ),
  ],
  [
    'Folders: contract-schema/ stays empty',
    ...settings(
      { athena: { resultsPrefix: 'contract-schema/results/' } },
      'prod/eu-central-1 athena.resultsPrefix: "contract-schema/results/" — ' +
        "contract-schema/ is reserved for the contract table's schema and must stay empty",
    ),
  ],
  [
    'Athena: results outside the crawled folder',
    ...settings(
      { athena: { resultsPrefix: 'data/athena/' } },
      'prod/eu-central-1 athena.resultsPrefix: "data/athena/" — must be outside the Firehose data and error folders',
    ),
  ],
  [
    'CloudWatch Logs: a retention it accepts',
    ...settings(
      { logs: { retentionDays: 10 as never } },
      'prod/eu-central-1 logs.retentionDays: 10 — CloudWatch Logs accepts only',
    ),
  ],
  [
    'KMS: key administrators are roles or users, not the account',
    ...settings(
      { keys: { administrators: ['arn:aws:iam::222222222222:root'] } },
      'prod/eu-central-1 keys.administrators[0]: "arn:aws:iam::222222222222:root" — an IAM role or user ARN',
    ),
  ],
  [
    'Residency: EU state not in a US-hosted HCP Terraform organization',
    {
      ...singleDeployment(),
      backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' },
    },
    'matrix backend.hostname: "app.terraform.io" — state of a EU-jurisdiction deployment would ' +
      'be held in US (app.terraform.io); use an organization on app.eu.terraform.io for it ' +
      '(backend in the deployment), or give backend.residencyException with the reason',
  ],
  [
    'Residency: an exception needs its reason',
    {
      ...singleDeployment(),
      backend: {
        type: 'cloud',
        organization: 'acme',
        workspacePrefix: 'telemetry',
        hostname: 'app.terraform.io',
        residencyException: ' ',
      },
    },
    'matrix backend.residencyException: " " — a residency exception needs its reason (every deployment)',
  ],
  [
    'Matrix: a real region code',
    ...deployment({ region: 'eu-central-9' }, 'prod/eu-central-9 region: "eu-central-9" — not an AWS region code'),
  ],
  [
    'Matrix: 12-digit account id',
    ...deployment(
      { accountId: '12345' },
      'prod/eu-central-1 accountId: "12345" — an AWS account id is exactly 12 digits',
    ),
  ],
  [
    'Matrix: Terraform-safe environment names',
    ...deployment(
      { environment: 'Prod env' },
      'Prod env/eu-central-1 environment: "Prod env" — lowercase letters and digits',
    ),
  ],
  [
    'Matrix: a known profile',
    ...deployment(
      { profile: 'forever' },
      'prod/eu-central-1 profile: "forever" — unknown profile; known: standard, compliance',
    ),
  ],
  [
    'Matrix: bucket names within 63 characters',
    {
      ...singleDeployment({}, { region: 'ap-southeast-5', environment: 'performance1234' }),
      project: 'telemetry-ingestion1',
    },
    'performance1234/ap-southeast-5 environment: "performance1234" — data bucket name ' +
      '"telemetry-ingestion1-performance1234-222222222222-ap-southeast-5" is 64 characters; S3 allows 3–63',
  ],
  [
    'Matrix: the access-log bucket’s name within 63 characters too, when access logs are on',
    {
      ...singleDeployment(
        { logs: { bucketAccessLogs: true } },
        { region: 'ap-southeast-5', environment: 'performance1234' },
      ),
      project: 'telemetry-app1',
    },
    'performance1234/ap-southeast-5 logs.bucketAccessLogs: true — access log bucket name ' +
      '"telemetry-app1-performance1234-222222222222-ap-southeast-5-access-logs" is 70 characters; S3 allows 3–63',
  ],
  [
    'Matrix: the state bucket’s access-log bucket within 63 characters, when access logs are on',
    {
      ...singleDeployment({}, { region: 'ap-southeast-5' }),
      backend: {
        type: 's3',
        bucketPrefix: 'telemetry-terraform-state-01',
        keyPrefix: 'telemetry',
        noncurrentVersionExpirationDays: 90,
      },
    },
    'matrix backend.bucketPrefix: "telemetry-terraform-state-01" — state access log bucket name ' +
      '"telemetry-terraform-state-01-222222222222-ap-southeast-5-access-logs" is 68 characters; S3 ' +
      'allows 3–63 (logs.bucketAccessLogs logs the state bucket too) (every deployment)',
  ],
  [
    'Matrix: no duplicate environment/region pair',
    {
      ...EXAMPLE_MATRIX,
      deployments: [
        ...EXAMPLE_MATRIX.deployments,
        { environment: 'prod', region: 'eu-central-1', accountId: '333333333333' },
      ],
    },
    'prod/eu-central-1 region: "eu-central-1" — duplicate environment/region ' +
      'pair: deployments[2] already deploys stack telemetry-prod-eu-central-1',
  ],
];

describe('every invalid configuration fails with its field named', () => {
  it('covers at least 15 rules', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)('%s', (_rule, matrix, expected) => {
    const result = configCheck({ matrix });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toContainEqual(expect.stringMatching(new RegExp(`^  - ${escape(expected)}`)));
  });

  it('the default matrix passes', () => {
    expect(configCheck()).toMatchObject({ exitCode: 0, errors: [] });
  });

  it(
    'state residency passes on a host of the jurisdiction, with a reasoned ' +
      'exception, or on a host it cannot judge (Terraform Enterprise)',
    () => {
      const cloud = (hostname: string, residencyException?: string) => ({
        ...singleDeployment(),
        backend: {
          type: 'cloud' as const,
          organization: 'acme',
          workspacePrefix: 'telemetry',
          hostname,
          ...(residencyException ? { residencyException } : {}),
        },
      });
      for (const matrix of [
        cloud('app.eu.terraform.io'),
        cloud('app.terraform.io', 'state holds names and ARNs only; legal review 2026-11'),
        cloud('tfe.example.eu'),
      ]) {
        expect(configCheck({ matrix })).toMatchObject({ exitCode: 0, errors: [] });
      }
    },
  );
});
