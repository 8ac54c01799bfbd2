/**
 * The Markdown writer of the report document (document.ts): GitHub-flavoured Markdown, one file per stack and the
 * change review's changes.md. Names read as their AWS names (the Terraform address is in the JSON beside it), the
 * data flow as a table, collapsed blocks as headings.
 */
import type { Block, Cell, Inline, Section } from './document';

/** Backticks fencing a code span: one more than the longest run inside. */
const fence = (t: string) => '`'.repeat(Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length)) + 1);
const codeSpan = (t: string) => {
  const f = fence(t);
  return f.length > 1 || t.startsWith('`') ? `${f} ${t} ${f}` : `${f}${t}${f}`;
};

export function inlineMarkdown(i: Inline): string {
  switch (i.kind) {
    case 'text':
    case 'mark':
    case 'anchor':
      return i.text;
    case 'code':
      return codeSpan(i.text);
    case 'name':
      return i.code ? codeSpan(i.name) : i.name;
    case 'strong':
      return `**${cellMarkdown(i.content)}**`;
    case 'break':
      return '<br>';
  }
}

export const cellMarkdown = (c: Cell): string => c.map(inlineMarkdown).join('');

/** A table cell: one line, its pipes escaped (inside code spans too: GitHub splits the row first). */
const tableCell = (c: Cell) => cellMarkdown(c).replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Outside a table a break is a new line. */
const prose = (c: Cell) => cellMarkdown(c).replace(/<br>/g, '\n');

const tableMarkdown = (headers: string[], rows: Cell[][]) =>
  [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(tableCell).join(' | ')} |`),
  ].join('\n');

/** A block; `depth` is the level of its section's own heading (`#` for a stack file). */
export function blockMarkdown(b: Block, depth = 1): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(depth + b.level)} ${b.text}`;
    case 'paragraph':
      return prose(b.content);
    case 'list':
      return b.items.map((i) => `- ${prose(i).replace(/\n/g, '\n  ')}`).join('\n');
    case 'table':
      return tableMarkdown(b.headers, b.rows);
    case 'flow':
      return tableMarkdown(
        b.headers,
        b.edges.map((e) => [e.from, e.to, e.region, e.via].map((t) => [{ kind: 'text', text: t }] as Cell)),
      );
    case 'details':
      return [`${'#'.repeat(depth + 1)} ${prose(b.summary)}`, ...b.blocks.map((x) => blockMarkdown(x, depth + 1))].join(
        '\n\n',
      );
  }
}

/** A section as a Markdown file (or part of one): its title at `depth`, then its blocks. */
export function sectionMarkdown(s: Section, depth = 1): string {
  return `${[`${'#'.repeat(depth)} ${s.title}`, ...s.blocks.map((b) => blockMarkdown(b, depth))].join('\n\n')}\n`;
}
