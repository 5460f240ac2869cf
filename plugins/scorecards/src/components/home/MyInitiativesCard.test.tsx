import { mockApis, renderInTestApp } from '@portico/app/testing';
import { identityApiRef } from '@portico/frontend-plugin-api';
import { screen, within } from '@testing-library/react';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, initiative } from '../../__testUtils__/fakeScorecardsApi';
import { MyInitiativesCard } from './MyInitiativesCard';

const jane = mockApis.identity({ userEntityRef: 'user:default/jane', ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'] });

describe('MyInitiativesCard', () => {
  it('asks for the initiatives that concern the ownership refs and lists them by deadline, linked', async () => {
    const api = fakeScorecardsApi();
    api.getInitiatives.mockResolvedValue([
      { ...initiative, id: 'later', title: 'Gold next year', targetLevel: 'Gold', deadline: '2099-06-30T00:00:00.000Z' },
      { ...initiative, id: 'past', title: 'Bronze last year', targetLevel: 'Bronze', deadline: '2020-01-31T00:00:00.000Z' },
    ]);
    renderInTestApp(<MyInitiativesCard />, { apis: [[scorecardsApiRef, api], [identityApiRef, jane]] });
    const list = await screen.findByRole('list', { name: 'Initiatives that concern me' });
    const [first, second] = within(list).getAllByRole('listitem');
    expect(within(first!).getByRole('link', { name: 'Bronze last year' })).toHaveAttribute('href', '/scorecards/initiatives/past');
    expect(within(first!).getByText(/Bronze on production-readiness by/)).toBeInTheDocument();
    expect(within(first!).getByText('(overdue)')).toBeInTheDocument();
    expect(within(second!).getByRole('link', { name: 'Gold next year' })).toHaveAttribute('href', '/scorecards/initiatives/later');
    expect(within(second!).queryByText('(overdue)')).not.toBeInTheDocument();
    expect(api.getInitiatives).toHaveBeenCalledWith({ owners: ['user:default/jane', 'group:default/team-a'] });
  });

  it('says where initiatives come from when none concerns the user', async () => {
    const api = fakeScorecardsApi();
    api.getInitiatives.mockResolvedValue([]);
    renderInTestApp(<MyInitiativesCard />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('No initiative concerns what you own')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'initiatives' })).toHaveAttribute('href', '/scorecards/initiatives');
  });

  it('shows the error when initiatives cannot be read', async () => {
    const api = fakeScorecardsApi();
    api.getInitiatives.mockRejectedValue(new Error('scorecards down'));
    renderInTestApp(<MyInitiativesCard />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('Could not load your initiatives')).toBeInTheDocument();
  });
});
