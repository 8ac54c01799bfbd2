/**
 * Renders stack reports as Markdown (one file per stack) and as one self-contained HTML page for the matrix,
 * with a generated SVG data-flow diagram per stack — no scripts, fonts or images from the network.
 * No timestamps anywhere: the same input gives byte-identical output, so pull requests show real changes.
 */
import type { Finding } from '../../stacks/policy-checks';
import type { DataStore, FlowEdge, StackReport } from './analyze';
import { ASSUMPTIONS, pricesFor } from './prices';
import type { CostEstimate } from './cost';

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => (n >= 1e9 ? `${n / 1e9} B` : `${n / 1e6} M`);
const yesNo = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : 'NO');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function timeline(store: DataStore): string {
  const steps = ['STANDARD at day 0', ...store.retention.transitions.map((t) => `${t.storageClass} at day ${t.days}`)];
  if (store.retention.expirationDays !== null) steps.push(`deleted at day ${store.retention.expirationDays}`);
  return store.kind === 'S3' ? steps.join(' → ') : store.retention.expirationDays !== null ? `deleted after ${store.retention.expirationDays} days` : '—';
}

export function severityCounts(findings: Finding[]): Record<string, number> {
  return { error: 0, warning: 0, info: 0, ...Object.fromEntries(['error', 'warning', 'info'].map((s) => [s, findings.filter((f) => f.severity === s).length])) };
}

/** The price inputs of an estimate, with their source; or why the region is not priced. */
export function priceLine(cost: CostEstimate): string {
  const p = pricesFor(cost.prices.region);
  if (!p) return `Not priced: no sourced price table for ${cost.prices.region} (scripts/report/prices.ts).`;
  return (
    `Prices for ${cost.prices.region} (scripts/report/prices.ts; ${p.source}): Firehose $${p.firehosePerGb}/GB, S3 $${p.s3StandardPerGbMonth} Standard / $${p.s3StandardIaPerGbMonth} IA / ` +
    `$${p.s3DeepArchivePerGbMonth} Deep Archive per GB-month, Glue $${p.glueDpuHour}/DPU-hour (${ASSUMPTIONS.crawlerDpus} DPUs, ${ASSUMPTIONS.crawlerBilledMinutes}-minute minimum: $${cost.crawlerCostPerRun}/crawl), ` +
    `Athena $${p.athenaPerTb}/TB; ${ASSUMPTIONS.eventKb} KB events, ${ASSUMPTIONS.gzipReduction * 100} % GZIP reduction.`
  );
}

export function renderMarkdown(r: StackReport): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const { identity: id } = r;
  push(`# Compliance review: ${r.stack}`, '');
  push('Generated from the synthesized Terraform (`cdktf.out/`), i.e. what will be deployed.', '');
  push('## Identity', '', '| | |', '|---|---|');
  push(`| Environment | ${id.environment} |`, `| Region | ${id.region} |`, `| Account | ${id.account} |`, `| Jurisdiction | ${id.jurisdiction} |`, `| Classification | ${id.classification} |`, `| Retention profile | ${id.retentionProfile} |`);
  push(`| State backend | ${id.backend.type}: \`${id.backend.location}\` (${id.backend.region}) |`, '');

  push('## Where the data lives', '', '| Store | Holds | Region | Encryption | Key rotation | Public access | TLS only | Destroy protection |', '|---|---|---|---|---|---|---|---|');
  for (const s of r.stores) push(`| \`${cell(s.name)}\` | ${cell(s.holds)} | ${s.region} | ${cell(s.encryption)} | ${yesNo(s.keyRotation)} | ${cell(s.publicAccess)} | ${yesNo(s.tlsOnly)} | ${cell(s.protection)} |`);
  push('');

  push('## Destroy protection', '');
  for (const p of r.protection) push(`- ${cell(p.resource)}: ${cell(p.status)}`);
  push('');

  push('## How long', '', '| Store | Timeline | Notes |', '|---|---|---|');
  for (const s of r.stores) push(`| \`${cell(s.name)}\` | ${timeline(s)} | ${cell(s.retention.notes.join('; ') || '—')} |`);
  push('');

  push('## Alerts and where they go', '', `Alarms and rules: ${r.alerts.alarms.join(', ') || 'none'}.`, '', `Destinations: ${r.alerts.destinations.join(', ') || 'none'} (email addresses masked).`, '');

  push('## Who can read or write it', '');
  for (const a of r.access) {
    push(`### ${a.grants.length || a.managedPolicies.length ? 'Role ' : ''}\`${a.role}\``, '', `Assumed by ${a.assumedBy}${a.conditions.length ? `, only when ${a.conditions.map((c) => `\`${c}\``).join(' and ')}` : ''}.`, '');
    if (!a.grants.length && !a.managedPolicies.length) {
      push('Grants: whatever the account\'s IAM policies give them; nothing in this stack.', '');
      continue;
    }
    push('| Actions | Resources | Conditions |', '|---|---|---|');
    for (const g of a.grants) push(`| ${g.actions.map((x) => `\`${x}\``).join(', ')} | ${g.resources.map((x) => `\`${cell(x)}\``).join(', ')} | ${g.conditions.map((c) => `\`${cell(c)}\``).join('<br>') || '—'} |`);
    for (const m of a.managedPolicies) push(`| AWS managed policy \`${m}\` | (see AWS) | — |`);
    push('');
  }
  push('### Resource policies', '');
  for (const p of r.resourcePolicies) {
    push(`- **${cell(p.resource)}**`);
    for (const s of p.statements) push(`  - ${s}`);
  }
  push('');

  push('## Data flow', '', '| From | To | Region | Via |', '|---|---|---|---|');
  for (const e of r.flow) push(`| ${cell(e.from)} | ${cell(e.to)} | ${e.region} | ${cell(e.via)} |`);
  push('');

  const counts = severityCounts(r.findings);
  if (r.capacity) {
    const c = r.capacity;
    push(
      '## Capacity',
      '',
      `Default Firehose quotas in ${c.region}: ${c.quota.mibPerSecond} MiB/s, ${c.quota.recordsPerSecond} records/s, ${c.quota.requestsPerSecond} requests/s (${c.quota.source}). Peak ${c.settings.peakFactor}× the monthly average, ${c.settings.eventBytes}-byte events, ${c.settings.eventsPerRecord} per record; requests/s assume full PutRecordBatch calls.`,
      '',
      '| Traffic | Events / month | Peak events/s | MiB/s | Records/s | Requests/s | Headroom |',
      '|---|---|---|---|---|---|---|',
    );
    for (const l of [c.configured, ...c.tiers]) push(`| ${l.label} | ${count(l.eventsPerMonth)} | ${l.peakEventsPerSecond} | ${l.mibPerSecond} | ${l.recordsPerSecond} | ${l.requestsPerSecond} | ${l.headroom < 1 ? `**${l.headroom}×: throttles**` : `${l.headroom}×`} |`);
    push('', c.fixes.length ? `Fix at the configured peak: ${c.fixes.join('; ')}.` : 'The configured peak fits the default quotas.', '');
  }

  push('## Findings', '', `${counts.error} error, ${counts.warning} warning, ${counts.info} info.`, '');
  if (r.findings.length > 0) {
    push('| Severity | Check | Resource | Finding |', '|---|---|---|---|');
    for (const f of r.findings) push(`| ${f.severity} | ${f.check} | \`${cell(f.resource)}\` | ${cell(f.message)} |`);
    push('');
  }

  if (r.cost) {
    push('## Monthly cost estimate', '', `Output format: ${r.cost.format}; crawler runs per month: ${r.cost.crawlerRunsPerMonth}.`, '');
    push('| Events / month | Raw GB | Stored GB added | Firehose | S3 (steady state) | Glue | Athena | Total | Reference design |', '|---|---|---|---|---|---|---|---|---|');
    for (const l of r.cost.lines) push(`| ${count(l.events)} | ${l.rawGb} | ${l.storedGbPerMonth} | ${usd(l.firehose)} | ${usd(l.s3)} | ${usd(l.glue)} | ${usd(l.athena)} | **${usd(l.total)}** | ${usd(l.referenceTotal)} |`);
    push('', 'Why it differs from the reference design:', '');
    for (const d of r.cost.differences) push(`- ${d}`);
    push('', priceLine(r.cost), '');
    if (r.cost.catalogModes.length) {
      push('Catalog cost of each mode for this schedule and region:', '', '| Catalog mode | Per month | How |', '|---|---|---|');
      for (const m of r.cost.catalogModes) push(`| ${m.mode} | ${usd(m.perMonth)} | ${cell(m.note)} |`);
      push('');
    }
  }
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a label into at most `maxLines` lines of about `width` characters, breaking after ' ', '-' or '/'. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width && lines.length < maxLines - 1) {
    const cut = Math.max(rest.lastIndexOf(' ', width), rest.lastIndexOf('-', width - 1) + 1, rest.lastIndexOf('/', width - 1) + 1);
    const at = cut > 0 ? cut : width;
    lines.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  lines.push(rest.length > width ? `${rest.slice(0, width - 1)}…` : rest);
  return lines;
}

/**
 * A left-to-right diagram: each node sits in the column of its longest path from a source (so a node two
 * edges away never hides behind one in between), nodes of one column stack vertically, and every edge is
 * labelled with its region.
 */
export function flowSvg(edges: FlowEdge[], id: string): string {
  if (edges.length === 0) return '<p>No data flows through this stack.</p>';
  const nodes: string[] = [];
  for (const e of edges) for (const n of [e.from, e.to]) if (!nodes.includes(n)) nodes.push(n);
  const column = new Map(nodes.map((n) => [n, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const e of edges) column.set(e.to, Math.max(column.get(e.to)!, column.get(e.from)! + 1));
  }
  const rowOf = new Map<string, number>();
  const perColumn = new Map<number, number>();
  for (const n of nodes) {
    const c = column.get(n)!;
    rowOf.set(n, perColumn.get(c) ?? 0);
    perColumn.set(c, (perColumn.get(c) ?? 0) + 1);
  }
  const [width, height, gap, rowGap] = [190, 62, 70, 34];
  const x = (n: string) => 10 + column.get(n)! * (width + gap);
  const y = (n: string) => 24 + rowOf.get(n)! * (height + rowGap);
  const columns = Math.max(...column.values()) + 1;
  const rows = Math.max(...perColumn.values());
  const totalWidth = columns * width + (columns - 1) * gap + 20;
  const totalHeight = 24 + rows * (height + rowGap);
  const boxes = nodes.map((n) => {
    const lines = wrap(n, 27, 3);
    return `<g><rect x="${x(n)}" y="${y(n)}" width="${width}" height="${height}" rx="8" class="node"/>${lines
      .map((line, i) => `<text x="${x(n) + width / 2}" y="${y(n) + height / 2 + (i - (lines.length - 1) / 2) * 15 + 4}" text-anchor="middle">${escapeHtml(line)}</text>`)
      .join('')}</g>`;
  });
  const arrows = edges.map((e) => {
    const [x1, y1, x2, y2] = [x(e.from) + width, y(e.from) + height / 2, x(e.to) - 3, y(e.to) + height / 2];
    return `<g class="edge"><path d="M${x1},${y1} L${x2},${y2}" marker-end="url(#arrow-${escapeHtml(id)})"/><text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 7}" text-anchor="middle" class="region">${escapeHtml(e.region)}</text><title>${escapeHtml(`${e.from} → ${e.to}: ${e.via} (${e.region})`)}</title></g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" aria-label="Data flow of ${escapeHtml(id)}" viewBox="0 0 ${totalWidth} ${totalHeight}" style="max-width:${totalWidth}px">`,
    `<defs><marker id="arrow-${escapeHtml(id)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
    ...boxes,
    ...arrows,
    '</svg>',
  ].join('');
}

function table(headers: string[], rows: string[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A change review to show above the stacks (npm run review). */
export interface ChangesSection {
  base: string;
  stacks: { stack: string; status: string; verdict: string; changes: { category: string; kind: string; what: string; widensAccess?: boolean; shortensRetention?: boolean }[] }[];
}

export function renderHtml(reports: StackReport[], changes?: ChangesSection): string {
  const e = escapeHtml;
  const changesHtml = changes
    ? `<section class="changes" id="changes">
<h2>Changes against ${e(changes.base)}</h2>
${table(['Stack', 'Status', 'Verdict'], changes.stacks.map((s) => [`<code>${e(s.stack)}</code>`, e(s.status), e(s.verdict)]))}
${changes.stacks
  .filter((s) => s.changes.length)
  .map((s) => `<h3>${e(s.stack)}</h3>${table(['Section', 'Change', ''], s.changes.map((c) => [e(c.category), `${e(c.kind)}: ${e(c.what)}`, c.widensAccess ? '<span class="sev error">widens access</span>' : c.shortensRetention ? '<span class="sev warning">shortens retention</span>' : '']))}`)
  .join('\n')}
</section>`
    : '';
  const overview = table(
    ['Stack', 'Region', 'Account', 'Jurisdiction', 'Profile', 'Event data deleted at', 'Findings', '100 M events / month'],
    reports.map((r) => {
      const c = severityCounts(r.findings);
      const events = r.stores.find((s) => s.holds.startsWith('app events'));
      return [
        `<a href="#${e(r.stack)}">${e(r.stack)}</a>`,
        e(r.identity.region),
        e(r.identity.account),
        e(r.identity.jurisdiction),
        e(r.identity.retentionProfile),
        events?.retention.expirationDays !== null && events ? `day ${events.retention.expirationDays}` : '—',
        `<span class="sev error">${c.error}</span> <span class="sev warning">${c.warning}</span> <span class="sev info">${c.info}</span>`,
        r.cost?.lines.length ? usd(r.cost.lines[1].total) : r.cost ? 'not priced' : '—',
      ];
    }),
  );
  const sections = reports.map((r) => {
    // Within a stack's section, Terraform addresses read as the AWS names reviewers know; the address is the tooltip.
    const e = (text: string) =>
      escapeHtml(String(text)).replace(/aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/g, (address) => (r.names[address] ? `<span class="tf" title="${address}">${escapeHtml(r.names[address])}</span>` : address));
    const id = r.identity;
    return `<section class="stack" id="${e(r.stack)}" data-stack="${e(r.stack)}">
<h2>${e(r.stack)}</h2>
<p class="identity">${e(id.environment)} · ${e(id.region)} · account ${e(id.account)} · ${e(id.jurisdiction)} · ${e(id.classification)} · profile ${e(id.retentionProfile)} · state: ${e(id.backend.type)} <code>${e(id.backend.location)}</code> (${e(id.backend.region)})</p>
<h3>Data flow</h3>
<div class="diagram">${flowSvg(r.flow, r.stack)}</div>
<h3>Where the data lives and for how long</h3>
${table(['Store', 'Holds', 'Region', 'Encryption', 'Rotation', 'Public access', 'TLS only', 'Destroy protection', 'Timeline', 'Notes'], r.stores.map((s) => [`<code>${e(s.name)}</code>`, e(s.holds), e(s.region), e(s.encryption), yesNo(s.keyRotation), e(s.publicAccess), yesNo(s.tlsOnly), e(s.protection), e(timeline(s)), e(s.retention.notes.join('; ') || '—')]))}
<h3>Destroy protection</h3>
${table(['Bucket or key', 'Protection'], r.protection.map((p) => [e(p.resource), e(p.status)]))}
<h3>Alerts and where they go</h3>
${table(['Alarms and rules', 'Destinations'], [[r.alerts.alarms.map((a) => e(a)).join('<br>') || '—', r.alerts.destinations.map((d) => e(d)).join('<br>') || '—']])}
<h3>Who can read or write it</h3>
${table(['Role', 'Assumed by', 'Conditions', 'Grants'], r.access.map((a) => [`<code>${e(a.role)}</code>`, e(a.assumedBy), a.conditions.map((c) => `<code>${e(c)}</code>`).join('<br>') || '—', [...a.grants.map((g) => `${g.actions.map((x) => `<code>${e(x)}</code>`).join(' ')} on ${g.resources.map((x) => `<code>${e(x)}</code>`).join(' ')}${g.conditions.length ? ` when ${g.conditions.map((c) => `<code>${e(c)}</code>`).join(' and ')}` : ''}`), ...a.managedPolicies.map((m) => `managed <code>${e(m)}</code>`)].join('<br>')]))}
<h3>Resource policies</h3>
${r.resourcePolicies.length ? table(['Resource', 'Statements'], r.resourcePolicies.map((p) => [e(p.resource), p.statements.map((x) => e(x)).join('<br>')])) : '<p>None.</p>'}
${r.capacity ? `<h3>Capacity</h3><p>Default Firehose quotas in ${e(r.capacity.region)}: ${r.capacity.quota.mibPerSecond} MiB/s, ${r.capacity.quota.recordsPerSecond} records/s, ${r.capacity.quota.requestsPerSecond} requests/s (${e(r.capacity.quota.source)}).</p>${table(['Traffic', 'Peak events/s', 'MiB/s', 'Records/s', 'Requests/s', 'Headroom'], [r.capacity.configured, ...r.capacity.tiers].map((l) => [e(l.label), String(l.peakEventsPerSecond), String(l.mibPerSecond), String(l.recordsPerSecond), String(l.requestsPerSecond), l.headroom < 1 ? `<span class="sev warning">${l.headroom}×: throttles</span>` : `${l.headroom}×`]))}${r.capacity.fixes.length ? `<p>Fix: ${e(r.capacity.fixes.join('; '))}</p>` : ''}` : ''}
<h3>Findings</h3>
${r.findings.length ? table(['Severity', 'Check', 'Resource', 'Finding'], r.findings.map((f) => [`<span class="sev ${f.severity}">${f.severity}</span>`, e(f.check), `<code>${e(f.resource)}</code>`, e(f.message)])) : '<p>None.</p>'}
${r.cost ? `<h3>Monthly cost estimate</h3>${r.cost.lines.length ? table(['Events / month', 'Firehose', 'S3', 'Glue', 'Athena', 'Total', 'Reference design'], r.cost.lines.map((l) => [count(l.events), usd(l.firehose), usd(l.s3), usd(l.glue), usd(l.athena), `<strong>${usd(l.total)}</strong>`, usd(l.referenceTotal)])) : ''}<ul>${r.cost.differences.map((d) => `<li>${e(d)}</li>`).join('')}</ul><p class="prices">${e(priceLine(r.cost))}</p>${r.cost.catalogModes.length ? table(['Catalog mode', 'Per month', 'How'], r.cost.catalogModes.map((m) => [e(m.mode), usd(m.perMonth), e(m.note)])) : ''}` : ''}
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Telemetry pipeline — compliance review</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2330; max-width: 1500px; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-top: 2px solid #d7dce5; padding-top: 18px; margin-top: 32px; } h3 { font-size: 15px; margin-top: 20px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid #d7dce5; padding: 4px 7px; text-align: left; vertical-align: top; } th { background: #f2f4f8; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f2f4f8; padding: 0 3px; border-radius: 3px; word-break: break-all; }
.identity { color: #4a5468; }
.diagram { overflow-x: auto; border: 1px solid #d7dce5; border-radius: 8px; padding: 6px; background: #fbfcfe; }
svg.flow { display: block; width: 100%; height: auto; } /* scales down to fit the page: no hidden right-hand side */
svg.flow .node { fill: #e8f0fe; stroke: #3b6fd8; stroke-width: 1.5; } svg.flow text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg.flow .edge path { stroke: #4a5468; stroke-width: 1.5; fill: none; } svg.flow marker path { fill: #4a5468; } svg.flow text.region { font-size: 11px; fill: #1a7f37; }
.sev { display: inline-block; min-width: 1.6em; padding: 0 6px; border-radius: 9px; text-align: center; font-weight: 600; }
.sev.error { background: #ffd7d5; color: #a40e26; } .sev.warning { background: #fff1c2; color: #7a4d00; } .sev.info { background: #dbeafe; color: #1e40af; }
</style>
</head>
<body>
<h1>Telemetry pipeline — compliance review</h1>
<p>One section per stack, generated from the synthesized Terraform in <code>cdktf.out/</code>: where every byte lives, for how long, under which key, who can read it, and what it costs. Findings: <span class="sev error">errors</span> <span class="sev warning">warnings</span> <span class="sev info">info</span>.</p>
${changesHtml}
${overview}
${sections.join('\n')}
</body>
</html>
`;
}
