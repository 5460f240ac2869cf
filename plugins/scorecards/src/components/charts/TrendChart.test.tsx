import type { TrendPoint } from '@portico/plugin-scorecards-common';
import { render, screen, within } from '@testing-library/react';
import { productionReadiness } from '../../__testUtils__/fakeScorecardsApi';
import { dailyPoints, TrendChart } from './TrendChart';

const levels = productionReadiness.spec.levels;
const point = (time: string, levelCounts: Record<string, number>, averageScore: number): TrendPoint => ({
  time,
  total: Object.values(levelCounts).reduce((sum, n) => sum + n, 0),
  averageScore,
  levels: levelCounts,
});

/** A fresh portal: the scorecard has been evaluated a few times, all on its first day. */
const oneDay = [
  point('2026-12-06T09:00:00.000Z', { none: 6 }, 0.1),
  point('2026-12-06T09:05:00.000Z', { none: 3, Bronze: 3 }, 0.3),
  point('2026-12-06T15:30:00.000Z', { none: 1, Bronze: 3, Gold: 2 }, 0.55),
];

describe('TrendChart', () => {
  it('has a legend naming each colour, with the count of the last day', () => {
    render(<TrendChart title="Production readiness" levels={levels} points={oneDay} />);
    const figure = screen.getByRole('figure', { name: 'Trend for Production readiness' });
    const legend = within(figure).getByRole('list', { name: 'Legend' });
    expect(within(legend).getAllByRole('listitem').map(item => item.textContent)).toEqual(['Gold2', 'Silver0', 'Bronze3', 'No level1']);
  });

  it('shows a single day as that day\'s standing, not as a trend of repeated points', () => {
    render(<TrendChart title="Production readiness" levels={levels} points={oneDay} />);
    const figure = screen.getByRole('figure', { name: 'Trend for Production readiness' });
    expect(
      within(figure).getByText(
        'On 2026-12-06, 6 entities (No level: 1, Bronze: 3, Silver: 0, Gold: 2), average score 55%. The trend shows from the second day of history.',
      ),
    ).toBeInTheDocument();
    expect(within(figure).queryByText(/From 2026-12-06 to 2026-12-06/)).not.toBeInTheDocument();
  });

  it('draws one point per day, the last of each, from the first day to the last', () => {
    const points = [...oneDay, point('2026-12-07T08:00:00.000Z', { Bronze: 2, Gold: 4 }, 0.8), point('2026-12-07T20:00:00.000Z', { Gold: 6 }, 0.9)];
    expect(dailyPoints(points).map(p => p.time)).toEqual(['2026-12-06T15:30:00.000Z', '2026-12-07T20:00:00.000Z']);
    render(<TrendChart title="Production readiness" levels={levels} points={points} />);
    const figure = screen.getByRole('figure', { name: 'Trend for Production readiness' });
    expect(within(figure).getByText('From 2026-12-06 to 2026-12-07, the average score went from 55% to 90%.')).toBeInTheDocument();
    expect(within(within(figure).getByRole('list', { name: 'Legend' })).getAllByRole('listitem')[0]).toHaveTextContent('Gold6');
  });
});
