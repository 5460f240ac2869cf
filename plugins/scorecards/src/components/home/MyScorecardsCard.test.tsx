import { mockApis, renderInTestApp } from '@portico/app/testing';
import { identityApiRef } from '@portico/frontend-plugin-api';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, productionReadiness, resultRow } from '../../__testUtils__/fakeScorecardsApi';
import { MyScorecardsCard } from './MyScorecardsCard';

const jane = mockApis.identity({ userEntityRef: 'user:default/jane', ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'] });

describe('MyScorecardsCard', () => {
  it("shows the level of each entity the user's groups own, per scorecard, asking the backend by ownership refs", async () => {
    const api = fakeScorecardsApi();
    api.getResultsOfOwners.mockResolvedValue({
      items: [
        resultRow('component:default/checkout'),
        resultRow('component:default/search', { level: 'Gold', levelRank: 3, score: 1, failingRules: [] }),
      ],
      totalItems: 2,
    });
    renderInTestApp(<MyScorecardsCard />, { apis: [[scorecardsApiRef, api], [identityApiRef, jane]] });
    const section = await screen.findByRole('region', { name: 'Production readiness' });
    expect(within(section).getByRole('link', { name: 'Production readiness' })).toHaveAttribute('href', '/scorecards/default/production-readiness');
    const [checkout, search] = within(within(section).getByRole('list', { name: 'Levels on Production readiness' })).getAllByRole('listitem');
    expect(within(checkout!).getByRole('link', { name: 'checkout' })).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(within(checkout!).getByText('Bronze')).toBeInTheDocument();
    expect(within(search!).getByText('Gold')).toBeInTheDocument();
    expect(api.getResultsOfOwners).toHaveBeenCalledWith({ owners: ['user:default/jane', 'group:default/team-a'], limit: 200 });
  });

  it('lists the failing rules with their remediation and the entities that fail them', async () => {
    const api = fakeScorecardsApi();
    api.getResultsOfOwners.mockResolvedValue({
      items: [resultRow('component:default/checkout'), resultRow('component:default/search', { failingRules: ['coverage'] })],
      totalItems: 2,
    });
    renderInTestApp(<MyScorecardsCard />, { apis: [[scorecardsApiRef, api], [identityApiRef, jane]] });
    const failing = within(await screen.findByRole('region', { name: 'Failing rules' })).getByRole('list', { name: 'Failing rules' });
    const [runbook, coverage] = within(failing).getAllByRole('listitem');
    expect(within(runbook!).getByText('Has a runbook (Production readiness): 1 failing')).toBeInTheDocument();
    expect(within(runbook!).getByText('Add a link of type runbook to metadata.links.')).toBeInTheDocument();
    expect(within(runbook!).getByRole('link', { name: 'checkout' })).toBeInTheDocument();
    expect(within(coverage!).getByText('Coverage of 80% (Production readiness): 2 failing')).toBeInTheDocument();
    expect(within(coverage!).getByText('Write more tests.')).toBeInTheDocument();
    expect(within(coverage!).getAllByRole('link').map(l => l.textContent)).toEqual(['checkout', 'search']);
  });

  it('says when everything passes, and how many results it left out', async () => {
    const api = fakeScorecardsApi();
    api.getResultsOfOwners.mockResolvedValue({ items: [resultRow('component:default/search', { failingRules: [] })], totalItems: 250 });
    renderInTestApp(<MyScorecardsCard />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('Everything you own passes every rule. Well done.')).toBeInTheDocument();
    expect(screen.getByText('Showing 1 of 250 results.')).toBeInTheDocument();
  });

  it('says what to do when no scorecard measures anything the user owns', async () => {
    renderInTestApp(<MyScorecardsCard />, { apis: [[scorecardsApiRef, fakeScorecardsApi()]] });
    expect(await screen.findByText('No scorecard measures anything you own yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'scorecards' })).toHaveAttribute('href', '/scorecards');
  });

  it('shows the error with a retry', async () => {
    const api = fakeScorecardsApi();
    api.getResultsOfOwners.mockRejectedValueOnce(new Error('scorecards down'));
    renderInTestApp(<MyScorecardsCard />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('scorecards down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No scorecard measures anything you own yet')).toBeInTheDocument();
    expect(productionReadiness.spec.rules).toHaveLength(3);
  });
});
