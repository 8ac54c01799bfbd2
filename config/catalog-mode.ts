/**
 * A deployment's catalog mode with its own settings (schema.ts `CatalogSettings`), resolved from the settings as
 * written: the `catalog` section and, for the crawler modes, the `crawler` section.
 */
import { assertNever } from './assert-never';
import type { Issue } from './rules';
import {
  CATALOG_MODE_SETTINGS,
  CATALOG_MODES,
  type CatalogMode,
  type CatalogSettings,
  type PipelineSettings,
  type PipelineSettingsInput,
} from './schema';

/** The deployment's catalog, or the issue that keeps its crawler from matching its mode. */
export function resolveCatalog(s: Pick<PipelineSettingsInput, 'catalog' | 'crawler'>): CatalogSettings | Issue {
  const { mode, tablePrefix, encryptCrawlerLogs, projectionStartYear } = s.catalog;
  const crawler = s.crawler;
  switch (mode) {
    case 'crawler':
      if (crawler.recrawlBehavior === 'CRAWL_EVENT_MODE')
        return {
          path: ['crawler', 'recrawlBehavior'],
          message: 'CRAWL_EVENT_MODE needs catalog.mode "crawler-events" (the S3 event queue)',
        };
      return { mode, tablePrefix, encryptCrawlerLogs, crawler };
    case 'crawler-events':
      if (crawler.recrawlBehavior !== 'CRAWL_EVENT_MODE')
        return {
          path: ['crawler', 'recrawlBehavior'],
          message: 'catalog.mode "crawler-events" needs crawler.recrawlBehavior CRAWL_EVENT_MODE',
        };
      return { mode, tablePrefix, encryptCrawlerLogs, crawler };
    case 'projection':
      return { mode, tablePrefix, projectionStartYear };
    default:
      return assertNever(mode, 'catalog mode');
  }
}

/** The resolved settings of a deployment: its catalog resolved, the `crawler` section folded into it. */
export function resolveSettings(s: PipelineSettingsInput): { settings: PipelineSettings } | { issue: Issue } {
  const catalog = resolveCatalog(s);
  if ('path' in catalog) return { issue: catalog };
  const { crawler, ...rest } = s;
  return { settings: { ...rest, catalog } };
}

const split = (path: string) => path.split('.');

/**
 * Settings of another catalog mode that a deployment's own `overrides` give (the shared defaults and profiles hold
 * every mode's, so a deployment switches with `catalog.mode` alone): each is a configuration error, at its path.
 */
export function foreignModeSettings(mode: CatalogMode, isSet: (path: string[]) => boolean): Issue[] {
  const own = new Set<string>(CATALOG_MODE_SETTINGS[mode]);
  const foreign = [...new Set(CATALOG_MODES.flatMap((m) => CATALOG_MODE_SETTINGS[m]))].filter((p) => !own.has(p));
  return foreign
    .filter((path) => isSet(split(path)))
    .map((path) => ({
      path: split(path),
      message:
        `a setting of catalog.mode ` +
        `${CATALOG_MODES.filter((m) => (CATALOG_MODE_SETTINGS[m] as readonly string[]).includes(path)).join(' and ')}` +
        `, not of this deployment's ${mode}; remove it from the deployment's overrides`,
    }));
}

/**
 * The catalog of settings known to match (the defaults, a test's); throws on a crawler that does not match the mode.
 */
export function catalogOf(s: Pick<PipelineSettingsInput, 'catalog' | 'crawler'>): CatalogSettings {
  const catalog = resolveCatalog(s);
  if ('path' in catalog) throw new Error(`${catalog.path.join('.')}: ${catalog.message}`);
  return catalog;
}
