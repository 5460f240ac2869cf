import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { brokenScorecard, fakeScorecardsApi, productionReadiness } from '../../__testUtils__/fakeScorecardsApi';
import { ScorecardsPage } from './ScorecardsPage';

describe('ScorecardsPage', () => {
  it('shows each scorecard with its level distribution and trend, linking to its page', async () => {
    const api = fakeScorecardsApi();
    renderInTestApp(<ScorecardsPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards' });
    const card = await screen.findByRole('region', { name: 'Production readiness' });
    expect(within(card).getByRole('link', { name: 'Production readiness' })).toHaveAttribute(
      'href',
      '/scorecards/default/production-readiness',
    );
    expect(within(card).getByText(/Owned by platform · 6 entities · 3 rules/)).toBeInTheDocument();
    const distribution = within(card).getByRole('figure', { name: 'Entities by level for Production readiness' });
    expect(within(distribution).getByText('No level: 1, Bronze: 2, Silver: 0, Gold: 3')).toBeInTheDocument();
    const trendFigure = await within(card).findByRole('figure', { name: 'Trend for Production readiness' });
    expect(within(trendFigure).getByText(/average score went from 40% to 70%/)).toBeInTheDocument();
    expect(api.getTrends).toHaveBeenCalledWith(productionReadiness.ref);
  });

  it('says why a scorecard cannot evaluate', async () => {
    const api = fakeScorecardsApi({ getScorecards: jest.fn(async () => [brokenScorecard]), getTrends: jest.fn(async () => []) });
    renderInTestApp(<ScorecardsPage />, { apis: [[scorecardsApiRef, api]] });
    const card = await screen.findByRole('region', { name: 'broken' });
    expect(within(card).getByText(/This scorecard cannot evaluate: rule 'x' names level 'Platinum'/)).toBeInTheDocument();
    expect(await within(card).findByText('No history yet.')).toBeInTheDocument();
  });

  it('shows an empty state when there are no scorecards', async () => {
    renderInTestApp(<ScorecardsPage />, { apis: [[scorecardsApiRef, fakeScorecardsApi({ getScorecards: jest.fn(async () => []) })]] });
    expect(await screen.findByText('No scorecards yet')).toBeInTheDocument();
  });

  it('shows a loading state, then an error with a retry', async () => {
    const getScorecards = jest.fn().mockRejectedValueOnce(new Error('backend down')).mockResolvedValue([productionReadiness]);
    renderInTestApp(<ScorecardsPage />, { apis: [[scorecardsApiRef, fakeScorecardsApi({ getScorecards })]] });
    expect(screen.getByRole('progressbar', { name: 'Loading scorecards' })).toBeInTheDocument();
    expect(await screen.findByText('backend down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('region', { name: 'Production readiness' })).toBeInTheDocument();
  });
});
