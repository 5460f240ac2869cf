import { Duration } from 'luxon';
import { isoDurationToMillis } from './isoDuration';

describe('ISO-8601 durations', () => {
  // What luxon's Duration.fromISO(...).toMillis() gives is the contract: the scheduler used luxon before.
  const inputs = [
    'PT5M', 'PT0.1S', 'PT1S', 'PT24H', 'PT1H30M', 'PT36H', 'P1D', 'P1W', 'P1W1D', 'P1M', 'P1Y', 'P1.5Y', 'P0.5D', 'P1.5M',
    'PT1.5H', 'PT1.5M', 'PT1,5S', 'PT1.123456S', 'PT0.0001S', 'PT0.000001H', 'P1Y2M3W4DT5H6M7.89S', 'P99999999999999999999Y',
    'PT0S', 'P', 'PT', 'P1DT', '-PT5M', 'PT-5M', '-PT-5M', 'PT-0S', 'PT-0.5S', '-PT0.5S', 'PT1.-5S', 'P-1D', '-P1D', '-P1DT-1H',
    'pt5m', ' PT5M', 'PT5M ', 'PT1S2M', 'P1Y1Y', '5 minutes', '', 'P1H', 'PT1D', 'P1.5W', 'P1e3D', 'PT1.5.5S', 'P12345678901234567890123D',
  ];
  it.each(inputs)('reads %j as luxon does', input => {
    expect(Object.is(isoDurationToMillis(input), Duration.fromISO(input).toMillis())).toBe(true);
  });

  it('agrees with luxon on generated durations', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const number = () => `${pick(['', '', '-'])}${Math.floor(random() * 1000)}${pick(['', '', '.5', '.25', '.123', ',5', '.0001'])}`;
    for (let i = 0; i < 3000; i++) {
      let text = pick(['P', 'P', '-P']);
      for (const unit of ['Y', 'M', 'W', 'D']) if (random() < 0.3) text += `${number()}${unit}`;
      if (random() < 0.7) {
        text += 'T';
        for (const unit of ['H', 'M', 'S']) if (random() < 0.5) text += `${number()}${unit}`;
      }
      expect([text, isoDurationToMillis(text)]).toEqual([text, Duration.fromISO(text).toMillis()]);
    }
  });
});
