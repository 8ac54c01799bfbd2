/**
 * The change review's section of the report's page, as one document built from changes.json (`ChangesJson`,
 * changes.ts): so `npm run report` after `npm run review` keeps it, and changes.md is the same document in Markdown
 * (scripts/review/render.ts). Its words are words/review.ts's.
 */
import { GATED, SECTIONS, type ChangesJson, type Effect } from './changes';
import { cell, code, mark, strong, text, type Block, type Section } from './document';
import * as words from './words';

const gatedMarks = (effects: Effect[]) => effects.filter((e) => GATED.includes(e) || e === 'moves-data');

/**
 * The review as one document, from changes.json: a summary table, then each changed stack (collapsed on the page)
 * with its verdict and its changes by section, each marked with what it widens, shortens, weakens or moves. The page's
 * section and changes.md are this document; built from the file, so `npm run report` after `npm run review` keeps it.
 */
export function changesSection(json: ChangesJson, current = true): Section {
  const summary: Block = {
    kind: 'table',
    headers: [...words.REVIEW_SUMMARY_COLUMNS],
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
        { kind: 'paragraph', content: [strong(text(words.VERDICT_LABEL)), text(` ${r.verdict}`)] },
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
