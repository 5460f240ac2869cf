import { durationSchema, durationToMilliseconds } from './durations';

describe('durationToMilliseconds', () => {
  it('reads ISO-8601 and unit objects with one grammar', () => {
    expect(durationToMilliseconds('PT1H30M')).toBe(5_400_000);
    expect(durationToMilliseconds('P1W')).toBe(604_800_000);
    expect(durationToMilliseconds('PT0.5S')).toBe(500);
    expect(durationToMilliseconds({ hours: 1, minutes: 30 })).toBe(5_400_000);
    expect(durationToMilliseconds({ days: 1, milliseconds: 500 })).toBe(86_400_500);
    expect(durationToMilliseconds('PT0S')).toBe(0);
  });

  it('refuses what is not a duration, and negative ones', () => {
    for (const bad of ['5m', '-PT5M', '', {}, { minutes: -1 }, { fortnights: 1 }] as never[]) {
      expect(() => durationToMilliseconds(bad)).toThrow(TypeError);
    }
  });
});

describe('durationSchema', () => {
  it('parses both forms to milliseconds', () => {
    expect(durationSchema.parse('PT30M')).toBe(1_800_000);
    expect(durationSchema.parse({ minutes: 30 })).toBe(1_800_000);
  });

  it('refuses zero, unknown units and other grammars with one message', () => {
    for (const bad of ['PT0S', '30m', { minutes: 30, fortnights: 1 }, {}, 30]) {
      const result = durationSchema.safeParse(bad);
      expect(result.success).toBe(false);
    }
    expect(durationSchema.safeParse('30m').error?.issues[0].message).toBe(
      'must be a positive ISO-8601 duration such as PT30M, or an object such as { minutes: 30 }',
    );
  });
});
