/**
 * Jurisdictions bound to AWS regions: which regions a deployment of a jurisdiction may be in or reach. A deployment
 * outside its jurisdiction's regions (or reaching one through `allowedRegions`) is a configuration error unless
 * `regionExceptions` gives the reason for that region (config/resolve.ts, `jurisdictionIssues`).
 *
 * Source: AWS, "AWS Regions and Availability Zones" user guide, page "AWS Regions", table "Available AWS Regions",
 * column Geography (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html, read 2026-12-06). The
 * geography is the country the region's infrastructure is in; a jurisdiction is a set of countries. Whether a country
 * belongs to a legal area (EU member states; the EEA adds Iceland, Liechtenstein and Norway, none with an AWS region)
 * is the legal fact, not AWS's; check it before relying on it.
 */
import { AWS_REGIONS, type AwsRegion } from './aws';

/** Country (ISO 3166-1 alpha-2) of each region's infrastructure, from AWS's "Available AWS Regions" table. */
export const REGION_COUNTRY: Record<AwsRegion, string> = {
  'us-east-1': 'US', // US East (N. Virginia)
  'us-east-2': 'US', // US East (Ohio)
  'us-west-1': 'US', // US West (N. California)
  'us-west-2': 'US', // US West (Oregon)
  'us-gov-east-1': 'US', // AWS GovCloud (US-East)
  'us-gov-west-1': 'US', // AWS GovCloud (US-West)
  'ca-central-1': 'CA', // Canada (Central)
  'ca-west-1': 'CA', // Canada West (Calgary)
  'mx-central-1': 'MX', // Mexico (Central)
  'sa-east-1': 'BR', // South America (São Paulo)
  'eu-central-1': 'DE', // Europe (Frankfurt)
  'eu-west-1': 'IE', // Europe (Ireland)
  'eu-west-3': 'FR', // Europe (Paris)
  'eu-south-1': 'IT', // Europe (Milan)
  'eu-south-2': 'ES', // Europe (Spain)
  'eu-north-1': 'SE', // Europe (Stockholm)
  'eu-west-2': 'GB', // Europe (London)
  'eu-central-2': 'CH', // Europe (Zurich)
  'il-central-1': 'IL', // Israel (Tel Aviv)
  'me-central-1': 'AE', // Middle East (UAE)
  'me-south-1': 'BH', // Middle East (Bahrain)
  'af-south-1': 'ZA', // Africa (Cape Town)
  'ap-south-1': 'IN', // Asia Pacific (Mumbai)
  'ap-south-2': 'IN', // Asia Pacific (Hyderabad)
  'ap-northeast-1': 'JP', // Asia Pacific (Tokyo)
  'ap-northeast-3': 'JP', // Asia Pacific (Osaka)
  'ap-northeast-2': 'KR', // Asia Pacific (Seoul)
  'ap-east-1': 'HK', // Asia Pacific (Hong Kong)
  'ap-east-2': 'TW', // Asia Pacific (Taipei)
  'ap-southeast-1': 'SG', // Asia Pacific (Singapore)
  'ap-southeast-2': 'AU', // Asia Pacific (Sydney)
  'ap-southeast-4': 'AU', // Asia Pacific (Melbourne)
  'ap-southeast-3': 'ID', // Asia Pacific (Jakarta)
  'ap-southeast-5': 'MY', // Asia Pacific (Malaysia)
  'ap-southeast-6': 'NZ', // Asia Pacific (New Zealand)
  'ap-southeast-7': 'TH', // Asia Pacific (Thailand)
  'cn-north-1': 'CN', // China (Beijing)
  'cn-northwest-1': 'CN', // China (Ningxia)
};

/** EU member states with an AWS region (the EEA adds none: Iceland, Liechtenstein and Norway have no region). */
const EU_COUNTRIES = ['DE', 'ES', 'FR', 'IE', 'IT', 'SE'];

/** A jurisdiction: its name for reviewers and the regions a deployment of it may be in or reach. */
export interface Jurisdiction {
  name: string;
  regions: string[];
}

const regionsIn = (...countries: string[]): string[] =>
  AWS_REGIONS.filter((r) => countries.includes(REGION_COUNTRY[r]));

/**
 * The jurisdictions this project knows, by the code a deployment's `jurisdiction` names. Every country with an AWS
 * region is one by its ISO code; EU and EEA are the EU member states' regions. Define others (a group of countries,
 * or a narrower set of regions) in the matrix's `jurisdictions`.
 */
export const BUILT_IN_JURISDICTIONS: Record<string, Jurisdiction> = {
  EU: { name: 'European Union', regions: regionsIn(...EU_COUNTRIES) },
  EEA: { name: 'European Economic Area', regions: regionsIn(...EU_COUNTRIES) },
  US: { name: 'United States', regions: regionsIn('US') },
  JP: { name: 'Japan', regions: regionsIn('JP') },
  IN: { name: 'India', regions: regionsIn('IN') },
  UK: { name: 'United Kingdom', regions: regionsIn('GB') },
  CH: { name: 'Switzerland', regions: regionsIn('CH') },
  CA: { name: 'Canada', regions: regionsIn('CA') },
  MX: { name: 'Mexico', regions: regionsIn('MX') },
  BR: { name: 'Brazil', regions: regionsIn('BR') },
  AU: { name: 'Australia', regions: regionsIn('AU') },
  NZ: { name: 'New Zealand', regions: regionsIn('NZ') },
  KR: { name: 'South Korea', regions: regionsIn('KR') },
  SG: { name: 'Singapore', regions: regionsIn('SG') },
  ID: { name: 'Indonesia', regions: regionsIn('ID') },
  MY: { name: 'Malaysia', regions: regionsIn('MY') },
  TH: { name: 'Thailand', regions: regionsIn('TH') },
  HK: { name: 'Hong Kong', regions: regionsIn('HK') },
  TW: { name: 'Taiwan', regions: regionsIn('TW') },
  IL: { name: 'Israel', regions: regionsIn('IL') },
  AE: { name: 'United Arab Emirates', regions: regionsIn('AE') },
  BH: { name: 'Bahrain', regions: regionsIn('BH') },
  ZA: { name: 'South Africa', regions: regionsIn('ZA') },
  CN: { name: 'China', regions: regionsIn('CN') },
};

/** The jurisdictions in force: the built-in ones and the matrix's own (which may not redefine a built-in one). */
export function jurisdictionTable(own: Record<string, Jurisdiction> = {}): Record<string, Jurisdiction> {
  return { ...BUILT_IN_JURISDICTIONS, ...own };
}

/** The jurisdiction a region's country makes it part of, by the built-in table (for the review's words). */
export function jurisdictionsOfRegion(
  region: string,
  table: Record<string, Jurisdiction> = BUILT_IN_JURISDICTIONS,
): string[] {
  return Object.entries(table)
    .filter(([, j]) => j.regions.includes(region))
    .map(([code]) => code);
}

/**
 * A deployment's region and `allowedRegions` against its jurisdiction: each region outside it needs a reason in
 * `regionExceptions`; an exception that excuses nothing (a region inside the jurisdiction, or one the deployment
 * neither is in nor reaches) is a problem too, so that exceptions do not outlive their reason.
 */
export function jurisdictionIssues(
  identity: {
    jurisdiction: string;
    region: string;
    allowedRegions: readonly string[];
    regionExceptions: Partial<Record<string, string>>;
  },
  table: Record<string, Jurisdiction>,
  /** The jurisdiction was not set but defaulted (DEPLOYMENT_DEFAULTS): say which ones the region is in. */
  defaulted = false,
): { path: (string | number)[]; message: string }[] {
  const jurisdiction = table[identity.jurisdiction];
  if (!jurisdiction) {
    return [
      {
        path: ['jurisdiction'],
        message:
          `unknown jurisdiction; known: ${Object.keys(table).sort().join(', ')} — ` +
          `or define it in the matrix's jurisdictions with its regions`,
      },
    ];
  }
  const issues: { path: (string | number)[]; message: string }[] = [];
  const inside = (region: string) => jurisdiction.regions.includes(region);
  const within = `${identity.jurisdiction} (${jurisdiction.name}: ${jurisdiction.regions.join(', ')})`;
  const excused = (region: string) => Boolean(identity.regionExceptions[region]);
  if (!inside(identity.region) && !excused(identity.region)) {
    const hint = defaulted
      ? `; jurisdiction is not set and defaults to ${identity.jurisdiction}: ${identity.region} is ` +
        `in ${jurisdictionsOfRegion(identity.region, table).join(', ') || 'no known jurisdiction'} — set it`
      : '';
    issues.push({
      path: ['region'],
      message:
        `outside jurisdiction ${within}: every resource and its data would be there; deploy in one of ` +
        `its regions, or give regionExceptions: { '${identity.region}': '<reason>' }${hint}`,
    });
  }
  identity.allowedRegions.forEach((region, i) => {
    if (!inside(region) && !excused(region)) {
      issues.push({
        path: ['allowedRegions', i],
        message:
          `outside jurisdiction ${within}: references to it (replication, a provider, an ARN) would ` +
          `let data leave; remove it, or give regionExceptions: { '${region}': '<reason>' }`,
      });
    }
  });
  for (const region of Object.keys(identity.regionExceptions)) {
    if (inside(region))
      issues.push({
        path: ['regionExceptions', region],
        message: `${region} is inside jurisdiction ${identity.jurisdiction}: the exception excuses nothing; remove it`,
      });
    else if (region !== identity.region && !identity.allowedRegions.includes(region))
      issues.push({
        path: ['regionExceptions', region],
        message:
          `the deployment is not in ${region} and does not reach it ` +
          `(allowedRegions): the exception excuses nothing; remove it`,
      });
  }
  return issues;
}
