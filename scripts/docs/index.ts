/**
 * `npm run docs`: the references under docs/reference/, generated from the code they describe. A test fails when
 * one is stale (__tests__/scripts/docs.test.ts), naming this command.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandLine, isEntryPoint } from '../cli';
import { renderCommandReference } from './commands';
import { renderConfigurationReference } from './configuration';
import { renderPolicyRuleCatalogue } from './policy-rules';
import { DOCS_COMMAND } from './spec';

/** Each generated file: its path from the project root, and its content as the code says now. */
export const GENERATED_DOCS: { path: string; render: () => string }[] = [
  { path: 'docs/reference/configuration.md', render: renderConfigurationReference },
  { path: 'docs/reference/policy-rules.md', render: renderPolicyRuleCatalogue },
  { path: 'docs/reference/commands.md', render: renderCommandReference },
];

/** The generated files whose content on disk (under `root`) differs from what the code gives. */
export function staleDocs(root = '.'): string[] {
  return GENERATED_DOCS.filter(
    ({ path, render }) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== render(),
  ).map((d) => d.path);
}

export function main(args: string[]): number {
  const command = commandLine(DOCS_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const stale = staleDocs();
  if (command.values.check) {
    for (const path of stale) console.error(`${path} is stale: run \`npm run docs\``);
    return stale.length > 0 ? 1 : 0;
  }
  for (const { path, render } of GENERATED_DOCS.filter((d) => stale.includes(d.path))) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, render());
  }
  console.log(stale.length > 0 ? `wrote ${stale.join(', ')}` : 'the references are up to date');
  return 0;
}

if (isEntryPoint('scripts/docs/index.ts')) process.exitCode = main(process.argv.slice(2));
