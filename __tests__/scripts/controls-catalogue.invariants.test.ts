/**
 * The controls catalogue (config/controls.ts) against the configured matrix: every resource type a stack creates is
 * either evaluated by catalogued controls, each with a row in the report, or named with why no control applies; every
 * rule's control is in the catalogue and an acceptance must name one; the acceptances' words match what the checks
 * and the stack back.
 */
import { CONTROLS, CONTROL_IDS, NO_CONTROL } from '../../config/controls';
import { DEFAULT_SETTINGS as DEFAULTS } from '../../config/defaults';
import { controlAcceptanceSchema } from '../../config/schema';
import { REPORT_ONLY } from '../../scripts/report/rules/pack';
import { S3_6_ACTIONS } from '../../scripts/report/rules/security-hub';
import { alarmConditions, contextOf, controlWhy, unbackedCompensation } from '../../scripts/report/words';
import { messagingTlsOnly } from '../../stacks/rules/exposure/messaging-tls';
import { fixture } from '../../stacks/rules/rule';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { configuredReports, configuredSynth } from '../fixtures/configured';

const synth = configuredSynth();
const reports = configuredReports();
const jsonOf = new Map([...synth.stacks].map(([stack, text]) => [stack, JSON.parse(text) as TerraformJson]));

describe('controls catalogue', () => {
  it(
    'every resource type a stack creates is evaluated by a catalogued control, is the ' +
      'evidence of one (a bucket, topic or queue policy), or is named with why none applies',
    () => {
      const evaluated = new Set(CONTROLS.flatMap((c) => [...c.resourceTypes, ...(c.evidenceTypes ?? [])]));
      for (const r of reports) {
        const types = Object.keys(jsonOf.get(r.stack)?.resource ?? {});
        expect(types.length).toBeGreaterThan(0);
        expect([r.stack, types.filter((t) => !evaluated.has(t) && !NO_CONTROL[t])]).toEqual([r.stack, []]);
      }
    },
  );

  it(
    'every catalogued control whose resource type a stack holds ' +
      'has a row in its report, on exactly those resources',
    () => {
      for (const r of reports) {
        const tf = jsonOf.get(r.stack)!;
        const expected = CONTROLS.filter((c) =>
          c.resourceTypes.some((t) => Object.keys(tf.resource?.[t] ?? {}).length > 0),
        ).map((c) => c.id);
        expect([r.stack, r.controls.map((c) => c.id)]).toEqual([r.stack, expected]);
        for (const c of r.controls)
          for (const resource of c.resources) expect(c.resourceTypes).toContain(resource.split('.')[0]);
      }
    },
  );

  it(
    'every rule names only controls of the catalogue; every ' +
      'control says where it is evidenced or why it cannot be',
    () => {
      for (const rule of [...SYNTH_GATE, ...REPORT_ONLY] as { id: string; controls?: readonly string[] }[])
        for (const id of rule.controls ?? [])
          expect([rule.id, CONTROL_IDS]).toEqual([rule.id, expect.arrayContaining([id])]);
      const evidenced = new Set(
        ([...SYNTH_GATE, ...REPORT_ONLY] as { controls?: readonly string[] }[]).flatMap((r) => r.controls ?? []),
      );
      for (const c of CONTROLS) expect([c.id, evidenced.has(c.id) || Boolean(c.notCheckable)]).toEqual([c.id, true]);
      expect(new Set(CONTROL_IDS).size).toBe(CONTROL_IDS.length);
    },
  );

  it(
    'an acceptance names a control of the catalogue: S3.99 is refused, ' +
      'sns-tls-only and cloudwatch-log-group-encrypted are accepted',
    () => {
      const accept = (control: string) =>
        controlAcceptanceSchema.safeParse({ control, scope: 's', reason: 'r', compensatingControls: ['c'] });
      expect(accept('S3.99').success).toBe(false);
      expect(accept('S3.99').error?.issues[0].message).toMatch(/"S3\.99" is not a control of the catalogue/);
      expect(accept('sns-tls-only').success).toBe(true);
      expect(accept('cloudwatch-log-group-encrypted').success).toBe(true);
      for (const a of DEFAULTS.controls.acceptances) expect(accept(a.control).success).toBe(true);
    },
  );
});

describe('acceptances say what the checks and the stack back', () => {
  it('S3.1: the compensating words claim no more of bucket policies than S3.2, S3.3 and S3.6 check', () => {
    const s31 = DEFAULTS.controls.acceptances.find((a) => a.control === 'S3.1')!;
    const words = s31.compensatingControls.join(' ');
    expect(words).not.toMatch(/grants the public or another account/);
    expect(words).toContain(
      `the ${['', 'one', 'two', 'three', 'four', 'five', 'six'][S3_6_ACTIONS.length]} actions S3.6 checks`,
    );
  });

  it(
    'Cognito.2: an alarm counts as compensating only when its topic ' +
      'has a subscriber; the report says so when it has none',
    () => {
      for (const r of reports.filter((x) => x.controls.some((c) => c.id === 'Cognito.2' && c.acceptance))) {
        const c = r.controls.find((x) => x.id === 'Cognito.2')!;
        const why = controlWhy(c, contextOf(r.model), r.model, r.controls);
        const subscribed = r.model.destinations.some((d) => d.kind === 'subscription');
        const alarmClaims = c.acceptance!.compensatingControls.filter((t) => /\balarm\b/i.test(t));
        // The claim, then when its alarm fires (from the model), then what it lacks.
        for (const claim of alarmClaims) {
          const fires = alarmConditions(claim, r.model);
          expect(why.includes(`${claim}${fires ? ` (${fires})` : ''} (but no one is notified`)).toBe(!subscribed);
        }
      }
      const model = reports[0].model;
      expect(unbackedCompensation('the ThrottledRecords alarm', { ...model, destinations: [] })).toMatch(
        /no subscriber/,
      );
      expect(
        unbackedCompensation('the ThrottledRecords alarm', {
          ...model,
          destinations: [{ kind: 'subscription', address: 'a', protocol: 'email', endpoint: 'x' }],
        }),
      ).toBeNull();
      // The setting it names is the one that subscribes the topic.
      expect(unbackedCompensation('an alarm', { ...model, destinations: [] })).toContain('(monitoring.alarmEmails)');
    },
  );

  it(
    'a compensating control that cites a control as checked is marked ' +
      'when that control fails in the stack, and not otherwise',
    () => {
      const model = reports[0].model;
      const text =
        'every bucket of the stack blocks public access itself (S3.8, checked: exposure-bucket-public-access)';
      expect(unbackedCompensation(text, model, [{ id: 'S3.8', status: 'fail' }])).toBe('S3.8 fails here');
      expect(unbackedCompensation(text, model, [{ id: 'S3.8', status: 'pass' }])).toBeNull();
      // S3.1 is not S3.14, nor S3.2 S3.20.
      expect(
        unbackedCompensation('versioning (S3.14 on the data bucket)', model, [{ id: 'S3.1', status: 'fail' }]),
      ).toBeNull();
      expect(unbackedCompensation('MFA delete (S3.20)', model, [{ id: 'S3.2', status: 'fail' }])).toBeNull();
      // In every configured stack an accepted control's compensations are marked exactly where a cited control fails.
      for (const r of reports) {
        for (const c of r.controls.filter((x) => x.acceptance)) {
          const why = controlWhy(c, contextOf(r.model), r.model, r.controls);
          for (const text of c.acceptance!.compensatingControls) {
            const failing = r.controls.filter(
              (x) => x.status === 'fail' && text.split(/[^A-Za-z0-9.]+/).includes(x.id),
            );
            for (const f of failing) expect(why).toContain(`${f.id} fails here`);
          }
        }
      }
    },
  );
});

describe('sns-tls-only reads the topic a plan names literally', () => {
  const topic = { aws_sns_topic: { alerts: { name: 'telemetry-prod-alerts' } } };
  const policy = (statements: unknown[]) => ({
    aws_sns_topic_policy: {
      p: {
        arn: 'arn:aws:sns:eu-central-1:123456789012:telemetry-prod-alerts',
        policy: JSON.stringify({ Statement: statements }),
      },
    },
  });
  const deny = {
    Effect: 'Deny',
    Principal: '*',
    Action: 'sns:Publish',
    Resource: '*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('passes a plan whose policy names the topic by its literal ARN and denies insecure transport', () => {
    expect(messagingTlsOnly.evaluate(fixture({ resource: { ...topic, ...policy([deny]) } }))).toEqual([]);
  });

  it('still fails one whose literal ARN names the topic without the deny, or names another topic', () => {
    expect(messagingTlsOnly.evaluate(fixture({ resource: { ...topic, ...policy([]) } }))).toHaveLength(1);
    expect(
      messagingTlsOnly.evaluate(
        fixture({ resource: { aws_sns_topic: { alerts: { name: 'other' } }, ...policy([deny]) } }),
      ),
    ).toHaveLength(1);
  });
});
