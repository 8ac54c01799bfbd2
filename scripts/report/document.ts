/**
 * The report as a document: sections of blocks (headings, paragraphs, lists, tables of typed cells, a data-flow
 * diagram), built once per stack (render.ts) and per change review (scripts/review/render.ts), and written by two thin
 * writers, markdown.ts and html.ts. Nothing here is markup: a cell is a list of inlines (text, code, a resource's AWS
 * name with its Terraform address, emphasis, a status mark), so a writer decides every character of syntax and the
 * HTML writer escapes every text and attribute it writes — no caller can put markup into the page.
 */
import type { StackRole } from '../../terraform-json/facts';

/** The look of a status mark: finding severities, control statuses, review effects. */
export type Tone = 'error' | 'warning' | 'info' | 'pass' | 'fail' | 'accepted' | 'not-checked';

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  /** A resource of the stack by its AWS name; its Terraform address is the page's tooltip. */
  | { kind: 'name'; name: string; address: string; code?: boolean }
  | { kind: 'strong'; content: Inline[] }
  | { kind: 'mark'; tone: Tone; text: string }
  /** A link to a section of the same page. */
  | { kind: 'anchor'; target: string; text: string }
  | { kind: 'break' };

/** A table cell, or any run of inline content. */
export type Cell = Inline[];

/** A data-flow edge in words: the diagram's and the flow table's. */
export interface FlowEdge {
  from: string;
  to: string;
  region: string;
  via: string;
}

/**
 * What a heading (or a list) is, as data beside its words: the page writes it as `data-section`, which the page check
 * reads instead of the words (words/document.ts HEADING holds each heading's words under the same key).
 */
export type SectionPart =
  | 'identity'
  | 'flow'
  | 'stores'
  | 'retention'
  | 'protection'
  | 'alerts'
  | 'access'
  | 'evaluatedAccess'
  | 'rolesAsWritten'
  | 'resourcePolicies'
  | 'erasure'
  | 'capacity'
  | 'controls'
  | 'findings'
  | 'cost'
  | 'prices';

export type Block =
  /** A heading one level below its section's (`level` 1 is a stack section's own heading). */
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id?: string; section?: SectionPart }
  | { kind: 'paragraph'; content: Cell }
  | { kind: 'list'; items: Cell[]; section?: SectionPart }
  | { kind: 'table'; headers: string[]; rows: Cell[][] }
  /**
   * The data flow (at least one edge): a diagram on the page, `label` what it says for screen readers; a table in
   * Markdown under `headers`.
   */
  | { kind: 'flow'; id: string; edges: FlowEdge[]; headers: string[]; label: string }
  /** Collapsed on the page; in Markdown a heading with its blocks. */
  | { kind: 'details'; summary: Cell; blocks: Block[] };

/** One part of the page: a stack's report, the overview, or the change review. */
export interface Section {
  id: string;
  /** The class the page gives the section (`stack`, `changes`): what the page check looks for. */
  role: 'stack' | 'changes' | 'overview';
  /**
   * A stack section's stack role (`data-stack-role` on the page): the page check asks pipelines for their capacity
   * and prices.
   */
  stackRole?: StackRole | 'workspaces';
  title: string;
  blocks: Block[];
}

export const text = (t: string): Inline => ({ kind: 'text', text: t });
export const code = (t: string): Inline => ({ kind: 'code', text: t });
export const strong = (...content: Inline[]): Inline => ({ kind: 'strong', content });
export const mark = (tone: Tone, t: string): Inline => ({ kind: 'mark', tone, text: t });
export const BREAK: Inline = { kind: 'break' };

/** A cell of one text. */
export const cell = (t: string): Cell => [text(t)];

/** Items joined by line breaks in one cell; `empty` when there are none. */
export function lines(items: Cell[], empty = '—'): Cell {
  if (items.length === 0) return cell(empty);
  return items.flatMap((item, i) => (i === 0 ? item : [BREAK, ...item]));
}

const ADDRESS = /aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/g;

/** Text whose Terraform addresses become names (those `names` knows), the rest text. */
function named(t: string, names: Record<string, string>, asCode: boolean): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of t.matchAll(ADDRESS)) {
    const address = m[0];
    if (!names[address]) continue;
    if (m.index > last) out.push(asCode ? code(t.slice(last, m.index)) : text(t.slice(last, m.index)));
    out.push({ kind: 'name', name: names[address], address, ...(asCode ? { code: true } : {}) });
    last = m.index + address.length;
  }
  if (last < t.length) out.push(asCode ? code(t.slice(last)) : text(t.slice(last)));
  return out;
}

/**
 * A sentence of the words module as inline content: a `backticked` span is code, and a Terraform address
 * (`aws_s3_bucket.data`) reads as the AWS name reviewers know, keeping its address for the tooltip (one with no name
 * stays as written). The sentence is never markup: whatever it holds is text to a writer.
 */
export function phrase(sentence: string, names: Record<string, string> = {}): Cell {
  const parts = sentence.split('`');
  // An odd count of backticks leaves the last one literal.
  const spans =
    parts.length % 2 === 0 ? [...parts.slice(0, -2), `${parts[parts.length - 2]}\`${parts[parts.length - 1]}`] : parts;
  const out = spans.flatMap((part, i) => (part === '' ? [] : named(part, names, i % 2 === 1)));
  return out.length ? out : [text('')];
}

/** The plain text of inline content (for a summary, a test, or a Markdown heading). */
export function plain(content: Cell): string {
  return content
    .map((i) => {
      switch (i.kind) {
        case 'text':
        case 'code':
        case 'mark':
        case 'anchor':
          return i.text;
        case 'name':
          return i.name;
        case 'strong':
          return plain(i.content);
        case 'break':
          return '; ';
      }
    })
    .join('');
}
