import { parseDuration } from './frequency';

describe('scheduler durations', () => {
  it('turns a valid positive duration into milliseconds and refuses the rest, naming the setting', () => {
    expect(parseDuration('PT5M', 'timeout')).toBe(300_000);
    expect(parseDuration('P1DT0.5S', 'timeout')).toBe(86_400_500);
    expect(parseDuration('PT0S', 'initialDelay', true)).toBe(0);
    expect(() => parseDuration('PT0S', 'timeout')).toThrow("Invalid timeout 'PT0S': expected an ISO-8601 duration such as PT5M");
    expect(() => parseDuration('-PT5M', 'timeout')).toThrow(/Invalid timeout '-PT5M'/);
    expect(() => parseDuration('5m', 'frequency.duration')).toThrow(/Invalid frequency.duration '5m'/);
    expect(() => parseDuration(undefined as unknown as string, 'timeout')).toThrow(/Invalid timeout 'undefined'/);
  });
});
