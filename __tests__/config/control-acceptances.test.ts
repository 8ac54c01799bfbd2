/**
 * Control acceptances are typed by the controls catalogue (config/controls.ts ControlId): in the TypeScript matrix
 * the compiler refuses an id the catalogue lacks; in an override file the schema refuses it with the valid ids.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadDeployments } from '../../config';
import { CONTROL_IDS, type ControlId } from '../../config/controls';
import type { ControlAcceptance } from '../../config/schema';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const acceptance = (control: string) => ({
  control,
  scope: 'the stack',
  reason: 'by design',
  compensatingControls: ['an alarm'],
});

describe('control acceptances, checked against the controls catalogue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acceptances-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const overrideFile = (controls: string[]) => {
    const file = join(dir, `override-${++files}.json`);
    writeFileSync(file, JSON.stringify({ defaults: { controls: { acceptances: controls.map(acceptance) } } }));
    return file;
  };
  const problemsOf = (file: string): string[] => {
    try {
      loadDeployments(file, EXAMPLE_MATRIX);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it(
    'an override file may accept catalogue entries that are not ' +
      'Security Hub ids (sns-tls-only, cloudwatch-log-group-encrypted)',
    () => {
      const deployments = loadDeployments(
        overrideFile(['sns-tls-only', 'cloudwatch-log-group-encrypted']),
        EXAMPLE_MATRIX,
      );
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments)
        expect(d.settings.controls.acceptances.map((a) => a.control)).toEqual([
          'sns-tls-only',
          'cloudwatch-log-group-encrypted',
        ]);
    },
  );

  it('an override file accepting S3.99 is refused, naming the file, the field and every valid id', () => {
    const file = overrideFile(['S3.99']);
    const problems = problemsOf(file);
    expect(problems).toEqual([
      expect.stringContaining(
        'controls.acceptances[0].control: "S3.99" — "S3.99" is not a ' +
          'control of the catalogue (config/controls.ts): one of ',
      ),
    ]);
    expect(problems[0]).toContain(file);
    expect(problems[0]).toContain(CONTROL_IDS.join(', '));
    expect(CONTROL_IDS).toEqual(expect.arrayContaining(['S3.1', 'sns-tls-only', 'cloudwatch-log-group-encrypted']));
  });

  it.each([
    ['a near miss of a real id', 's3.1'],
    ['an empty id', ''],
    ['markup', '<b>S3.1</b>'],
  ])('refuses %s', (_, control) => {
    expect(problemsOf(overrideFile([control]))).toEqual([expect.stringContaining('is not a control of the catalogue')]);
  });

  it('the TypeScript matrix is typed: an acceptance is a ControlAcceptance whose control is a ControlId', () => {
    const ok: ControlAcceptance = { ...acceptance('sns-tls-only'), control: 'sns-tls-only' };
    // @ts-expect-error -- S3.99 is not in the catalogue: `npm run typecheck` fails if acceptances take any string again
    const refused: ControlAcceptance = { ...acceptance('S3.99'), control: 'S3.99' };
    const id: ControlId = ok.control;
    expect([id, refused.control]).toEqual(['sns-tls-only', 'S3.99']);
  });
});
