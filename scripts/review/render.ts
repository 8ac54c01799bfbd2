/**
 * The change review as a document: a verdict per stack, one line per change ("was …; now …"), as changes.md for a pull
 * request and as a section of the report's page (collapsed per stack, below the overview). Its words are
 * scripts/report/words/review.ts's.
 */
import { cell, code, mark, strong, text, type Block, type Section } from '../report/document';
import { blockMarkdown, sectionMarkdown } from '../report/markdown';
import * as words from '../report/words';
import { GATED, SECTIONS, type Change, type Effect, type StackReview } from './compare';
import type { WorkspaceChange, WorkspacesReview } from './workspaces';

/** changes.md: fit to paste into a pull request — the review's document (`changesSection`) in Markdown. */
export const renderChangesMarkdown = (reviews: StackReview[], baseLabel: string): string =>
  sectionMarkdown(changesSection(changesJson(reviews, baseLabel, '')));

/**
 * changes.md's part on the HCP Terraform workspaces stacks, through the same Markdown writer: their summary table (the
 * review's columns), then each change with its effects; nothing without workspaces stacks.
 */
export function workspacesChangesMarkdown(reviews: WorkspacesReview[]): string {
  if (reviews.length === 0) return '';
  const changes = reviews.flatMap((r) =>
    r.changes.map((c) => [
      code(r.stack),
      text(`: ${words.workspaceChangeWords(c)}`),
      ...(c.effects.length
        ? [text(' '), strong(text(`(${c.effects.map((e) => words.EFFECT_WORDS[e]).join(', ')})`))]
        : []),
    ]),
  );
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: words.WORKSPACES_REVIEW_TITLE },
    {
      kind: 'table',
      headers: [...SUMMARY_HEADERS],
      rows: reviews.map((r) => [[code(r.stack)], cell(r.status), cell(words.workspacesVerdict(r))]),
    },
    ...(changes.length ? [{ kind: 'list' as const, items: changes }] : []),
  ];
  return `\n${blocks.map((b) => blockMarkdown(b)).join('\n\n')}\n`;
}

/** changes.json: what CI gates read, and what the report's page shows the review from. */
export interface ChangesJson {
  base: string;
  /** The fingerprint of the synth reviewed (scripts/report/files.ts), so a later report knows whether it is the same. */
  synth: string;
  stacks: {
    stack: string;
    baseStack?: string;
    source: StackReview['source'];
    status: StackReview['status'];
    verdict: string;
    effects: Effect[];
    changes: (Change & { words: string })[];
  }[];
  /** The HCP Terraform workspaces stacks (scripts/review/workspaces.ts), each change as data with its words. */
  workspaces: {
    stack: string;
    status: WorkspacesReview['status'];
    verdict: string;
    effects: Effect[];
    changes: (WorkspaceChange & { words: string })[];
  }[];
}

/** changes.json: the same for CI, with each change's data and its words. */
export function changesJson(
  reviews: StackReview[],
  baseLabel: string,
  synth: string,
  workspaces: WorkspacesReview[] = [],
): ChangesJson {
  return {
    base: baseLabel,
    synth,
    stacks: reviews.map((r) => ({
      stack: r.stack,
      ...(r.baseStack ? { baseStack: r.baseStack } : {}),
      source: r.source,
      status: r.status,
      verdict: words.verdict(r),
      effects: r.effects,
      changes: r.changes.map((c) => ({ ...c, words: words.changeWords(c, r) })),
    })),
    workspaces: workspaces.map((w) => ({
      stack: w.stack,
      status: w.status,
      verdict: words.workspacesVerdict(w),
      effects: w.effects,
      changes: w.changes.map((c) => ({ ...c, words: words.workspaceChangeWords(c) })),
    })),
  };
}

/** The review's summary table: its columns (changes.md's workspaces table has the same). */
export const SUMMARY_HEADERS = ['Stack', 'Status', 'Verdict'] as const;

const gatedMarks = (effects: Effect[]) => effects.filter((e) => GATED.includes(e) || e === 'moves-data');

/**
 * The review as one document, from changes.json: a summary table, then each changed stack (collapsed on the page)
 * with its verdict and its changes by section, each marked with what it widens, shortens, weakens or moves. The page's
 * section and changes.md are this document; built from the file, so `npm run report` after `npm run review` keeps it.
 */
export function changesSection(json: ChangesJson, current = true): Section {
  const summary: Block = {
    kind: 'table',
    headers: [...SUMMARY_HEADERS],
    rows: json.stacks.map((r) => [
      [code(r.stack), ...(r.source === 'drift' ? [text(' '), mark('warning', 'drift')] : [])],
      cell(r.status),
      cell(r.verdict),
    ]),
  };
  const details: Block[] = json.stacks
    .filter((r) => r.changes.length)
    .map((r) => ({
      kind: 'details',
      summary: cell(`${r.stack} (${r.source === 'drift' ? words.DRIFT_NOTE : r.status})`),
      blocks: [
        { kind: 'paragraph', content: [strong(text('Verdict:')), text(` ${r.verdict}`)] },
        ...SECTIONS.flatMap((section): Block[] => {
          const inSection = r.changes.filter((c) => c.section === section);
          if (!inSection.length) return [];
          return [
            { kind: 'heading', level: 1, text: words.sectionTitle(section) },
            {
              kind: 'list',
              items: inSection.map((c) => {
                const gated = gatedMarks(c.effects);
                return [
                  text(c.words),
                  ...(gated.length
                    ? [
                        text(' '),
                        strong(
                          text('('),
                          ...gated.flatMap((e, i) => [
                            ...(i ? [text(', ')] : []),
                            mark(e === 'moves-data' ? 'info' : 'error', words.EFFECT_WORDS[e]),
                          ]),
                          text(')'),
                        ),
                      ]
                    : []),
                ];
              }),
            },
          ];
        }),
      ],
    }));
  const stale: Block[] = current
    ? []
    : [
        {
          kind: 'paragraph',
          content: cell(words.STALE_REVIEW),
        },
      ];
  return {
    id: 'changes',
    role: 'changes',
    title: words.reviewTitle(json.base),
    blocks: [...stale, summary, ...details],
  };
}
