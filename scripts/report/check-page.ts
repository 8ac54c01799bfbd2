/**
 * `npm run report:check`: opens report/index.html in headless Chromium (Debian's `chromium` package, or
 * $CHROMIUM_PATH) and checks that the page renders every stack with its data-flow diagram, makes no network
 * request and logs no console error; saves a screenshot to report/index.png.
 * Before the browser, and without one, it reads the page's source for stray markup (`markupProblems`): the HTML
 * writer escapes every text and attribute, so a tag that does not parse, a `>` in text or markup inside an attribute
 * means something wrote around it.
 * Prints one line per check and `N passed, M failed`. Exit 0 all passed, 1 a check failed, 2 no browser (and the
 * source check passed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandLine, isEntryPoint, type CommandSpec } from '../cli';
import type { SectionPart } from './document';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function findBrowser(): string | undefined {
  return [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => Boolean(p) && existsSync(p as string));
}

/** An attribute: a name, and a quoted value holding no markup (the writer escapes `<`, `>`, `"` and `&`). */
/**
 * The stack sections of stacks that deploy AWS resources, which the overview and the data sections are for: an HCP
 * Terraform workspaces stack (data-stack-role="workspaces", html.ts) has its own section in its own terms and no row.
 */
const AWS_STACK_SECTIONS = 'section.stack:not([data-stack-role="workspaces"])';

const TAG = /^<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s+[a-zA-Z][a-zA-Z0-9:-]*(?:="[^"<>]*")?)*\s*\/?>/;
const ENTITY = /^&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);/;

/**
 * Where the page's source has markup the writer did not write: a `<` that does not open a well-formed tag (an
 * attribute value holding `<` or `>` among them), a `>` or a bare `&` in text. Each problem with the text around it.
 */
export function markupProblems(html: string): string[] {
  const problems: string[] = [];
  const around = (at: number) => JSON.stringify(html.slice(Math.max(0, at - 40), at + 40));
  const source = html.replace(/^<!doctype html>/i, '');
  let i = 0;
  while (i < source.length && problems.length < 20) {
    const c = source[i];
    if (c === '<') {
      const tag = TAG.exec(source.slice(i, i + 2000));
      if (!tag) {
        problems.push(`not a well-formed tag at ${around(i)}`);
        i++;
        continue;
      }
      i += tag[0].length;
      // The style sheet is raw text: skip to its end tag.
      if (/^<style[\s>]/i.test(tag[0])) i = source.indexOf('</style>', i);
      if (i < 0) break;
    } else if (c === '>') {
      problems.push(`'>' in text at ${around(i)}`);
      i++;
    } else if (c === '&' && !ENTITY.test(source.slice(i, i + 12))) {
      problems.push(`bare '&' in text at ${around(i)}`);
      i++;
    } else i++;
  }
  return problems;
}

/**
 * Markup shown as text on the page: a tag of the page's own vocabulary, or an attribute's end (`">`). A `<file>` in a
 * command is text, not markup.
 */
export const VISIBLE_MARKUP = new RegExp(
  String.raw`<\/?(a|br|code|details|div|g|h[1-6]|img|li|p|path|rect|script|section|span|strong|style|` +
    String.raw`summary|svg|table|tbody|td|text|th|thead|title|tr|ul)[\s>/]|"\s*>`,
  'i',
);

export async function checkPage(
  reportDir: string,
  browserPath: string,
): Promise<{ name: string; ok: boolean; detail: string }[]> {
  const page = resolve(reportDir, 'index.html');
  const stacks = readFileSync(page, 'utf8').match(/<section class="stack" id="[^"]+"/g)?.length ?? 0;
  const expected = Number(process.env.REPORT_EXPECTED_STACKS ?? stacks);
  // Loaded here, when a page is checked: the tests and the docs generator read this module's markup rules and
  // command spec only, and loading playwright-core cost them ~0.2 s each (profile of 2026-12-07).
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: browserPath,
    // Offline machine: no background networking, no sandbox (root in CI), no GPU.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const results: { name: string; ok: boolean; detail: string }[] = [];
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    tab.on('pageerror', (e) => consoleErrors.push(e.message));
    tab.on('request', (r) => !r.url().startsWith('file://') && !r.url().startsWith('data:') && requests.push(r.url()));
    await tab.goto(`file://${page}`, { waitUntil: 'load' });
    const sections = await tab.locator('section.stack').count();
    results.push({
      name: 'every stack has a section',
      ok: sections === expected && sections > 0,
      detail: `${sections} of ${expected}`,
    });
    const diagrams = await tab.locator('section.stack svg.flow').evaluateAll((svgs) =>
      svgs.map((svg) => ({
        nodes: svg.querySelectorAll('rect.node').length,
        edges: svg.querySelectorAll('g.edge').length,
        width: svg.getBoundingClientRect().width,
      })),
    );
    const drawn = diagrams.filter((d) => d.nodes >= 2 && d.edges >= 1 && d.width > 0).length;
    const expectedDiagrams = await tab
      .locator('section.stack')
      .evaluateAll((all) => all.filter((s) => s.querySelector('svg.flow g.edge')).length);
    results.push({
      name: 'every data-flow diagram renders',
      ok: drawn === expectedDiagrams && drawn > 0,
      detail: `${drawn} drawn`,
    });
    // A diagram wider than its box hides its right-hand side behind a scroll bar a reviewer may never see.
    const clipped = await tab
      .locator('.diagram')
      .evaluateAll((boxes) => boxes.filter((b) => b.scrollWidth > b.clientWidth + 1).length);
    results.push({
      name: 'every diagram fits the page width',
      ok: clipped === 0,
      detail: clipped === 0 ? `${diagrams.length} fit` : `${clipped} wider than the page`,
    });
    const awsStacks = await tab.locator(AWS_STACK_SECTIONS).count();
    const overviewRows = await tab.locator('section.overview table tbody tr').count();
    results.push({
      name: 'the overview lists every AWS stack',
      ok: overviewRows === awsStacks && awsStacks > 0,
      detail: `${overviewRows} rows of ${awsStacks}`,
    });
    // By what each heading is (data-section, render.ts), not by its words.
    const headings = await tab
      .locator(AWS_STACK_SECTIONS)
      .evaluateAll((all) =>
        all.map((s) => [...s.querySelectorAll('h3[data-section]')].map((h) => h.getAttribute('data-section') ?? '')),
      );
    const missing = (['protection', 'alerts', 'access', 'resourcePolicies', 'findings'] satisfies SectionPart[]).filter(
      (h) => headings.some((list) => !list.includes(h)),
    );
    results.push({
      name: 'every stack lists protection, alerts, access and resource policies',
      ok: missing.length === 0,
      detail: missing.length ? `missing ${missing.join(', ')}` : `${headings.length} stacks`,
    });
    // Pipelines by the stack role the report writes on each section (state and trust stacks have a cost section too).
    const pipelines = await tab.locator('section.stack[data-stack-role="pipeline"]').evaluateAll((all) =>
      all.map((s) => ({
        capacity: s.querySelector('h3[data-section="capacity"]') !== null,
        prices: (s.querySelector('ul[data-section="prices"]')?.children.length ?? 0) > 0,
      })),
    );
    results.push({
      name: 'every pipeline shows its capacity check and its price source',
      ok: pipelines.length > 0 && pipelines.every((p) => p.capacity && p.prices),
      detail: `${pipelines.length} pipelines`,
    });
    // A change review (npm run review) sits below the overview, its stacks collapsed: opened for the text checks.
    const review = await tab.locator('body').evaluate((body) => {
      const changes = body.querySelector('section.changes');
      const overview = body.querySelector('section.overview');
      for (const d of [...body.querySelectorAll('details')]) d.setAttribute('open', '');
      // 4: Node.DOCUMENT_POSITION_FOLLOWING, the review comes after the overview.
      return changes
        ? {
            below: Boolean(overview && overview.compareDocumentPosition(changes) & 4),
            rows: changes.querySelector('table')?.querySelectorAll('tbody tr').length ?? 0,
          }
        : null;
    });
    if (review)
      results.push({
        name: 'the change review sits below the overview and names every stack',
        ok: review.below && review.rows >= expected,
        detail: `${review.rows} rows, ${review.below ? 'below' : 'ABOVE'} the overview`,
      });
    // What the reader sees: no attribute holding markup, no tag or attribute syntax in the visible text.
    const stray = await tab.locator('body').evaluate((body, pattern) => {
      const found: string[] = [];
      for (const el of [body, ...body.querySelectorAll('*')])
        for (const a of [...el.attributes])
          if (/[<>]/.test(a.value)) found.push(`${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 60)}"`);
      const visible = (body as unknown as { innerText: string }).innerText;
      for (const m of visible.match(new RegExp(pattern, 'gi')) ?? []) found.push(`text ${m}`);
      return found;
    }, VISIBLE_MARKUP.source);
    results.push({
      name: 'no stray markup in attributes or visible text',
      ok: stray.length === 0,
      detail: stray.slice(0, 5).join(' | ') || 'none',
    });
    const hashed = ((await tab.locator('body').innerText()).match(/\b[a-z][a-z0-9_-]*_[0-9A-F]{8}\b/g) ?? []).length;
    results.push({
      name: 'no construct-hash names in visible text (AWS names; addresses as tooltips)',
      ok: hashed === 0,
      detail: `${hashed} found`,
    });
    results.push({
      name: 'no console errors',
      ok: consoleErrors.length === 0,
      detail: consoleErrors.join(' | ') || 'none',
    });
    results.push({ name: 'no network requests', ok: requests.length === 0, detail: requests.join(' ') || 'none' });
    await tab.screenshot({ path: join(reportDir, 'index.png'), fullPage: false });
  } finally {
    await browser.close();
  }
  return results;
}

export const CHECK_PAGE_COMMAND = {
  name: 'report:check',
  summary:
    'Opens report/index.html in headless Chromium and checks what a reader ' +
    'sees; writes a screenshot. Exit 2 when no Chromium is found.',
  args: '[report folder]',
  maxArgs: 1,
  flags: {},
} satisfies CommandSpec;

async function main(): Promise<number> {
  const command = commandLine(CHECK_PAGE_COMMAND, process.argv.slice(2));
  if (command.exit !== undefined) return command.exit;
  const reportDir = command.positionals[0] ?? 'report';
  if (!existsSync(join(reportDir, 'index.html'))) {
    console.error(`no ${reportDir}/index.html: run \`npm run report\` first`);
    return 1;
  }
  const problems = markupProblems(readFileSync(join(reportDir, 'index.html'), 'utf8'));
  console.log(
    `${problems.length ? 'FAIL' : 'PASS'} the page's source has no stray markup ` +
      `(${problems.length ? problems.slice(0, 5).join('; ') : 'none'})`,
  );
  if (problems.length) return 1;
  const browser = findBrowser();
  if (!browser) {
    console.log(
      `SKIPPED: no Chromium found (${CANDIDATES.join(', ')} or ` +
        `$CHROMIUM_PATH); install Debian's chromium package to check the page`,
    );
    return 2;
  }
  const results = await checkPage(reportDir, browser);
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.detail})`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`page checks: ${results.length - failed} passed, ${failed} failed; screenshot ${reportDir}/index.png`);
  return failed > 0 ? 1 : 0;
}

if (isEntryPoint('scripts/report/check-page.ts')) {
  main().then((code) => {
    process.exitCode = code;
  });
}
