/**
 * Jurisdictions bound to regions (config/jurisdictions.ts) and strict configuration (config/strict.ts): a deployment
 * outside its jurisdiction, or reaching out of it, is refused unless an exception gives the reason; an unknown field
 * anywhere in the matrix is refused with the nearest known field.
 */
import { z } from 'zod';
import { AWS_REGIONS } from '../../config/aws';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguredDeployments, loadDeployments } from '../../config';
import { BUILT_IN_JURISDICTIONS, REGION_COUNTRY } from '../../config/jurisdictions';
import type { DeploymentConfig, MatrixConfig } from '../../config/matrix';
import { resolveMatrix } from '../../config/resolve';
import { nearest } from '../../config/strict';
import { configCheck } from '../../scripts/config-check';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const one = (
  d: Partial<DeploymentConfig> & Record<string, unknown>,
  matrix: Partial<MatrixConfig> & Record<string, unknown> = {},
): MatrixConfig =>
  ({
    ...EXAMPLE_MATRIX,
    ...matrix,
    deployments: [{ environment: 'prod', region: 'eu-central-1', accountId: '222222222222', jurisdiction: 'EU', ...d }],
  }) as MatrixConfig;

/** The problems config:check lists (without the "  - " bullet), or [] when the matrix is valid. */
const problems = (matrix: MatrixConfig): string[] => {
  const result = configCheck({ matrix });
  return result.exitCode === 0 ? [] : result.errors.slice(1).map((line) => line.replace(/^ {2}- /, ''));
};

describe('the jurisdiction table', () => {
  it('places every AWS region in one country, and every built-in jurisdiction holds only known regions', () => {
    expect(Object.keys(REGION_COUNTRY).sort()).toEqual([...AWS_REGIONS].sort());
    for (const [code, j] of Object.entries(BUILT_IN_JURISDICTIONS)) {
      expect([code, j.regions.length > 0]).toEqual([code, true]);
      for (const region of j.regions) expect(AWS_REGIONS).toContain(region);
    }
  });

  it('EU holds only EU member states: not London (UK) nor Zurich (Switzerland); US, JP and IN only their own', () => {
    expect(BUILT_IN_JURISDICTIONS.EU.regions).toEqual(
      expect.arrayContaining(['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2']),
    );
    expect(BUILT_IN_JURISDICTIONS.EU.regions).not.toContain('eu-west-2');
    expect(BUILT_IN_JURISDICTIONS.EU.regions).not.toContain('eu-central-2');
    expect(BUILT_IN_JURISDICTIONS.US.regions.every((r) => r.startsWith('us-'))).toBe(true);
    expect(BUILT_IN_JURISDICTIONS.JP.regions.sort()).toEqual(['ap-northeast-1', 'ap-northeast-3']);
    expect(BUILT_IN_JURISDICTIONS.IN.regions.sort()).toEqual(['ap-south-1', 'ap-south-2']);
  });

  it('docs/compliance.md lists the table as the code has it', () => {
    const doc = readFileSync('docs/compliance.md', 'utf8');
    for (const [code, j] of Object.entries(BUILT_IN_JURISDICTIONS))
      expect(doc).toContain(`| \`${code}\` | ${j.name} | ${j.regions.map((r) => `\`${r}\``).join(', ')} |`);
  });

  it(
    'holds for the configured matrix: each deployment is in its ' +
      'jurisdiction, or the region has a reasoned exception',
    () => {
      for (const d of loadConfiguredDeployments()) {
        if (d.jurisdiction in BUILT_IN_JURISDICTIONS)
          expect(d.jurisdictionRegions).toEqual(BUILT_IN_JURISDICTIONS[d.jurisdiction].regions);
        for (const region of [d.region, ...d.allowedRegions]) {
          const inside = d.jurisdictionRegions.includes(region);
          expect([d.names.stack, region, inside || Boolean(d.regionExceptions[region]?.trim())]).toEqual([
            d.names.stack,
            region,
            true,
          ]);
        }
      }
    },
  );
});

describe('a deployment outside its jurisdiction', () => {
  it('EU in us-west-2 is refused by config:check, naming the jurisdiction, its regions and the way out', () => {
    expect(problems(one({ region: 'us-west-2' }))).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^prod\/us-west-2 region: "us-west-2" — outside jurisdiction EU \(European Union: ` +
            String.raw`eu-central-1, .*\): .* give regionExceptions: \{ 'us-west-2': '<reason>' \}$`,
        ),
      ),
    ]);
  });

  it(
    'a deployment that leaves the jurisdiction unset (US by default) in ' +
      'an EU region is told which jurisdictions the region is in',
    () => {
      expect(problems(one({ jurisdiction: undefined }))).toEqual([
        expect.stringMatching(/jurisdiction is not set and defaults to US: eu-central-1 is in EU, EEA — set it$/),
      ]);
    },
  );

  it('reaching a region outside it (allowedRegions: replication, a provider, an ARN) is refused too', () => {
    expect(problems(one({ allowedRegions: ['eu-west-1', 'us-east-1'] }))).toEqual([
      expect.stringMatching(/^prod\/eu-central-1 allowedRegions\[1\]: "us-east-1" — outside jurisdiction EU/),
    ]);
  });

  it('passes with an exception that gives the reason for that region, and only that region', () => {
    const reason = 'CloudFront certificates are issued there only (legal review 2026-11)';
    expect(problems(one({ region: 'us-west-2', regionExceptions: { 'us-west-2': reason } }))).toEqual([]);
    expect(problems(one({ allowedRegions: ['us-east-1'], regionExceptions: { 'us-east-1': reason } }))).toEqual([]);
    expect(
      problems(one({ region: 'us-west-2', allowedRegions: ['us-east-1'], regionExceptions: { 'us-west-2': reason } })),
    ).toEqual([expect.stringMatching(/allowedRegions\[0\]: "us-east-1" — outside jurisdiction EU/)]);
  });

  it(
    'refuses an exception without a reason, one for a region inside ' +
      'the jurisdiction, and one the deployment does not use',
    () => {
      expect(problems(one({ region: 'us-west-2', regionExceptions: { 'us-west-2': ' ' } }))).toEqual([
        expect.stringMatching(/regionExceptions\.us-west-2: " " — a region exception needs its reason/),
      ]);
      expect(problems(one({ regionExceptions: { 'eu-west-1': 'why not' } }))).toEqual([
        expect.stringMatching(
          /regionExceptions\.eu-west-1: "why not" — eu-west-1 is inside jurisdiction EU: the exception excuses nothing/,
        ),
      ]);
      expect(problems(one({ regionExceptions: { 'us-east-1': 'old' } }))).toEqual([
        expect.stringMatching(
          /regionExceptions\.us-east-1: "old" — the deployment is not in us-east-1 and does not reach it/,
        ),
      ]);
    },
  );

  it('refuses an unknown jurisdiction, listing the known ones', () => {
    expect(problems(one({ jurisdiction: 'XX' }))).toEqual([
      expect.stringMatching(/^prod\/eu-central-1 jurisdiction: "XX" — unknown jurisdiction; known: .*EU.*IN.*JP.*US/),
    ]);
  });
});

describe('jurisdictions of your own', () => {
  const germany = { DE: { name: 'Germany only', regions: ['eu-central-1'] } };

  it('binds a deployment to its regions: inside passes, outside is refused', () => {
    expect(problems(one({ jurisdiction: 'DE' }, { jurisdictions: germany }))).toEqual([]);
    expect(problems(one({ jurisdiction: 'DE', region: 'eu-west-1' }, { jurisdictions: germany }))).toEqual([
      expect.stringMatching(/outside jurisdiction DE \(Germany only: eu-central-1\)/),
    ]);
  });

  it('may not redefine a built-in one, needs regions AWS has, and takes no unknown field', () => {
    expect(problems(one({}, { jurisdictions: { EU: { name: 'wider EU', regions: ['us-east-1'] } } }))).toEqual([
      expect.stringMatching(/^jurisdictions\.EU — EU is built in/),
    ]);
    expect(problems(one({}, { jurisdictions: { DE: { name: 'Germany', regions: ['eu-central-9'] } } }))).toEqual([
      expect.stringMatching(/^jurisdictions\.DE regions\[0\]: "eu-central-9" — not an AWS region code/),
    ]);
    expect(
      problems(
        one({}, { jurisdictions: { DE: { name: 'Germany', regions: ['eu-central-1'], regoins: [] } as never } }),
      ),
    ).toEqual([expect.stringMatching(/^jurisdictions\.DE regoins: \[\] — unknown field; did you mean regions\?$/)]);
    expect(problems(one({}, { jurisdictions: { de: { name: 'Germany', regions: ['eu-central-1'] } } }))).toEqual([
      expect.stringMatching(/^jurisdictions\.de — a jurisdiction code is 2 to 8 upper-case letters/),
    ]);
  });

  it('an override file may define them too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jurisdictions-'));
    const file = join(dir, 'de.json');
    writeFileSync(
      file,
      JSON.stringify({
        jurisdictions: germany,
        deployments: [{ environment: 'prod', region: 'eu-central-1', accountId: '222222222222', jurisdiction: 'DE' }],
      }),
    );
    expect(loadDeployments(file, EXAMPLE_MATRIX).map((d) => [d.jurisdiction, d.jurisdictionRegions])).toEqual([
      ['DE', ['eu-central-1']],
    ]);
  });
});

describe('strict configuration: an unknown field at any level is refused with the nearest known field', () => {
  it.each([
    [
      'a deployment field (jurisdicton: IN would silently be US)',
      one({ jurisdicton: 'IN' }),
      'prod/eu-central-1 jurisdicton: "IN" — unknown field; did you mean jurisdiction?',
    ],
    [
      'a deployment field far from any',
      one({ colour: 'blue' }),
      'prod/eu-central-1 colour: "blue" — unknown field; known: accountId, allowedRegions, backend, ' +
        'dataClassification, environment, jurisdiction, movedFrom, overrides, profile, region, regionExceptions',
    ],
    [
      'a top-level field',
      one({}, { jurisdictons: {} }),
      'matrix jurisdictons: unknown field; did you mean jurisdictions?',
    ],
    [
      'a setting in overrides',
      one({ overrides: { firehose: { bufferSiseMb: 5 } } as never }),
      'prod/eu-central-1 firehose.bufferSiseMb: 5 — unknown field; did you mean bufferSizeMb?',
    ],
    [
      'a setting in a variant (crawler)',
      one({
        overrides: {
          crawler: {
            recrawlBehavior: 'CRAWL_EVERYTHING',
            schedule: 'cron(0 */6 * * ? *)',
            updateBehavior: 'LOG',
            deleteBehavior: 'LOG',
            shedule: 'x',
          },
        } as never,
      }),
      'prod/eu-central-1 crawler.shedule: "x" — unknown field; did you mean schedule?',
    ],
    [
      'a backend field',
      one({ backend: { bucketPrefx: 'x' } as never }),
      'prod/eu-central-1 backend.bucketPrefx: "x" — unknown field; did you mean bucketPrefix?',
    ],
  ])('%s', (_what, matrix, expected) => {
    expect(problems(matrix)).toContain(expected);
  });

  it("an unknown field is found by zod's issue code, whatever zod's locale says; a schema's own message stays", () => {
    const crawler = (extra: Record<string, unknown>) =>
      one({
        overrides: {
          crawler: {
            recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY',
            schedule: 'cron(0 */6 * * ? *)',
            ...extra,
          },
        } as never,
      });
    const expected = [
      'prod/eu-central-1 jurisdicton: "IN" — unknown field; did you mean jurisdiction?',
      'prod/eu-central-1 firehose.bufferSiseMb: 5 — unknown field; did you mean bufferSizeMb?',
    ];
    const misspelt = one({ jurisdicton: 'IN', overrides: { firehose: { bufferSiseMb: 5 } } as never });
    const own = 'CRAWL_NEW_FOLDERS_ONLY takes no crawlerLineage: AWS fixes its schema-change policy to LOG/LOG';
    try {
      // Another locale words zod's own messages differently: the nearest known field is still suggested.
      z.config(z.locales.de());
      expect(problems(misspelt)).toEqual(expect.arrayContaining(expected));
      expect(problems(crawler({ crawlerLineage: true }))).toContainEqual(expect.stringContaining(own));
    } finally {
      z.config(z.locales.en());
    }
    expect(problems(misspelt)).toEqual(expect.arrayContaining(expected));
    expect(problems(crawler({ crawlerLineage: true }))).toContainEqual(expect.stringContaining(own));
  });

  it('a profile no deployment uses is checked too', () => {
    expect(
      problems(
        one({}, { profiles: { ...EXAMPLE_MATRIX.profiles, archive: { lifecycel: { expirationDays: 400 } } as never } }),
      ),
    ).toEqual(['profiles.archive lifecycel: {"expirationDays":400} — unknown field; did you mean lifecycle?']);
  });

  it('suggests only a near name', () => {
    expect(nearest('jurisdicton', ['jurisdiction', 'region'])).toBe('jurisdiction');
    expect(nearest('Region', ['region'])).toBe('region');
    expect(nearest('xyz', ['region', 'profile'])).toBeUndefined();
  });

  it('resolveMatrix (synth, every command) refuses what config:check refuses', () => {
    expect(() => resolveMatrix(one({ jurisdicton: 'IN' }))).toThrow(
      /jurisdicton: "IN" — unknown field; did you mean jurisdiction\?/,
    );
  });
});
