/** The Security Hub controls section in words: counts, why each control has its status, alarms' conditions. */
import type { StackModel } from '../../../model/types';
import { CONTROLS_SCOPE, isSecurityHubControl } from '../../../config/controls';
import type { StackReport } from '../analyze';
import type { ControlResult } from '../controls';
import { nameOf, type Context } from './model';

/** CloudWatch's comparison operators, as a reader writes them. */
export const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/**
 * What a metric counts, where AWS says it: ThrottledRecords is "the number of records that were throttled because data
 * ingestion exceeded one of the Firehose stream limits" (Firehose developer guide, "Monitor with CloudWatch metrics",
 * https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html).
 */
export const METRIC_MEANS: Record<string, string> = {
  ThrottledRecords:
    "records Firehose refused because ingestion exceeded one of the stream's quotas (the " +
    "capacity section's), so it fires at the quota, not at a flood of records below it",
};

/** What the controls section covers (config/controls.ts, beside the catalogue it describes). */
export { CONTROLS_SCOPE };

/**
 * The controls' counts by status, Security Hub's controls apart from this project's own checks (catalogue entries in
 * no Security Hub standard: config/controls.ts isSecurityHubControl), so that a count is never read as Security
 * Hub's: `Security Hub: 12 pass, 1 accepted, 1 fail, 2 not checked`.
 */
export function controlSummary(r: Pick<StackReport, 'controls'>): string {
  const counts = (list: StackReport['controls']) =>
    ['pass', 'accepted', 'fail', 'not checked']
      .map((s) => `${list.filter((c) => c.status === s).length} ${s}`)
      .join(', ');
  const hub = r.controls.filter(isSecurityHubControl);
  const own = r.controls.filter((c) => !isSecurityHubControl(c));
  return `Security Hub: ${counts(hub)}${own.length ? `; this project’s checks: ${counts(own)}` : ''}`;
}

/** Where acceptances are configured, for the reader. */
export const ACCEPTANCES_SETTING =
  'controls.acceptances (config/defaults.ts; a profile or a deployment may override it)';

/** The counts, and where acceptances are configured. */
export const controlCounts = (r: Pick<StackReport, 'controls'>): string =>
  `${controlSummary(r)}. Accepted controls are configured in ${ACCEPTANCES_SETTING}.`;

/**
 * What of a compensating control an acceptance counts on the stack's facts do not back: an alarm counts only when its
 * topic reaches someone; a control it cites as checked (S3.8, S3.2, …) only when that control does not fail here.
 */
export function unbackedCompensation(
  text: string,
  model: StackModel,
  controls: readonly { id: string; status: ControlResult['status']; failing?: string[] }[] = [],
): string | null {
  const subscribed = model.destinations.some((d) => d.kind === 'subscription');
  const reasons: string[] = [];
  if (/\balarm\b/i.test(text) && !subscribed)
    reasons.push('no one is notified: the alert topic has no subscriber here (monitoring.alarmEmails)');
  const cited = controls.filter(
    (c) => c.status === 'fail' && new RegExp(`(^|[^A-Za-z0-9.])${c.id.replace(/\./g, '\\.')}(?![0-9])`).test(text),
  );
  const on = (c: { failing?: string[] }) =>
    c.failing?.length ? ` on ${c.failing.map((a) => model.names[a] ?? a).join(', ')}` : '';
  for (const c of cited) reasons.push(`${c.id} fails here${on(c)}`);
  return reasons.length ? reasons.join('; ') : null;
}

/**
 * When each metric alarm a compensation names (by its metric) fires, from the alarm's configured condition, with what
 * the metric counts where a source says it (METRIC_MEANS): `alarm x fires when ThrottledRecords Sum > 0 over 300 s: …`.
 */
export function alarmConditions(text: string, model: StackModel): string | null {
  const named = model.alerts.filter(
    (a) => a.kind === 'metric-alarm' && a.condition && a.watches && new RegExp(`\\b${a.watches}\\b`).test(text),
  );
  if (named.length === 0) return null;
  return named
    .map((a) => {
      const c = a.condition!;
      const op = COMPARISON[c.comparison] ?? c.comparison;
      const means = METRIC_MEANS[a.watches];
      return (
        `alarm ${a.name} fires when ${a.watches} ${c.statistic} ${op} ${c.threshold} ` +
        `over ${c.periodSeconds} s${means ? `: ${means}` : ''}`
      );
    })
    .join('; ');
}

/**
 * Why a control has its status: the acceptance, AWS's exemption, what fails and what would close it, or why no
 * rule checks it.
 */
export function controlWhy(
  c: ControlResult,
  ctx: Context,
  model: StackModel,
  all: readonly ControlResult[] = [],
): string {
  const names = (addresses: string[]) => addresses.map((a) => nameOf(a, ctx)).join(', ');
  const exempted = c.exempted ? `${names(c.exempted.resources)} exempted: ${c.exempted.reason}` : '';
  if (c.status === 'accepted' && c.acceptance) {
    const compensations = c.acceptance.compensatingControls.map((text) => {
      const unbacked = unbackedCompensation(text, model, all);
      const fires = alarmConditions(text, model);
      return `${text}${fires ? ` (${fires})` : ''}${unbacked ? ` (but ${unbacked})` : ''}`;
    });
    return (
      `accepted for ${c.acceptance.scope}: ${c.acceptance.reason}; compensated ` +
      `by ${compensations.join('; ')}${exempted ? `; ${exempted}` : ''}`
    );
  }
  // The policies a control reads on the resource AWS evaluates (S3.6, SNS.4, SQS.3), and the resources without one.
  const governed = new Set(
    model.resourcePolicies
      .filter((p) => c.evidence?.includes(p.address) && p.governs.kind === 'own')
      .map((p) => (p.governs as { address: string }).address),
  );
  const without = c.resources.filter((r) => !governed.has(r));
  const evidence = c.evidenceTypes?.length
    ? `; evidence: ${c.evidence.length ? names(c.evidence) : 'no policy'}` +
      (c.evidence.length && without.length ? `; ${names(without)} without a policy, which grants no one anything` : '')
    : '';
  if (c.status === 'accepted') return `${exempted} (rule ${c.rules.join(', ')})`;
  if (c.status === 'fail')
    return (
      `fails on ${names(c.failing)}${c.closedBy ? `; closed by ${c.closedBy}` : ''}` +
      `${exempted ? `; ${exempted}` : ''} (rule ${c.rules.join(', ')})${evidence}`
    );
  if (c.status === 'not checked')
    return (
      `not checked${c.notCheckable ? `: ${c.notCheckable}` : ': no rule checks it here'}` +
      `${c.closedBy ? `; ${c.closedBy}` : ''}`
    );
  return `rule ${c.rules.join(', ')}${evidence}`;
}
