import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, productionReadiness, resultRow } from '../../__testUtils__/fakeScorecardsApi';
import { ScorecardPage } from './ScorecardPage';

const route = { route: '/scorecards/default/production-readiness', path: '/scorecards/:namespace/:name' };

describe('ScorecardPage', () => {
  it('lists entities with level, score and the titles of failing rules', async () => {
    const api = fakeScorecardsApi();
    renderInTestApp(<ScorecardPage />, { apis: [[scorecardsApiRef, api]], ...route });
    expect(await screen.findByRole('heading', { name: 'Production readiness' })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Results of Production readiness' });
    const [, row] = within(table).getAllByRole('row');
    expect(within(row).getByRole('link', { name: 'checkout' })).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(within(row).getByText('component:checkout')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(within(row).getByText('Bronze')).toBeInTheDocument();
    expect(within(row).getByText('25%')).toBeInTheDocument();
    expect(within(row).getByText('Has a runbook, Coverage of 80%')).toBeInTheDocument();
    expect(api.getScorecard).toHaveBeenCalledWith(productionReadiness.ref);
  });

  it("shows each entity's and owner's title, with the ref as secondary text, asking the catalog once per page", async () => {
    const api = fakeScorecardsApi();
    const entities: Record<string, Entity> = {
      'component:default/checkout': {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'checkout', namespace: 'default', title: 'Checkout service' },
      },
      'group:default/team-a': {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-a', namespace: 'default' },
        spec: { profile: { displayName: 'Team A' } },
      },
    };
    const getEntitiesByRefs = jest.fn(async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(ref => entities[ref] ?? null),
    }));
    const catalogApi = { getEntitiesByRefs } as unknown as CatalogApi;
    renderInTestApp(<ScorecardPage />, {
      apis: [
        [scorecardsApiRef, api],
        [catalogApiRef, catalogApi],
      ],
      ...route,
    });
    const table = await screen.findByRole('table', { name: 'Results of Production readiness' });
    const [, row] = within(table).getAllByRole('row');
    const entityLink = await within(row).findByRole('link', { name: 'Checkout service' });
    expect(entityLink).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(within(row).getByText('component:checkout')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Team A' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(within(row).getByText('team-a')).toBeInTheDocument();
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs).toHaveBeenCalledWith(
      expect.objectContaining({ entityRefs: expect.arrayContaining(['component:default/checkout', 'group:default/team-a']) }),
    );
  });

  it('filters by an owner typed as a group ref, by level and by failing rule', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    renderInTestApp(<ScorecardPage />, { apis: [[scorecardsApiRef, api]], ...route });
    await user.type(await screen.findByRole('combobox', { name: 'Owner' }), 'group:default/team-a{Enter}');
    await screen.findByRole('table');
    expect(api.getResults).toHaveBeenLastCalledWith(productionReadiness.ref, expect.objectContaining({ owner: 'group:default/team-a' }));
    await user.click(screen.getByRole('combobox', { name: 'Level' }));
    await user.click(await screen.findByRole('option', { name: 'No level' }));
    expect(api.getResults).toHaveBeenLastCalledWith(
      productionReadiness.ref,
      expect.objectContaining({ owner: 'group:default/team-a', level: 'none' }),
    );
    await user.click(screen.getByRole('combobox', { name: 'Failing rule' }));
    await user.click(await screen.findByRole('option', { name: 'Coverage of 80%' }));
    expect(api.getResults).toHaveBeenLastCalledWith(
      productionReadiness.ref,
      expect.objectContaining({ owner: 'group:default/team-a', level: 'none', failingRule: 'coverage' }),
    );
  });

  it('takes a bare group name as the owner', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    renderInTestApp(<ScorecardPage />, { apis: [[scorecardsApiRef, api]], ...route });
    await user.type(await screen.findByRole('combobox', { name: 'Owner' }), 'team-b{Enter}');
    expect(api.getResults).toHaveBeenLastCalledWith(productionReadiness.ref, expect.objectContaining({ owner: 'team-b' }));
  });

  it('pages forward with the cursor and back again', async () => {
    const api = fakeScorecardsApi({
      getResults: jest.fn(async (_ref, request) =>
        request?.cursor === 'c2'
          ? { items: [resultRow('component:default/search')], totalItems: 2, pageInfo: {} }
          : { items: [resultRow('component:default/checkout')], totalItems: 2, pageInfo: { nextCursor: 'c2' } },
      ),
    });
    const user = userEvent.setup();
    renderInTestApp(<ScorecardPage pageSize={1} />, { apis: [[scorecardsApiRef, api]], ...route });
    expect(await screen.findByText('1–1 of 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('link', { name: 'search' })).toBeInTheDocument();
    expect(screen.getByText('2–2 of 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('link', { name: 'checkout' })).toBeInTheDocument();
    expect(api.getResults).toHaveBeenCalledWith(productionReadiness.ref, expect.objectContaining({ cursor: 'c2', limit: 1 }));
  });

  it('shows an empty state when no entity matches', async () => {
    const api = fakeScorecardsApi({ getResults: jest.fn(async () => ({ items: [], totalItems: 0, pageInfo: {} })) });
    renderInTestApp(<ScorecardPage />, { apis: [[scorecardsApiRef, api]], ...route });
    expect(await screen.findByText('No entities match')).toBeInTheDocument();
  });

  it('says when the scorecard does not exist', async () => {
    const api = fakeScorecardsApi({ getScorecard: jest.fn().mockRejectedValue(new Error('No scorecard scorecard:default/nope')) });
    renderInTestApp(<ScorecardPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/default/nope', path: route.path });
    expect(await screen.findByText('Could not load the scorecard')).toBeInTheDocument();
    expect(screen.getByText('No scorecard scorecard:default/nope')).toBeInTheDocument();
  });
});
