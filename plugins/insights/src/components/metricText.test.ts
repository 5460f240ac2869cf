import { changeOf, formatValue, seriesSummary } from './metricText';

const point = (value: number | null, i: number) => ({ value, sampleSize: value === null ? 0 : 3, start: new Date(Date.UTC(2026, 8, 7 + 7 * i)).toISOString(), end: new Date(Date.UTC(2026, 8, 14 + 7 * i)).toISOString() });

describe('metric text', () => {
  it('writes each unit the way a person reads it', () => {
    expect(formatValue('perDay', 0.4)).toBe('0.4 per day');
    expect(formatValue('perDay', 0.333)).toBe('0.33 per day');
    expect(formatValue('perDay', 12)).toBe('12 per day');
    expect(formatValue('hours', 36)).toBe('36 h');
    expect(formatValue('hours', 108)).toBe('4.5 days');
    expect(formatValue('ratio', 0.125)).toBe('13%');
    expect(formatValue('lines', 119.6)).toBe('120 lines');
  });

  it('calls a change better or worse by whether lower is better for the metric', () => {
    expect(changeOf('deploymentFrequency', { value: 2, sampleSize: 9 }, { value: 1, sampleSize: 5 }, 30)).toMatchObject({ direction: 'up', better: true, text: 'Up +100% vs the previous 30 days: better' });
    expect(changeOf('leadTime', { value: 50, sampleSize: 9 }, { value: 40, sampleSize: 5 }, 30)).toMatchObject({ direction: 'up', better: false, text: 'Up +25% vs the previous 30 days: worse' });
    expect(changeOf('reviewedShare', { value: 0.8, sampleSize: 9 }, { value: 0.9, sampleSize: 5 }, 30)).toMatchObject({ direction: 'down', better: false, amount: '−10 pts' });
    // from zero there is no percentage: the change is the value itself
    expect(changeOf('deploymentFrequency', { value: 0.5, sampleSize: 9 }, { value: 0, sampleSize: 0 }, 30)?.amount).toBe('+0.5 per day');
    expect(changeOf('leadTime', { value: null, sampleSize: 0 }, { value: 40, sampleSize: 5 }, 30)).toBeNull();
  });

  it('summarises a series from its first and last interval with a value', () => {
    expect(seriesSummary('deploymentFrequency', [0.4, 0.5, 0.9].map(point), 'week', 'elite')).toBe('Deployment frequency rose from 0.4 per day to 0.9 per day over 3 weeks; elite.');
    expect(seriesSummary('leadTime', [null, 30, 30].map(point), 'week', 'high')).toBe('Lead time for changes stayed at 30 h over 3 weeks (1 without enough data); high.');
    expect(seriesSummary('prSize', [null, 80, null].map(point), 'month', null)).toBe('PR size was 80 lines in the one month with enough data, of 3 months.');
    // the week still running at the end of the period is left out: its few days would read as a drop
    expect(seriesSummary('deploymentFrequency', [0.4, 0.9, 0].map(point), 'week', 'elite', new Date(Date.UTC(2026, 8, 22)).toISOString())).toBe('Deployment frequency rose from 0.4 per day to 0.9 per day over 2 weeks; elite.');
    expect(seriesSummary('timeToRestore', [null, null].map(point), 'day', null)).toBe('Time to restore service has not enough data in any day of the 2 days.');
  });
});
