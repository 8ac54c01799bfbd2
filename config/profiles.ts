/**
 * Named retention profiles. A profile holds only what differs from `DEFAULT_SETTINGS`; the `standard` profile
 * is the defaults as they are (Standard → Standard-IA at 30 days → deleted at 90).
 */
import type { DeepPartial, PipelineSettingsInput } from './schema';

export const PROFILES = {
  /** Standard → Standard-IA at 30 days → expire at 90 (the defaults). */
  standard: {},
  /**
   * Compliance retention: Standard-IA at 30, Deep Archive at 180, kept 365 days; logs kept a year too (Security Hub
   * CloudWatch.16, Config rule cw-loggroup-retention-period-check: at least 365 days), and every request to the
   * data bucket logged (Security Hub S3.9).
   */
  compliance: {
    lifecycle: { deepArchiveDays: 180, expirationDays: 365 },
    logs: { retentionDays: 365, bucketAccessLogs: true },
  },
} satisfies Record<string, DeepPartial<PipelineSettingsInput>>;
