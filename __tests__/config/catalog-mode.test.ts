import { loadDeployments } from '../../config';
import { catalogOf, foreignModeSettings, resolveCatalog } from '../../config/catalog-mode';
import { resolveMatrix } from '../../config/resolve';
import {
  CATALOG_MODE_SETTINGS,
  CATALOG_MODES,
  resolvedCatalogSchema,
  type CatalogMode,
  type CrawlerSettings,
} from '../../config/schema';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { singleDeployment } from '../helpers';

const EVENT_CRAWLER: CrawlerSettings = {
  recrawlBehavior: 'CRAWL_EVENT_MODE',
  schedule: 'cron(0 */6 * * ? *)',
  updateBehavior: 'LOG',
  deleteBehavior: 'LOG',
};
/**
 * The example's defaults switched to a mode by `catalog.mode` alone, with an event-mode crawler where the mode asks.
 */
const written = (mode: CatalogMode) => ({
  catalog: { ...EXAMPLE_MATRIX.defaults.catalog, mode },
  crawler: mode === 'crawler-events' ? EVENT_CRAWLER : EXAMPLE_MATRIX.defaults.crawler,
});

describe('catalog modes: each resolves to its own variant, carrying only its own settings', () => {
  it.each(CATALOG_MODES)('%s', (mode) => {
    const catalog = catalogOf(written(mode));
    // The resolved variants are strict objects: a setting of another mode would fail to parse.
    expect(resolvedCatalogSchema.parse(catalog)).toEqual(catalog);
    expect(catalog.mode).toBe(mode);
    const own = CATALOG_MODE_SETTINGS[mode].map((path) => path.replace(/^catalog\./, ''));
    expect(Object.keys(catalog).sort()).toEqual(['mode', 'tablePrefix', ...own].sort());
  });

  it('a crawler that does not match the mode is an issue at crawler.recrawlBehavior, either way', () => {
    expect(resolveCatalog({ ...written('crawler'), crawler: EVENT_CRAWLER })).toMatchObject({
      path: ['crawler', 'recrawlBehavior'],
    });
    expect(resolveCatalog({ ...written('crawler-events'), crawler: EXAMPLE_MATRIX.defaults.crawler })).toMatchObject({
      path: ['crawler', 'recrawlBehavior'],
    });
  });

  it("every mode's own settings are never foreign to it; every other mode-specific setting is", () => {
    const all = [...new Set(CATALOG_MODES.flatMap((m) => CATALOG_MODE_SETTINGS[m]))];
    for (const mode of CATALOG_MODES) {
      const flagged = foreignModeSettings(mode, () => true).map((i) => i.path.join('.'));
      expect(flagged.sort()).toEqual(
        all.filter((p) => !(CATALOG_MODE_SETTINGS[mode] as readonly string[]).includes(p)).sort(),
      );
      expect(foreignModeSettings(mode, () => false)).toEqual([]);
    }
  });
});

describe('resolved deployments', () => {
  it(
    'switching to projection with catalog.mode alone passes: the shared ' +
      'defaults hold the crawler settings, the deployment has none',
    () => {
      const [d] = resolveMatrix(singleDeployment({ catalog: { mode: 'projection' } }));
      expect(d.settings.catalog).toEqual({
        mode: 'projection',
        tablePrefix: EXAMPLE_MATRIX.defaults.catalog.tablePrefix,
        projectionStartYear: EXAMPLE_MATRIX.defaults.catalog.projectionStartYear,
      });
      expect(d.settings).not.toHaveProperty('crawler');
    },
  );

  it('the crawler section lives in the catalog of a crawler mode', () => {
    const [d] = resolveMatrix(singleDeployment({ catalog: { mode: 'crawler-events' }, crawler: EVENT_CRAWLER }));
    expect(d.settings.catalog).toEqual({
      mode: 'crawler-events',
      tablePrefix: EXAMPLE_MATRIX.defaults.catalog.tablePrefix,
      encryptCrawlerLogs: EXAMPLE_MATRIX.defaults.catalog.encryptCrawlerLogs,
      crawler: EVENT_CRAWLER,
    });
  });

  it('config/examples/catalog-modes.json (the old flat form) still loads, every mode among its deployments', () => {
    const deployments = loadDeployments('config/examples/catalog-modes.json');
    expect(new Set(deployments.map((d) => d.settings.catalog.mode))).toEqual(new Set(CATALOG_MODES));
    for (const d of deployments) expect(resolvedCatalogSchema.parse(d.settings.catalog)).toEqual(d.settings.catalog);
  });
});
