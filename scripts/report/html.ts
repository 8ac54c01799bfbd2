/**
 * The HTML writer of the report document (document.ts): one self-contained page, no scripts, fonts or images from the
 * network, a generated SVG data-flow diagram per stack. Escape by construction: every text and every attribute value
 * goes through `escapeHtml`, attribute values are plain strings (never inline content), and the only markup is the
 * writer's own — a document cannot carry markup into the page, least of all into an attribute.
 */
import type { Block, Cell, FlowEdge, Inline, Section, Tone } from './document';

export const escapeHtml = (t: string): string =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Attributes = Record<string, string | number | undefined>;

/** An element: its attributes escaped, its content the writer's own (already escaped) markup. */
function element(tag: string, attributes: Attributes, content: string): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`)
    .join('');
  return `<${tag}${attrs}>${content}</${tag}>`;
}

const TONE_CLASS: Record<Tone, string> = {
  error: 'sev error',
  warning: 'sev warning',
  info: 'sev info',
  pass: 'control pass',
  fail: 'control fail',
  accepted: 'control accepted',
  'not-checked': 'control not-checked',
};

export function inlineHtml(i: Inline): string {
  switch (i.kind) {
    case 'text':
      return escapeHtml(i.text);
    case 'code':
      return element('code', {}, escapeHtml(i.text));
    case 'name':
      return element(i.code ? 'code' : 'span', { class: 'tf', title: i.address }, escapeHtml(i.name));
    case 'strong':
      return element('strong', {}, cellHtml(i.content));
    case 'mark':
      return element('span', { class: TONE_CLASS[i.tone] }, escapeHtml(i.text));
    case 'anchor':
      return element('a', { href: `#${i.target}` }, escapeHtml(i.text));
    case 'break':
      return '<br>';
  }
}

export const cellHtml = (c: Cell): string => c.map(inlineHtml).join('');

function tableHtml(headers: string[], rows: Cell[][]): string {
  const head = element('thead', {}, element('tr', {}, headers.map((h) => element('th', {}, escapeHtml(h))).join('')));
  const body = element(
    'tbody',
    {},
    rows.map((r) => element('tr', {}, r.map((c) => element('td', {}, cellHtml(c))).join(''))).join(''),
  );
  return element('table', {}, head + body);
}

/** A block at the depth of its section: a section's h2 makes its level-1 headings h3. */
export function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return element(`h${b.level + 2}`, { id: b.id, 'data-section': b.section }, escapeHtml(b.text));
    case 'paragraph':
      return element('p', {}, cellHtml(b.content));
    case 'list':
      return element('ul', { 'data-section': b.section }, b.items.map((i) => element('li', {}, cellHtml(i))).join(''));
    case 'table':
      return tableHtml(b.headers, b.rows);
    case 'flow':
      return element('div', { class: 'diagram' }, flowSvg(b.edges, b.id, b.label));
    case 'details':
      return element(
        'details',
        { class: 'stack-changes' },
        element('summary', {}, cellHtml(b.summary)) + b.blocks.map(blockHtml).join(''),
      );
  }
}

export function sectionHtml(s: Section): string {
  return element(
    'section',
    { class: s.role, id: s.id, 'data-stack': s.role === 'stack' ? s.id : undefined, 'data-stack-role': s.stackRole },
    `\n${element('h2', {}, escapeHtml(s.title))}\n${s.blocks.map(blockHtml).join('\n')}\n`,
  );
}

/** Splits a label into at most `maxLines` lines of about `width` characters, breaking after ' ', '-' or '/'. */
export function wrap(label: string, width: number, maxLines: number): string[] {
  const out: string[] = [];
  let rest = label;
  while (rest.length > width && out.length < maxLines - 1) {
    const cut = Math.max(
      rest.lastIndexOf(' ', width),
      rest.lastIndexOf('-', width - 1) + 1,
      rest.lastIndexOf('/', width - 1) + 1,
    );
    const at = cut > 0 ? cut : width;
    out.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  out.push(rest.length > width ? `${rest.slice(0, width - 1)}…` : rest);
  return out;
}

/**
 * A left-to-right diagram: each node sits in the column of its longest path from a source (so a node two
 * edges away never hides behind one in between), nodes of one column stack vertically, and every edge is
 * labelled with its region.
 */
export function flowSvg(edges: FlowEdge[], id: string, label: string): string {
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
    const labelLines = wrap(n, 27, 3);
    const rect = `<rect x="${x(n)}" y="${y(n)}" width="${width}" height="${height}" rx="8" class="node"/>`;
    const labels = labelLines.map((line, i) =>
      element(
        'text',
        {
          x: x(n) + width / 2,
          y: y(n) + height / 2 + (i - (labelLines.length - 1) / 2) * 15 + 4,
          'text-anchor': 'middle',
        },
        escapeHtml(line),
      ),
    );
    return element('g', {}, rect + labels.join(''));
  });
  const arrows = edges.map((e) => {
    const [x1, y1, x2, y2] = [x(e.from) + width, y(e.from) + height / 2, x(e.to) - 3, y(e.to) + height / 2];
    const path = `<path d="M${x1},${y1} L${x2},${y2}" marker-end="url(#arrow-${escapeHtml(id)})"/>`;
    const label = element(
      'text',
      { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 7, 'text-anchor': 'middle', class: 'region' },
      escapeHtml(e.region),
    );
    return element(
      'g',
      { class: 'edge' },
      path + label + element('title', {}, escapeHtml(`${e.from} → ${e.to}: ${e.via} (${e.region})`)),
    );
  });
  const marker =
    `<defs><marker id="arrow-${escapeHtml(id)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ` +
    `markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`;
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'flow',
      role: 'img',
      'aria-label': label,
      viewBox: `0 0 ${totalWidth} ${totalHeight}`,
      style: `max-width:${totalWidth}px`,
    },
    marker + boxes.join('') + arrows.join(''),
  );
}

const STYLE =
  `body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", ` +
  `sans-serif; margin: 24px; color: #1d2330; max-width: 1500px; }\n` +
  `h1 { font-size: 22px; } h2 { font-size: 18px; border-top: 2px solid #d7dce5; padding-top: 18px; ` +
  `margin-top: 32px; } h3 { font-size: 15px; margin-top: 20px; } h4 { font-size: 14px; margin: 14px 0 4px; }\n` +
  `table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid ` +
  `#d7dce5; padding: 4px 7px; text-align: left; vertical-align: top; } th { background: #f2f4f8; }\n` +
  `code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: ` +
  `#f2f4f8; padding: 0 3px; border-radius: 3px; word-break: break-all; }\n` +
  `.diagram { overflow-x: auto; border: 1px solid #d7dce5; border-radius: 8px; padding: 6px; background: #fbfcfe; }\n` +
  `svg.flow { display: block; width: 100%; height: auto; } /* ` +
  `scales down to fit the page: no hidden right-hand side */\n` +
  `svg.flow .node { fill: #e8f0fe; stroke: #3b6fd8; stroke-width: 1.5; } ` +
  `svg.flow text { font: 12px system-ui, sans-serif; fill: #1d2330; }\n` +
  `svg.flow .edge path { stroke: #4a5468; stroke-width: 1.5; fill: none; } svg.flow marker ` +
  `path { fill: #4a5468; } svg.flow text.region { font-size: 11px; fill: #1a7f37; }\n` +
  `.sev { display: inline-block; min-width: 1.6em; padding: 0 6px; ` +
  `border-radius: 9px; text-align: center; font-weight: 600; }\n` +
  `.sev.error { background: #ffd7d5; color: #a40e26; } .sev.warning { background: ` +
  `#fff1c2; color: #7a4d00; } .sev.info { background: #dbeafe; color: #1e40af; }\n` +
  `details.stack-changes { border: 1px solid #d7dce5; border-radius: 6px; padding: 4px 10px; ` +
  `margin: 6px 0; } details.stack-changes summary { cursor: pointer; font-weight: 600; }\n` +
  `.control { font-weight: 600; } .control.fail { color: #a40e26; } .control.pass { color: ` +
  `#1a7f37; } .control.accepted { color: #7a4d00; } .control.not-checked { color: #4a5468; }`;

/** The page: a title, an introduction and its sections, in order. */
export function pageHtml(title: string, intro: Cell, sections: Section[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${element('title', {}, escapeHtml(title))}
<style>
${STYLE}
</style>
</head>
<body>
${element('h1', {}, escapeHtml(title))}
${element('p', {}, cellHtml(intro))}
${sections.map(sectionHtml).join('\n')}
</body>
</html>
`;
}
