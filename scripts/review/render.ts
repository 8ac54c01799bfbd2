/**
 * The change review written: changes.json (`ChangesJson`, scripts/report/changes.ts) from the review's data with each
 * change's words, and changes.md — the report's document of the review (scripts/report/changes-section.ts, the page's
 * section too) in Markdown, with the workspaces stacks' part. Its words are scripts/report/words/review.ts's and
 * words/workspaces.ts's.
 */
import type { ChangesJson, StackReview, WorkspacesReview } from '../report/changes';
import { changesSection } from '../report/changes-section';
import { cell, code, strong, text, type Block } from '../report/document';
import { blockMarkdown, sectionMarkdown } from '../report/markdown';
import * as words from '../report/words';

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
      headers: [...words.REVIEW_SUMMARY_COLUMNS],
      rows: reviews.map((r) => [[code(r.stack)], cell(r.status), cell(words.workspacesVerdict(r))]),
    },
    ...(changes.length ? [{ kind: 'list' as const, items: changes }] : []),
  ];
  return `\n${blocks.map((b) => blockMarkdown(b)).join('\n\n')}\n`;
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
