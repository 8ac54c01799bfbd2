import { fixture, type PolicyRule } from '../rule';

/** Every AWS provider of the stack works in its own region (or one the deployment allows). */
export const providerRegion: PolicyRule = {
  id: 'residency-provider-region',
  check: 'residency',
  level: 'error',
  appliesTo: 'provider.aws',
  explanation: 'A provider in another region creates every resource there: the data would leave its jurisdiction.',
  evaluate: ({ tf, context }) =>
    (tf.provider?.aws ?? []).flatMap((config, i) =>
      [context.region, ...context.allowedRegions].includes(config.region as string)
        ? []
        : [
            {
              resource: `provider.aws[${i}]`,
              message:
                `provider region is ${String(config.region)}, ` +
                `outside ${[context.region, ...context.allowedRegions].join(', ')}`,
            },
          ],
    ),
  fixtures: {
    failing: fixture({ provider: { aws: [{ region: 'us-east-1' }] } }),
    passing: fixture({ provider: { aws: [{ region: 'eu-central-1' }] } }),
  },
};
