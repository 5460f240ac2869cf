import type { Entity } from '@portico/catalog-model';
import { ExtensionRegistry, renderInTestApp } from '@portico/app/testing';
import { ApiResolver, discoveryApiRef, fetchApiRef } from '@portico/frontend-plugin-api';
import { entityMatchesFilter } from '@portico/plugin-catalog-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from './api/ScorecardsApi';
import { scorecardsPlugin } from './plugin';
import { fakeScorecardsApi } from './__testUtils__/fakeScorecardsApi';
import { ScorecardsRoot } from './components/ScorecardsRoot';

const entity = (kind: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name: 'x' } });
const entityTabs = (registry: ExtensionRegistry, e: Entity) =>
  registry.ofKind('entity-tab').filter(ext => entityMatchesFilter(e, ext.data.filter));

describe('scorecardsPlugin', () => {
  it('contributes its api, the /scorecards page, a nav item and the entity tab', () => {
    expect(scorecardsPlugin.extensions.map(e => e.id)).toEqual([
      'api:scorecards/plugin.scorecards.service',
      'page:scorecards/scorecards',
      'nav-item:scorecards/scorecards',
      'home-card:scorecards/my-scorecards',
      'home-card:scorecards/my-initiatives',
      'entity-tab:scorecards/scorecards',
    ]);
  });

  it('shows the tab on the kinds scorecards measure', () => {
    const registry = ExtensionRegistry.create({ plugins: [scorecardsPlugin] });
    expect(entityTabs(registry, entity('Component')).map(t => t.data.title)).toEqual(['Scorecards']);
    expect(entityTabs(registry, entity('API')).map(t => t.data.title)).toEqual(['Scorecards']);
    expect(entityTabs(registry, entity('Group'))).toEqual([]);
  });

  it('builds a client over the discovery and fetch apis', async () => {
    const registry = ExtensionRegistry.create({ plugins: [scorecardsPlugin] });
    // jsdom has no Response; the client reads only these members
    const fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ items: [] }) }));
    const apis = new ApiResolver(registry.apiFactories(), [
      [discoveryApiRef, { getBaseUrl: async (id: string) => `http://portal.test/api/${id}` }],
      [fetchApiRef, { fetch: fetch as unknown as typeof globalThis.fetch }],
    ]);
    expect(await apis.get(scorecardsApiRef)!.getScorecards()).toEqual([]);
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe('http://portal.test/api/scorecards/scorecards');
  });
});

describe('ScorecardsRoot', () => {
  it('switches between the views with tabs that are links', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    renderInTestApp(<ScorecardsRoot />, { apis: [[scorecardsApiRef, api]], route: '/scorecards', path: '/scorecards/*' });
    expect(screen.getByRole('heading', { level: 1, name: 'Scorecards' })).toBeInTheDocument();
    expect(await screen.findByRole('region', { name: 'Production readiness' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Scorecards' })).toHaveAttribute('aria-selected', 'true');

    await user.click(screen.getByRole('tab', { name: 'Initiatives' }));
    expect(await screen.findByRole('region', { name: 'Everything Silver by new year' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Initiatives' })).toHaveAttribute('aria-selected', 'true');

    await user.click(screen.getByRole('tab', { name: 'My team' }));
    expect(await screen.findByText('Pick a team')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Notifications' }));
    expect(await screen.findByRole('list', { name: 'Notifications list' })).toBeInTheDocument();
  });

  it('opens a scorecard page from its link', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    renderInTestApp(<ScorecardsRoot />, { apis: [[scorecardsApiRef, api]], route: '/scorecards', path: '/scorecards/*' });
    await user.click(await screen.findByRole('link', { name: 'Production readiness' }));
    expect(await screen.findByRole('table', { name: 'Results of Production readiness' })).toBeInTheDocument();
  });
});
