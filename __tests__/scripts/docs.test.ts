/**
 * The documentation: the generated references match the code they describe, every relative link of the Markdown
 * files resolves (file and heading), and nothing cites a path outside the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { GENERATED_DOCS } from '../../scripts/docs/index';

const root = resolve(__dirname, '..', '..');

/** The repository's own Markdown: README, CHANGELOG and everything under docs/. */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return [join(root, 'README.md'), join(root, 'CHANGELOG.md'), ...walk(join(root, 'docs'))].filter(existsSync);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const anchors = (file: string) =>
  new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));

describe('the generated references', () => {
  it.each(GENERATED_DOCS.map((d) => [d.path, d] as const))(
    '%s is what `npm run docs` writes from the code now',
    (path, doc) => {
      const onDisk = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : '(missing)';
      if (onDisk !== doc.render())
        throw new Error(`${path} is stale: the code it describes changed. Run \`npm run docs\` and commit the result.`);
    },
  );
});

describe('the Markdown files', () => {
  const files = markdownFiles();

  it('include the README and a page per reader', () => {
    const names = files.map((f) => relative(root, f));
    expect(names).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/operating.md',
        'docs/ios-app.md',
        'docs/analysts.md',
        'docs/compliance.md',
        'docs/contributing.md',
      ]),
    );
  });

  it.each(files.map((f) => [relative(root, f), f]))(
    '%s: every relative link resolves to a file and heading of this repository',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const linked = path ? resolve(dirname(file), path) : file;
        if (!linked.startsWith(root + '/') || !existsSync(linked))
          broken.push(`${target}: no such file in the repository`);
        else if (anchor && linked.endsWith('.md') && !anchors(linked).has(anchor))
          broken.push(`${target}: no such heading`);
      }
      expect(broken).toEqual([]);
    },
  );

  it.each(files.map((f) => [relative(root, f), f]))('%s cites no path outside the repository', (_name, file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/\.\.\/shared|\/work\//);
  });
});
