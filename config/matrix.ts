/**
 * The environment × region matrix: one Terraform stack per entry. Add a region or an environment by adding a
 * line here; everything else (names, backend key, tags, retention) is derived.
 */
import { DEFAULT_SETTINGS } from './defaults';
import type { Jurisdiction } from './jurisdictions';
import { PROFILES } from './profiles';
import type { BackendSettings, DeepPartial, DeploymentIdentity, PipelineSettingsInput } from './schema';

/** One deployment of the pipeline: an environment in a region of an account. */
export interface DeploymentConfig {
  /** Environment name (`dev`, `prod`, …). */
  environment: string;
  /** AWS region code; all of the stack's data stays here. */
  region: string;
  /** 12-digit AWS account id the stack deploys into. */
  accountId: string;
  /** Retention profile. Default: `standard`. */
  profile?: string;
  /** Jurisdiction tag whose residency rules apply. Default: `US`. */
  jurisdiction?: string;
  /** Data classification tag. Default: `confidential` (app telemetry can identify devices). */
  dataClassification?: DeploymentIdentity['dataClassification'];
  /** Other regions this deployment may reference. Default: none. */
  allowedRegions?: string[];
  /**
   * The deployment this one was before, `environment/region`, when moved or renamed (for the change review).
   * Default: none.
   */
  movedFrom?: string;
  /** Regions outside the jurisdiction it may be in or reach, each with the reason. Default: none. */
  regionExceptions?: Record<string, string>;
  /** Per-deployment overrides of any pipeline setting (applied after the profile). Default: none. */
  overrides?: DeepPartial<PipelineSettingsInput>;
  /** Per-deployment override of the state backend. Default: the matrix's backend. */
  backend?: DeepPartial<BackendSettings>;
}

/** The whole shared configuration. */
export interface MatrixConfig {
  /** Project name: first part of stack names and resource names. Default: `telemetry`. */
  project: string;
  /** Pipeline settings every deployment starts from. */
  defaults: PipelineSettingsInput;
  /** Named partial settings applied on top of the defaults. */
  profiles: Record<string, DeepPartial<PipelineSettingsInput>>;
  /** Where Terraform state lives. Default: S3 in each stack's own account and region. */
  backend: BackendSettings;
  /** The matrix itself. */
  deployments: DeploymentConfig[];
  /**
   * Jurisdictions of your own besides the built-in ones (config/jurisdictions.ts), by code: e.g.
   * `{ DE: { name: 'Germany only', regions: ['eu-central-1'] } }`. Default: none.
   */
  jurisdictions?: Record<string, Jurisdiction>;
}

/**
 * Placeholder account ids — replace them with your own before deploying. They are obviously fake so that
 * a deploy with them fails at the provider's `allowed_account_ids` and at `npm run preflight`.
 */
export const PLACEHOLDER_ACCOUNTS = {
  dev: '111111111111',
  prod: '222222222222',
} as const;

/** Whether an account id is a placeholder: twelve identical digits, like the ones above (and the examples'). */
export function isPlaceholderAccount(accountId: string): boolean {
  return /^(\d)\1{11}$/.test(accountId);
}

export const DEFAULT_MATRIX: MatrixConfig = {
  project: 'telemetry',
  defaults: DEFAULT_SETTINGS,
  profiles: PROFILES,
  backend: {
    type: 's3',
    bucketPrefix: 'telemetry-tfstate',
    keyPrefix: 'telemetry',
    noncurrentVersionExpirationDays: 90,
  },
  deployments: [
    {
      environment: 'dev',
      region: 'us-east-1',
      accountId: PLACEHOLDER_ACCOUNTS.dev,
      dataClassification: 'internal',
      // Faster feedback while developing: objects land after a minute, logs are kept a week; test traffic only.
      overrides: {
        firehose: { bufferIntervalSeconds: 60 },
        logs: { retentionDays: 7 },
        capacity: { eventsPerMonth: 1_000_000 },
      },
    },
    { environment: 'prod', region: 'us-east-1', accountId: PLACEHOLDER_ACCOUNTS.prod },
    {
      environment: 'prod',
      region: 'eu-central-1',
      accountId: PLACEHOLDER_ACCOUNTS.prod,
      profile: 'compliance',
      jurisdiction: 'EU',
    },
  ],
};
