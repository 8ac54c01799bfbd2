/**
 * The two CDK engines (stacks/engines.json): what package.json names is what is installed, the switch command
 * (scripts/engine.js) changes only the engine's own dependencies and restores package.json byte for byte, and the
 * snapshots' engine form (recorded-engine.ts) hides the engine label and provider requirement and nothing else.
 */
import { Lazy, Tokenization } from 'cdktf';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_ENGINE, ENGINES, engineOf, installedEngine, type EngineName } from '../../stacks/engine';
import { cdktfJson, inEngineForm, inRecordedEngineForm } from '../recorded-engine';
import { disableTokenCreationStacks } from '../../stacks/cdktf-internals';

// scripts/engine.js is plain JavaScript (it runs while the dependencies it replaces are half-installed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withEngine, declaredEngine } = require('../../scripts/engine.js') as {
  withEngine: (pkg: unknown, engine: EngineName) => string;
  declaredEngine: (pkg: unknown) => EngineName | undefined;
};

const root = join(__dirname, '..', '..');
const packageText = readFileSync(join(root, 'package.json'), 'utf8');
const names = Object.keys(ENGINES) as EngineName[];

/** The committed synth snapshots of the default matrix (recorded on the default engine): stack → cdk.tf.json text. */
function committedSnapshots(): Map<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const snap = require(join(root, '__tests__', '__snapshots__', 'synth-snapshots.test.ts.snap')) as Record<
    string,
    string
  >;
  return new Map(
    Object.entries(snap).map(([title, text]) => [title.replace(/^.*: | 1$/g, ''), text.trim().replace(/^"|"$/g, '')]),
  );
}

describe('the CDK engine in force', () => {
  it('package.json names exactly one engine of stacks/engines.json, and node_modules holds that one', () => {
    expect(declaredEngine(JSON.parse(packageText))).toBe(installedEngine());
  });

  it(
    "runs the prebuilt bindings on that engine: the Terraform Cloud binding's `cdktf` " +
      "is the stacks' own, the AWS binding's engine is the installed version",
    () => {
      const from = (binding: string, request: string) =>
        require.resolve(request, { paths: [dirname(require.resolve(`${binding}/package.json`))] });
      // @cdktf/provider-tfe has no CDK Terrain build: on CDK Terrain it must load the aliased `cdktf`, not a nested
      // copy of cdktf 0.21.
      expect(from('@cdktf/provider-tfe', 'cdktf/package.json')).toBe(require.resolve('cdktf/package.json'));
      const engine = ENGINES[installedEngine()];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { name, version } = require(from('@cdktf/provider-aws', `${engine.package}/package.json`)) as {
        name: string;
        version: string;
      };
      expect(`${name}@${version}`).toBe(`${engine.package}@${engine.version}`);
    },
  );

  it('refuses any other package or version under the name cdktf, naming what to re-check', () => {
    for (const name of names)
      expect(engineOf({ name: ENGINES[name].package, version: ENGINES[name].version })).toBe(name);
    for (const other of [
      { name: 'cdktf', version: '0.20.0' },
      { name: 'cdktn', version: '0.25.0' },
      { name: 'cdktn', version: ENGINES.cdktf.version },
    ]) {
      expect(() => engineOf(other)).toThrow(`the package installed as \`cdktf\` is ${other.name} ${other.version}`);
      expect(() => engineOf(other)).toThrow(/re-check addCustomSynthesis .* ValidateBinaryVersion\.validate/);
    }
  });

  it('pins every engine package to one exact version (no ranges), so each engine is one reproducible set', () => {
    for (const engine of Object.values(ENGINES)) {
      for (const spec of [
        ...Object.values(engine.dependencies),
        ...Object.values(engine.devDependencies),
      ] as string[]) {
        expect(spec).toMatch(/^(npm:(@[a-z0-9-]+\/)?[a-z0-9-]+@)?\d+\.\d+\.\d+$/);
      }
    }
  });

  it('a package.json with another engine version, or a mix of the two engines, names no engine', () => {
    const pkg = JSON.parse(packageText) as { dependencies: Record<string, string> };
    expect(declaredEngine({ ...pkg, dependencies: { ...pkg.dependencies, cdktf: '0.20.0' } })).toBeUndefined();
    const terrain = JSON.parse(withEngine(pkg, 'terrain')) as { dependencies: Record<string, string> };
    expect(
      declaredEngine({
        ...terrain,
        dependencies: {
          ...terrain.dependencies,
          '@cdktf/provider-aws': ENGINES.cdktf.dependencies['@cdktf/provider-aws'],
        },
      }),
    ).toBeUndefined();
  });
});

describe('npm run engine (scripts/engine.js)', () => {
  it.each(names)('switching package.json to %s and back restores it byte for byte', (engine) => {
    const declared = declaredEngine(JSON.parse(packageText))!;
    const there = withEngine(JSON.parse(packageText), engine);
    expect(declaredEngine(JSON.parse(there))).toBe(engine);
    expect(withEngine(JSON.parse(there), declared)).toBe(packageText);
  });

  it('changes only the dependencies and overrides the engines own: scripts and every other dependency stay', () => {
    const before = JSON.parse(packageText) as Record<string, Record<string, unknown>>;
    for (const engine of names) {
      const after = JSON.parse(withEngine(before, engine)) as Record<string, Record<string, unknown>>;
      for (const section of ['dependencies', 'devDependencies', 'overrides'] as const) {
        const owned = new Set(names.flatMap((n) => Object.keys(ENGINES[n][section])));
        const others = (p: Record<string, Record<string, unknown>>) =>
          Object.entries(p[section] ?? {}).filter(([key]) => !owned.has(key));
        expect(others(after)).toEqual(others(before));
        expect(Object.fromEntries(Object.entries(after[section] ?? {}).filter(([key]) => owned.has(key)))).toEqual(
          ENGINES[engine][section],
        );
      }
      const { dependencies: _d, devDependencies: _dd, overrides: _o, ...rest } = after;
      const { dependencies: _bd, devDependencies: _bdd, overrides: _bo, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
    }
  });

  it('without an argument reports the engine, and refuses one it does not know with its usage (exit 2)', () => {
    const status = spawnSync(process.execPath, [join(root, 'scripts', 'engine.js')], { encoding: 'utf8' });
    expect(status.stdout).toContain(`package.json: ${installedEngine()}`);
    expect(status.status).toBe(0);
    const unknown = spawnSync(process.execPath, [join(root, 'scripts', 'engine.js'), 'opentofu'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no engine "opentofu"');
    expect(unknown.stderr).toContain('usage: npm run engine');
  });
});

describe("the snapshots' engine form (__tests__/recorded-engine.ts)", () => {
  const snapshots = committedSnapshots();
  const other = names.find((n) => n !== DEFAULT_ENGINE)!;
  /** A committed stack as the other engine writes it: its label and provider, its layout of empty objects. */
  const asOtherEngine = (json: string): string => inEngineForm(json, DEFAULT_ENGINE, other);

  it(`writes ${other}'s form with its engine label, AWS provider requirement and layout`, () => {
    const [, json] = [...snapshots].find(([, j]) => j.includes('"required_providers"') && j.includes('"aws"'))!;
    const tf = JSON.parse(asOtherEngine(json)) as {
      '//': { metadata: { version: string } };
      terraform: { required_providers: { aws: unknown } };
    };
    expect(tf['//'].metadata.version).toBe(ENGINES[other].version);
    expect(tf.terraform.required_providers.aws).toEqual(ENGINES[other].awsProvider);
    // json-stable-stringify and safe-stable-stringify write an empty object differently: the layout follows the engine.
    expect(asOtherEngine(json).includes('{}')).toBe(ENGINES[other].jsonLayout === 'safe-stable-stringify');
  });

  it('reads the committed snapshots (one per stack of the default matrix)', () => {
    expect(snapshots.size).toBeGreaterThan(0);
  });

  it("writes JSON exactly as cdktf 0.21's synthesizer does: every committed snapshot, byte for byte", () => {
    for (const [stack, json] of snapshots) expect([stack, cdktfJson(JSON.parse(json))]).toEqual([stack, json]);
  });

  it("leaves the default engine's text untouched", () => {
    for (const json of snapshots.values()) expect(inRecordedEngineForm(`${json}\n`, DEFAULT_ENGINE)).toBe(`${json}\n`);
  });

  it(`puts ${other}'s engine label, AWS provider requirement and layout back, giving the committed text`, () => {
    for (const [stack, json] of snapshots)
      expect([stack, inRecordedEngineForm(asOtherEngine(json), other)]).toEqual([stack, json]);
  });

  it('hides nothing else: a changed argument, another provider version or another engine version still differ', () => {
    const [stack, json] = [...snapshots].find(([, j]) => j.includes('"required_providers"') && j.includes('"aws"'))!;
    const written = asOtherEngine(json);
    const changedArgument = written
      .replace('"backend": "local"', '"backend": "s3"')
      .replace(/"force_destroy": (true|false)/, '"force_destroy": "changed"');
    expect(written).not.toBe(changedArgument);
    expect([stack, inRecordedEngineForm(changedArgument, other)]).not.toEqual([stack, json]);
    const otherProvider = written.replace(`"version": "${ENGINES[other].awsProvider.version}"`, '"version": "6.99.0"');
    expect(inRecordedEngineForm(otherProvider, other)).not.toBe(json);
    const otherLabel = written.replace(`"version": "${ENGINES[other].version}"`, '"version": "9.9.9"');
    expect(inRecordedEngineForm(otherLabel, other)).not.toBe(json);
  });
});

// The test thread turns them off before any test (register-typescript.mjs: what it saves is the bench's to measure);
// this test calls the function itself, so it holds under another Jest set-up too (the bench's cdktf template).
describe('stacks/cdktf-internals.ts disableTokenCreationStacks', () => {
  it('tokens carry no creation stack, through the function cdktf calls; Errors keep their stacks', () => {
    disableTokenCreationStacks();
    const token = Tokenization.reverseString(Lazy.stringValue({ produce: () => 'x' }));
    expect(token.firstToken?.creationStack).toEqual([]);
    expect(new Error('kept').stack).toMatch(/engine\.test\.ts/);
  });
});
