import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { brokenScorecard, fakeScorecardsApi, productionReadiness, resultRow } from '../../__testUtils__/fakeScorecardsApi';
import { fixNext } from './fixNext';
import { TeamPage } from './TeamPage';

describe('TeamPage', () => {
  it('lists what a team should fix next, level blockers first', async () => {
    const api = fakeScorecardsApi({
      getScorecards: jest.fn(async () => [productionReadiness, brokenScorecard]),
      getResults: jest.fn(async () => ({
        items: [
          resultRow('component:default/checkout'),
          resultRow('component:default/search', { level: null, levelRank: 0, failingRules: ['has-owner'] }),
          resultRow('component:default/billing', { level: 'Gold', levelRank: 3, failingRules: [], score: 1 }),
        ],
        totalItems: 3,
        pageInfo: {},
      })),
    });
    const user = userEvent.setup();
    renderInTestApp(<TeamPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/team' });
    expect(await screen.findByText('Pick a team')).toBeInTheDocument();
    await user.click(screen.getByRole('combobox', { name: 'Team' }));
    await user.paste('group:default/team-a');
    await user.keyboard('{Enter}');

    const table = await screen.findByRole('table', { name: 'What to fix next' });
    expect(api.getResults).toHaveBeenCalledTimes(1);
    expect(api.getResults).toHaveBeenCalledWith(productionReadiness.ref, { owner: 'group:default/team-a', limit: 1000 });
    expect(screen.getByText('3 failing rules across 3 entities.')).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getAllByRole('cell')[1].textContent)).toEqual(['Has an owner', 'Has a runbook', 'Coverage of 80%']);
    expect(within(rows[0]).getByRole('link', { name: 'search' })).toBeInTheDocument();
    expect(within(rows[0]).getByText('Needed for Bronze (now No level)')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Add a link of type runbook to metadata.links.')).toBeInTheDocument();
  });

  it('says when nothing needs fixing', async () => {
    const api = fakeScorecardsApi({
      getResults: jest.fn(async () => ({ items: [resultRow('component:default/a', { failingRules: [] })], totalItems: 1, pageInfo: {} })),
    });
    const user = userEvent.setup();
    renderInTestApp(<TeamPage />, { apis: [[scorecardsApiRef, api]] });
    await user.type(screen.getByRole('combobox', { name: 'Team' }), 'group:default/team-b{Enter}');
    expect(await screen.findByText('Nothing to fix')).toBeInTheDocument();
    expect(api.getResults).toHaveBeenCalledWith(productionReadiness.ref, { owner: 'group:default/team-b', limit: 1000 });
  });

  it('shows an error with a retry', async () => {
    const api = fakeScorecardsApi({ getScorecards: jest.fn().mockRejectedValue(new Error('down')) });
    renderInTestApp(<TeamPage />, { apis: [[scorecardsApiRef, api]], route: '/?group=group:default/team-a' });
    expect(await screen.findByText("Could not load the team's results")).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});

describe('fixNext', () => {
  it('puts score-only rules last and heavier rules first within a level', () => {
    const scorecard = {
      ...productionReadiness,
      spec: {
        ...productionReadiness.spec,
        rules: [
          { id: 'light', type: 'binary', params: {}, level: 'Silver' },
          { id: 'heavy', type: 'binary', params: {}, level: 'Silver', weight: 3 },
          { id: 'extra', type: 'binary', params: {} },
        ],
      },
    };
    const items = fixNext([scorecard], new Map([[scorecard.ref, [resultRow('component:default/x', { failingRules: ['extra', 'light', 'heavy'] })]]]));
    expect(items.map(i => [i.ruleId, i.unlocksLevel])).toEqual([
      ['heavy', 'Silver'],
      ['light', 'Silver'],
      ['extra', undefined],
    ]);
  });
});
