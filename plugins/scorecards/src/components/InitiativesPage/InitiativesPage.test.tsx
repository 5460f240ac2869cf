import { renderInTestApp } from '@portico/app/testing';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, initiative, initiativeProgress } from '../../__testUtils__/fakeScorecardsApi';
import { InitiativesPage, timeLeft } from './InitiativesPage';

describe('InitiativesPage', () => {
  it('shows each initiative with its progress against the deadline and what is still below target', async () => {
    const api = fakeScorecardsApi();
    renderInTestApp(<InitiativesPage />, { apis: [[scorecardsApiRef, api]] });
    const card = await screen.findByRole('region', { name: 'Everything Silver by new year' });
    expect(within(card).getByText(/Reach Silver on/)).toHaveTextContent(/by 2026-12-31/);
    expect(within(card).getByRole('link', { name: 'production-readiness' })).toHaveAttribute(
      'href',
      '/scorecards/default/production-readiness',
    );
    const bar = await within(card).findByRole('progressbar', { name: 'Share of entities at Silver or above' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(within(card).getByText('25% (1 of 4)')).toBeInTheDocument();
    const chart = within(card).getByRole('figure', { name: 'Progress of Everything Silver by new year' });
    expect(within(chart).getByText('1 of 4 entities at Silver or above; the deadline is 2026-12-31.')).toBeInTheDocument();
    const failing = within(card).getByRole('list', { name: 'Entities below the target of Everything Silver by new year' });
    expect(within(failing).getAllByRole('listitem')).toHaveLength(3);
    expect(within(failing).getByRole('link', { name: 'search' })).toBeInTheDocument();
    expect(within(failing).getByText('No level · team-b')).toBeInTheDocument();
    expect(api.getInitiativeProgress).toHaveBeenCalledWith('i-1');
  });

  it('shows one initiative at /initiatives/:id, and says when it does not exist', async () => {
    const api = fakeScorecardsApi({
      getInitiatives: jest.fn(async () => [initiative, { ...initiative, id: 'i-2', title: 'Other' }]),
    });
    const { unmount } = renderInTestApp(<InitiativesPage />, {
      apis: [[scorecardsApiRef, api]],
      route: '/scorecards/initiatives/i-2',
      path: '/scorecards/initiatives/:id',
    });
    expect(await screen.findByRole('region', { name: 'Other' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Everything Silver by new year' })).not.toBeInTheDocument();
    unmount();
    renderInTestApp(<InitiativesPage />, {
      apis: [[scorecardsApiRef, api]],
      route: '/scorecards/initiatives/gone',
      path: '/scorecards/initiatives/:id',
    });
    expect(await screen.findByText('No such initiative')).toBeInTheDocument();
  });

  it('shows the tickets an initiative action linked to each entity, and why one could not be opened', async () => {
    const updatedAt = '2026-11-28T00:00:00.000Z';
    const api = fakeScorecardsApi({
      getInitiativeProgress: jest.fn(async () => ({
        ...initiativeProgress,
        failing: [
          { ...initiativeProgress.failing[0], actions: [{ type: 'jira.ticket', state: 'open' as const, link: { type: 'jira.ticket', key: 'OPS-7', url: 'https://acme.atlassian.net/browse/OPS-7' }, updatedAt }] },
          { ...initiativeProgress.failing[1], actions: [{ type: 'jira.ticket', state: 'error' as const, error: "Field 'components' is required.", updatedAt }] },
          initiativeProgress.failing[2],
        ],
      })),
    });
    renderInTestApp(<InitiativesPage />, { apis: [[scorecardsApiRef, api]] });
    const checkout = await screen.findByLabelText('Linked tickets of component:checkout');
    expect(checkout).toHaveTextContent('Linked tickets: OPS-7');
    expect(within(checkout).getByRole('link', { name: 'OPS-7' })).toHaveAttribute('href', 'https://acme.atlassian.net/browse/OPS-7');
    expect(screen.getByLabelText('Linked tickets of component:search')).toHaveTextContent("Could not open a ticket: Field 'components' is required.");
    expect(screen.queryByLabelText('Linked tickets of component:billing')).not.toBeInTheDocument();
  });

  it('pages through every entity below the target, each with its ticket link', async () => {
    const updatedAt = '2026-11-28T00:00:00.000Z';
    const failing = Array.from({ length: 25 }, (_, i) => {
      const name = `svc-${String(i + 1).padStart(2, '0')}`;
      const key = `OPS-${i + 1}`;
      return {
        entityRef: `component:default/${name}`,
        level: 'Bronze',
        owner: 'group:default/team-a',
        actions: [{ type: 'jira.ticket', state: 'open' as const, link: { type: 'jira.ticket', key, url: `https://acme.atlassian.net/browse/${key}` }, updatedAt }],
      };
    });
    const api = fakeScorecardsApi({ getInitiativeProgress: jest.fn(async () => ({ ...initiativeProgress, total: 26, atOrAbove: 1, failing })) });
    renderInTestApp(<InitiativesPage />, { apis: [[scorecardsApiRef, api]] });
    const card = await screen.findByRole('region', { name: 'Everything Silver by new year' });
    const list = () => within(card).getByRole('list', { name: 'Entities below the target of Everything Silver by new year' });
    const pages = await within(card).findByRole('group', { name: 'Pages of entities below the target of Everything Silver by new year' });
    // A page change asks the catalog for the titles of the entities it shows: let that answer land.
    const turn = async (name: 'Next page' | 'Previous page') => {
      fireEvent.click(within(pages).getByRole('button', { name }));
      await act(async () => undefined);
    };
    const ticketsShown = () => within(list()).getAllByRole('link', { name: /^OPS-/ }).map(link => link.textContent);
    expect(within(pages).getByText('1–10 of 25')).toBeInTheDocument();
    expect(ticketsShown()).toEqual(failing.slice(0, 10).map(f => f.actions[0].link.key));
    expect(within(pages).getByRole('button', { name: 'Previous page' })).toBeDisabled();

    await turn('Next page');
    expect(within(pages).getByText('11–20 of 25')).toBeInTheDocument();
    expect(ticketsShown()).toEqual(failing.slice(10, 20).map(f => f.actions[0].link.key));
    await turn('Next page');
    expect(within(pages).getByText('21–25 of 25')).toBeInTheDocument();
    expect(within(list()).getAllByRole('listitem')).toHaveLength(5);
    expect(within(list()).getByRole('link', { name: 'OPS-25' })).toHaveAttribute('href', 'https://acme.atlassian.net/browse/OPS-25');
    expect(screen.getByLabelText('Linked tickets of component:svc-25')).toHaveTextContent('Linked tickets: OPS-25');
    expect(within(pages).getByRole('button', { name: 'Next page' })).toBeDisabled();
    await turn('Previous page');
    expect(within(pages).getByText('11–20 of 25')).toBeInTheDocument();
  });

  it('shows empty and error states', async () => {
    const empty = fakeScorecardsApi({ getInitiatives: jest.fn(async () => []) });
    const { unmount } = renderInTestApp(<InitiativesPage />, { apis: [[scorecardsApiRef, empty]] });
    expect(await screen.findByText('No initiatives yet')).toBeInTheDocument();
    unmount();
    const failing = fakeScorecardsApi({ getInitiativeProgress: jest.fn().mockRejectedValue(new Error('gone')) });
    renderInTestApp(<InitiativesPage />, { apis: [[scorecardsApiRef, failing]] });
    expect(await screen.findByText('Could not load the progress')).toBeInTheDocument();
  });

  it('says how much time is left', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(timeLeft('2026-12-31T00:00:00Z', now)).toBe('30 days left');
    expect(timeLeft('2026-12-02T00:00:00Z', now)).toBe('1 day left');
    expect(timeLeft('2026-12-01T08:00:00Z', now)).toBe('due today');
    expect(timeLeft('2026-11-28T00:00:00Z', now)).toBe('3 days overdue');
  });
});
