import { insightsConfigSchema } from './config';

describe('insightsConfigSchema', () => {
  it('gives the defaults in milliseconds when the section is absent', () => {
    expect(insightsConfigSchema.parse(undefined)).toEqual({
      productionEnvironments: ['production'],
      failureWindow: 24 * 3_600_000,
      backfillWindow: 90 * 86_400_000,
      backfillSchedule: 3_600_000,
      retention: 2 * 365 * 86_400_000,
    });
  });

  it('reads ISO-8601 durations and unit objects', () => {
    expect(insightsConfigSchema.parse({ productionEnvironments: ['prod', 'live'], failureWindow: 'PT2H', retention: { days: 30 } })).toMatchObject({
      productionEnvironments: ['prod', 'live'],
      failureWindow: 2 * 3_600_000,
      retention: 30 * 86_400_000,
    });
  });

  it('refuses an unknown key, a duration in another grammar and no production environment, naming the key', () => {
    const issues = (value: unknown) => insightsConfigSchema.safeParse(value).error?.issues.map(i => [i.path.join('.'), i.code]);
    expect(issues({ retentoin: 'P1Y' })).toEqual([['', 'unrecognized_keys']]);
    expect(issues({ failureWindow: '24h' })).toEqual([['failureWindow', 'custom']]);
    expect(issues({ productionEnvironments: [] })).toEqual([['productionEnvironments', 'too_small']]);
  });
});
