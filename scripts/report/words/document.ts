/**
 * The stack document's and the page's own words (render.ts lays them out): the section headings, each table's
 * columns, the page's title and introduction, and the labels of the data-flow diagram. The cost section's are in
 * cost.ts, the erasure section's in erasure.ts, the workspaces stacks' in workspaces.ts.
 */
import type { Severity } from '../../../stacks/rules/rule';
import type { SectionPart } from '../document';

/**
 * The headings of a stack's document, in the order it has them (`evaluatedAccess`, `rolesAsWritten` one level down).
 */
export const HEADING: Record<Exclude<SectionPart, 'prices'>, string> = {
  identity: 'Identity',
  flow: 'Data flow',
  stores: 'Where the data lives',
  retention: 'How long',
  protection: 'Destroy protection',
  alerts: 'Alerts and where they go',
  access: 'Who can read or write it',
  evaluatedAccess: 'Evaluated access',
  rolesAsWritten: 'Roles and policies as written',
  resourcePolicies: 'Resource policies',
  erasure: 'Erasure',
  capacity: 'Capacity',
  controls: 'Security Hub controls',
  findings: 'Findings',
  cost: 'Monthly cost estimate',
};

/** The columns of each table of a stack's document. */
export const COLUMNS = {
  identity: ['Setting', 'Value'],
  stores: ['Store', 'Holds', 'Region', 'Encryption', 'Key rotation', 'Reachable by', 'TLS only', 'Destroy protection'],
  retention: ['Store', 'Timeline', 'Notes'],
  protection: ['Bucket or key', 'Protection'],
  alerts: ['Alarms and rules', 'Destinations'],
  evaluatedAccess: ['Principal', 'May'],
  statements: ['Effect', 'Actions', 'Resources', 'Conditions'],
  resourcePolicies: ['Resource', 'Statements'],
  capacity: ['Traffic', 'Events / month', 'Peak events/s', 'MiB/s', 'Records/s', 'Requests/s', 'Headroom'],
  controls: ['Control', 'Title', 'Standards', 'Status', 'Resources', 'Why'],
  findings: ['Severity', 'Check', 'Resource', 'Finding'],
} as const satisfies Record<string, readonly string[]>;

/** Said where a stack has no resource policy. */
export const NO_RESOURCE_POLICIES = 'None.';
/** Between two conditions of a role's trust (`Assumed by …, only when a and b.`). */
export const CONDITIONS_JOINED = ' and ';

/** A stack's Markdown file's title. */
export const stackTitle = (stack: string): string => `Compliance review: ${stack}`;

/** The data-flow diagram's label for screen readers. */
export const flowLabel = (stack: string): string => `Data flow of ${stack}`;

/** The page's title. */
export const PAGE_TITLE = 'Telemetry pipeline — compliance review';
/** The page's introduction, before its legend of the findings' severities (`SEVERITY_LEGEND`). */
export const PAGE_INTRO =
  'One section per stack, generated from the synthesized Terraform in `cdktf.out/`: where every ' +
  'byte lives, for how long, under which key, who can read it, and what it costs. Findings: ';
/** The severities as the page's legend names them. */
export const SEVERITY_LEGEND: Record<Severity, string> = { error: 'errors', warning: 'warnings', info: 'info' };

/** The overview: its title, and its table's columns (one row per stack). */
export const OVERVIEW_TITLE = 'Overview';
export const OVERVIEW_COLUMNS = [
  'Stack',
  'Region',
  'Account',
  'Jurisdiction',
  'Profile',
  'Event data deleted at',
  'Findings',
  'Controls',
  '100 M events / month',
] as const;
/** An overview cell of a setting that does not apply (a stack with no jurisdiction). */
export const NOT_APPLICABLE = 'n/a';
