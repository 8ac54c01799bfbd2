/**
 * AWS apply-time rules that the provider's schema and `terraform validate` do not catch, checked on the resolved
 * settings of a deployment. Every rule names its source; docs/aws-rules.md lists them for users.
 */
import {
  ATHENA_MIN_CUTOFF_BYTES,
  ERROR_OUTPUT_TYPE_EXPRESSION,
  FIREHOSE_RULES,
  PINPOINT_END_OF_SUPPORT,
  S3_RULES,
} from './aws';
import { contractFields, ENVELOPE, hasColumn } from './event-contract';
import { glueCronProblems } from './glue-cron';
import { NAMED_QUERIES, PARTITION_COLUMNS } from './queries';
import { CONTRACT_SCHEMA_FOLDER, folderName, staticFolder } from './names';
import type {
  AthenaSettings,
  CrawlerSettings,
  FirehoseSettings,
  IngestionSettings,
  LifecycleSettings,
  PipelineSettings,
  PipelineSettingsInput,
} from './schema';
import { assertNever } from './assert-never';

/** A rule violation: where (path inside the deployment's resolved config) and why. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

/** Athena accepts lowercase letters, digits and underscores in database and table names, ≤ 255 bytes. */
export const ATHENA_NAME = /^[a-z0-9_]{1,255}$/;

/** Firehose prefix expression namespaces (Firehose guide, "Custom prefixes for Amazon S3 objects"). */
const FIREHOSE_EXPRESSION =
  /!\{(timestamp:[^}]+|firehose:(random-string|error-output-type)|partitionKeyFrom(Query|Lambda):[A-Za-z0-9_]+)\}/g;

const hasExpression = (prefix: string) => prefix.includes('!{');

export function lifecycleRules(l: LifecycleSettings): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof LifecycleSettings, message: string) => issues.push({ path: ['lifecycle', field], message });
  if (l.standardIaDays !== null && l.standardIaDays < S3_RULES.minDaysBeforeIa) {
    at('standardIaDays', `S3 requires at least ${S3_RULES.minDaysBeforeIa} days before STANDARD_IA`);
  }
  // Transitions in storage-class order, each Glacier-class one at least 30 days after STANDARD_IA.
  const transitionFields = ['standardIaDays', 'glacierInstantRetrievalDays', 'deepArchiveDays'] as const;
  const transitions = transitionFields.flatMap((field) => (l[field] === null ? [] : [[field, l[field]] as const]));
  for (let i = 1; i < transitions.length; i++) {
    const [field, value] = transitions[i];
    const [previousField, previousValue] = transitions[i - 1];
    if (value <= previousValue) {
      at(field, `transitions must follow storage-class order: must be later than ${previousField} (${previousValue})`);
    } else if (l.standardIaDays !== null && value < l.standardIaDays + S3_RULES.minDaysInIaBeforeGlacier) {
      at(
        field,
        `S3 requires a Glacier-class transition at least ${S3_RULES.minDaysInIaBeforeGlacier} days ` +
          `after STANDARD_IA (day ${l.standardIaDays + S3_RULES.minDaysInIaBeforeGlacier} or later)`,
      );
    }
  }
  for (const [field, value] of transitions) {
    if (l.expirationDays <= value) {
      at('expirationDays', `S3 requires expiration after every transition: must be greater than ${field} (${value})`);
    }
  }
  if (l.deepArchiveDays !== null && !l.allowEarlyDeepArchiveExpiry) {
    const kept = l.expirationDays - l.deepArchiveDays;
    if (kept > 0 && kept < S3_RULES.deepArchiveMinimumStorageDays) {
      at(
        'expirationDays',
        `objects would be deleted ${kept} days after reaching DEEP_ARCHIVE, which bills at ` +
          `least ${S3_RULES.deepArchiveMinimumStorageDays}; keep them longer or set ` +
          `lifecycle.allowEarlyDeepArchiveExpiry`,
      );
    }
  }
  return issues;
}

export function firehoseRules(f: FirehoseSettings): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof FirehoseSettings, message: string) => issues.push({ path: ['firehose', field], message });
  const converting = f.format === 'parquet' || f.dynamicPartitioning;
  if (converting && f.bufferSizeMb < FIREHOSE_RULES.minBufferMbForConversion) {
    at(
      'bufferSizeMb',
      `Firehose requires at least ${FIREHOSE_RULES.minBufferMbForConversion} MiB ` +
        `with ${f.format === 'parquet' ? 'Parquet conversion' : 'dynamic partitioning'}`,
    );
  }
  if (f.format === 'parquet' && f.compression !== 'UNCOMPRESSED') {
    at('compression', 'Firehose requires UNCOMPRESSED with Parquet conversion (Parquet compresses its own pages)');
  }
  // The erasure (npm run erase) reads JSON events GZIP-compressed or plain (scripts/erase/records.ts): an object in
  // ZIP, Snappy or HADOOP_SNAPPY it cannot decode, and a raw-byte search finds no id in compressed bytes. Such an
  // object is reported unreadable (the request stays pending), but a stack that writes every object so could
  // never erase.
  if (f.format === 'json' && f.compression !== 'GZIP' && f.compression !== 'UNCOMPRESSED') {
    at(
      'compression',
      'JSON events must be GZIP or UNCOMPRESSED: the erasure (npm run erase) reads only GZIP and ' +
        "plain NDJSON, and cannot find or remove a device's records in ZIP or Snappy objects",
    );
  }
  if (f.dynamicPartitioning && f.bufferIntervalSeconds === 0) {
    at('bufferIntervalSeconds', 'Firehose does not support zero buffering with dynamic partitioning');
  }
  if (f.dynamicPartitioning && !f.dataPrefix.includes('!{partitionKeyFrom')) {
    at('dataPrefix', 'dynamic partitioning needs a !{partitionKeyFromQuery:…} expression in the prefix');
  }
  if (!f.dynamicPartitioning && f.dataPrefix.includes('!{partitionKeyFrom')) {
    at('dataPrefix', 'partitionKeyFrom… expressions need firehose.dynamicPartitioning');
  }
  if (f.dataPrefix.includes(ERROR_OUTPUT_TYPE_EXPRESSION)) {
    at('dataPrefix', `Firehose rejects ${ERROR_OUTPUT_TYPE_EXPRESSION} in the data prefix; it belongs in errorPrefix`);
  }
  if (hasExpression(f.dataPrefix) && !f.errorPrefix.includes(ERROR_OUTPUT_TYPE_EXPRESSION)) {
    at(
      'errorPrefix',
      `Firehose requires ${ERROR_OUTPUT_TYPE_EXPRESSION} in the error prefix when the data prefix has expressions`,
    );
  }
  for (const field of ['dataPrefix', 'errorPrefix'] as const) {
    const prefix = f[field];
    if (prefix !== '' && !prefix.endsWith('/')) at(field, 'prefixes must end with "/" so objects land in a folder');
    const unknown = prefix.replace(FIREHOSE_EXPRESSION, '').match(/!\{[^}]*\}?/);
    if (unknown) at(field, `unknown Firehose expression ${unknown[0]}`);
    if (prefix.startsWith('/')) at(field, 'S3 keys must not start with "/"');
  }
  if (staticFolder(f.errorPrefix) === '') {
    at(
      'errorPrefix',
      'must start with a static folder (e.g. "errors/") so lifecycle rules and reviewers find failed records',
    );
  }
  const dataFolder = staticFolder(f.dataPrefix);
  if (dataFolder === '') {
    at('dataPrefix', 'must start with a static folder (e.g. "data/") that the catalog can read');
  } else if (f.errorPrefix.startsWith(dataFolder)) {
    at('errorPrefix', `must be outside the data folder "${dataFolder}", or the crawler catalogs failed records`);
  }
  return issues;
}

export function crawlerRules(c: CrawlerSettings): Issue[] {
  return glueCronProblems(c.schedule).map((message) => ({ path: ['crawler', 'schedule'], message }));
}

export function athenaRules(a: AthenaSettings): Issue[] {
  const issues: Issue[] = [];
  if (a.bytesScannedCutoffPerQuery < ATHENA_MIN_CUTOFF_BYTES) {
    issues.push({
      path: ['athena', 'bytesScannedCutoffPerQuery'],
      message:
        `Athena and the Terraform provider require at ` +
        `least ${ATHENA_MIN_CUTOFF_BYTES} bytes (10 MiB); turning the cutoff off is not allowed here`,
    });
  }
  if (!a.resultsPrefix.endsWith('/') || a.resultsPrefix.startsWith('/')) {
    issues.push({ path: ['athena', 'resultsPrefix'], message: 'must be a folder: no leading "/", ending with "/"' });
  }
  return issues;
}

/** Pinpoint can no longer be created: refuse the mode with what ended, when, and the one-line way out. */
export function ingestionRules(i: IngestionSettings): Issue[] {
  if (i.mode !== 'pinpoint') return [];
  return [
    {
      path: ['ingestion', 'mode'],
      message:
        `Amazon Pinpoint reached end of support on ${PINPOINT_END_OF_SUPPORT}: ` +
        `its apps and event streams can no longer be created or reached. ` +
        'Set ingestion: { mode: "direct" } (Cognito guest credentials → ' +
        'Firehose); the event contract still takes Pinpoint-format records',
    },
  ];
}

/** Rules that relate sections, on the resolved settings; run only when every section is valid on its own. */
export function crossSectionRules(s: PipelineSettings): Issue[] {
  const issues: Issue[] = [];
  const firehoseFolders = [staticFolder(s.firehose.dataPrefix), staticFolder(s.firehose.errorPrefix)].filter(Boolean);
  if (firehoseFolders.some((folder) => s.athena.resultsPrefix.startsWith(folder))) {
    issues.push({
      path: ['athena', 'resultsPrefix'],
      message:
        `must be outside the Firehose data and error folders, or ` +
        `query results get crawled and expire with the events`,
    });
  }
  const reserved: [string[], string][] = [
    [['firehose', 'dataPrefix'], s.firehose.dataPrefix],
    [['firehose', 'errorPrefix'], s.firehose.errorPrefix],
    [['athena', 'resultsPrefix'], s.athena.resultsPrefix],
  ];
  for (const [path] of reserved.filter(([, prefix]) => prefix.startsWith(CONTRACT_SCHEMA_FOLDER))) {
    issues.push({
      path,
      message: `${CONTRACT_SCHEMA_FOLDER} is reserved for the contract table's schema and must stay empty`,
    });
  }
  const table = `${s.catalog.tablePrefix}${folderName(s.firehose.dataPrefix)}`;
  if (!ATHENA_NAME.test(table)) {
    issues.push({
      path: /^[a-z0-9_]*$/.test(s.catalog.tablePrefix) ? ['firehose', 'dataPrefix'] : ['catalog', 'tablePrefix'],
      message:
        `table name "${table}" (tablePrefix + data folder) is not one ` +
        `Athena accepts: lowercase letters, digits, underscores`,
    });
  }
  if (s.monitoring.freshnessThresholdSeconds <= s.firehose.bufferIntervalSeconds) {
    issues.push({
      path: ['monitoring', 'freshnessThresholdSeconds'],
      message:
        `must be above firehose.bufferIntervalSeconds ` +
        `(${s.firehose.bufferIntervalSeconds}): records wait that long by design, so the ` +
        `alarm would always fire`,
    });
  }
  issues.push(...catalogRules(s));
  return issues;
}

/** Hive partition keys of a prefix, in order: `data/year=!{…}/month=!{…}/` → ['year', 'month']. */
export function partitionKeys(prefix: string): string[] {
  return [...prefix.matchAll(/([A-Za-z0-9_]+)=!\{[^}]+\}/g)].map((m) => m[1]);
}

/**
 * The daily Hive layout of the events table's partition keys (zero-padded, from Firehose's arrival time): the whole
 * prefix below its static folder, in every catalog mode (partition projection enumerates it; the crawler adds its
 * folders as partitions of the table's year/month/day keys).
 */
export const DAILY_LAYOUT = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

/**
 * The recrawl behaviour the catalog-target crawler runs: event mode where configured (AWS supports S3 event
 * notifications for Data Catalog targets: Glue guide, "Accelerating crawls using Amazon S3 event notifications",
 * https://docs.aws.amazon.com/glue/latest/dg/crawler-s3-event-notifications.html), otherwise a full listing of the
 * table's folder each run. AWS documents incremental crawls ("crawl new folders only") for an Amazon S3 data source
 * only (https://docs.aws.amazon.com/glue/latest/dg/incremental-crawls.html; RecrawlPolicy: "When crawling an Amazon
 * S3 data source"), so the configuration check refuses CRAWL_NEW_FOLDERS_ONLY in crawler modes (catalogRules); should
 * one reach here it runs as CRAWL_EVERYTHING — with LOG/LOG and partitions inheriting from the table, a full crawl
 * still changes nothing but new partitions.
 */
export function recrawlBehavior(c: CrawlerSettings): 'CRAWL_EVENT_MODE' | 'CRAWL_EVERYTHING' {
  return c.recrawlBehavior === 'CRAWL_EVENT_MODE' ? 'CRAWL_EVENT_MODE' : 'CRAWL_EVERYTHING';
}

/** Event contract, catalog mode and named queries must agree with each other and with the Firehose layout. */
export function catalogRules(s: PipelineSettings): Issue[] {
  const issues: Issue[] = [];
  const keys = partitionKeys(s.firehose.dataPrefix);
  if (!PARTITION_COLUMNS.every((c) => keys.includes(c))) {
    issues.push({
      path: ['firehose', 'dataPrefix'],
      message:
        `needs Hive folders ${PARTITION_COLUMNS.map((c) => `${c}=`).join(', ')}: the tables and every named ` +
        `query filter on them`,
    });
  }
  // The events table's partition keys are year/month/day in every mode (stacks/constructs/catalog.ts): a prefix
  // with more or other keys, or these in another order, has folders the table cannot describe — projection cannot
  // enumerate them, and a crawler on the catalog target would add partitions whose values don't match the table's
  // keys (or none: AWS's "Partition does not match table schema or has mismatch keys"). So every mode takes the one
  // daily layout, at the end of the prefix and with no other partition keys.
  if (!s.firehose.dataPrefix.endsWith(DAILY_LAYOUT)) {
    issues.push({
      path: ['firehose', 'dataPrefix'],
      message:
        `must end with ${DAILY_LAYOUT}: the events table's partition keys ` +
        `are ${PARTITION_COLUMNS.join('/')}, in that order and last, in every catalog mode ` +
        `(${s.catalog.mode} included)`,
    });
  }
  const others = keys.filter((k) => !(PARTITION_COLUMNS as readonly string[]).includes(k));
  const table = staticFolder(s.firehose.dataPrefix);
  const between = s.firehose.dataPrefix.slice(table.length, -DAILY_LAYOUT.length);
  if (others.length > 0) {
    issues.push({
      path: ['firehose', 'dataPrefix'],
      message:
        `the events table has only the partition keys ${PARTITION_COLUMNS.join('/')} ` +
        `in every catalog mode; remove the others (${others.join(', ')})`,
    });
  } else if (s.firehose.dataPrefix.endsWith(DAILY_LAYOUT) && between !== '') {
    // A folder level without a key (`!{partitionKeyFromQuery:app}/`) is one the table, at the static folder, has
    // no key for either.
    issues.push({
      path: ['firehose', 'dataPrefix'],
      message:
        `must be the events table's folder (${table}) followed ` +
        `by ${DAILY_LAYOUT} alone: the table has no partition key for ${between}`,
    });
  }
  switch (s.catalog.mode) {
    case 'crawler':
    case 'crawler-events': {
      // Its recrawl behaviour matches the mode by type (config/catalog-mode.ts).
      // It keeps the Terraform-managed events table (a catalog target): AWS only logs deleted objects for
      // catalog-table sources (DeleteBehavior LOG), and UPDATE_IN_DATABASE would rewrite the table from what the
      // crawler infers, dropping the SerDe's settings (stacks/constructs/catalog.ts, schemaChangePolicy).
      const c = s.catalog.crawler;
      if (c.recrawlBehavior === 'CRAWL_NEW_FOLDERS_ONLY') {
        // It would run as CRAWL_EVERYTHING (recrawlBehavior): refused, so the configuration says what deploys.
        issues.push({
          path: ['crawler', 'recrawlBehavior'],
          message:
            'CRAWL_NEW_FOLDERS_ONLY is not available: the crawler crawls the events table (a ' +
            'catalog target), and AWS documents incremental crawls for Amazon S3 data sources ' +
            'only (https://docs.aws.amazon.com/glue/latest/dg/incremental-crawls.html); use ' +
            'CRAWL_EVERYTHING with updateBehavior and deleteBehavior LOG (a full listing each ' +
            'run, still adding only new partitions), or catalog.mode crawler-events',
        });
        break;
      }
      if (c.updateBehavior !== 'LOG')
        issues.push({
          path: ['crawler', 'updateBehavior'],
          message:
            "must be LOG: the crawler only adds partitions to the contract's table, and " +
            'UPDATE_IN_DATABASE would rewrite its SerDe settings (ignore.malformed.json, ' +
            'use.null.for.invalid.data); change the table through contract.extraColumns',
        });
      if (c.deleteBehavior !== 'LOG')
        issues.push({
          path: ['crawler', 'deleteBehavior'],
          message: 'must be LOG: AWS only logs deleted objects for a crawler whose source is a catalog table',
        });
      break;
    }
    case 'projection':
      // The layout checks above are what partition projection needs too (its template is the prefix).
      break;
    default:
      assertNever(s.catalog, 'catalog mode');
  }

  const fields = contractFields(s.contract.extraColumns);
  const reserved = new Set<string>([...ENVELOPE.map((f) => f.name), ...PARTITION_COLUMNS]);
  const seen = new Set<string>();
  s.contract.extraColumns.forEach((column, i) => {
    if (reserved.has(column.name))
      issues.push({
        path: ['contract', 'extraColumns', i, 'name'],
        message: 'already a column of the envelope or a partition column',
      });
    else if (seen.has(column.name))
      issues.push({ path: ['contract', 'extraColumns', i, 'name'], message: 'defined twice' });
    seen.add(column.name);
  });

  const queryNames = new Set(NAMED_QUERIES.map((q) => q.name));
  NAMED_QUERIES.forEach((q) =>
    q.columns
      .filter((c) => !hasColumn(fields, c))
      .forEach((c) =>
        issues.push({
          path: ['contract'],
          message: `built-in query ${q.name} reads ${c}, which the event contract lacks`,
        }),
      ),
  );
  s.extraQueries.forEach((q, i) => {
    if (queryNames.has(q.name))
      issues.push({ path: ['extraQueries', i, 'name'], message: 'a named query of this name exists already' });
    queryNames.add(q.name);
    q.columns.forEach((c, j) => {
      if (!hasColumn(fields, c))
        issues.push({ path: ['extraQueries', i, 'columns', j], message: `column ${c} is not in the event contract` });
    });
    for (const placeholder of ['{{database}}', '{{table}}']) {
      if (!q.sql.includes(placeholder))
        issues.push({
          path: ['extraQueries', i, 'sql'],
          message: `must read from "{{database}}"."{{table}}" (missing ${placeholder})`,
        });
    }
    const where = q.sql.split(/\bWHERE\b/i)[1] ?? '';
    const missing = PARTITION_COLUMNS.filter((c) => !new RegExp(`\\b${c}\\b`).test(where));
    if (missing.length > 0)
      issues.push({
        path: ['extraQueries', i, 'sql'],
        message:
          `must filter on ${PARTITION_COLUMNS.join('/')} in its WHERE clause ` +
          `(missing ${missing.join(', ')}), or it scans every day`,
      });
  });
  return issues;
}

/** The per-section rules, keyed by the settings section (as written) they check. */
export const SECTION_RULES: { [K in keyof PipelineSettingsInput]?: (value: PipelineSettingsInput[K]) => Issue[] } = {
  firehose: firehoseRules,
  lifecycle: lifecycleRules,
  crawler: crawlerRules,
  athena: athenaRules,
  ingestion: ingestionRules,
};

/**
 * S3 bucket naming rules (S3 user guide, "General purpose bucket naming rules"). The names here are built from
 * project, environment, account and region, so a violation points at the project or environment name.
 */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`is ${name.length} characters; S3 allows 3–63`);
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    problems.push(
      'may hold only lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    );
  if (name.includes('..')) problems.push('must not contain two adjacent dots');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push('must not look like an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) problems.push('must not start with xn--, sthree- or amzn-s3-demo-');
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    problems.push('must not end with a suffix S3 reserves');
  return problems;
}
