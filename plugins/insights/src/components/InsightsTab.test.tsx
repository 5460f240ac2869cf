import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/app/testing';
import type { Entity } from '@portico/catalog-model';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { useLocation } from 'react-router';
import { insightsApiRef } from '../api/InsightsApi';
import { component, eventsResponse, fakeInsightsApi, metric, metricsResponse, responseError, team } from '../__testUtils__/insightsFixtures';
import { InsightsTab } from './InsightsTab';

/** Shows the URL's query, so tests can see what a shared link would hold. */
function Search() {
  return <output aria-label="URL query">{useLocation().search}</output>;
}

const renderTab = (api = fakeInsightsApi(), entity: Entity = component, route = '/catalog/default/component/payments/insights') =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <InsightsTab />
      <Search />
    </EntityProvider>,
    { apis: [[insightsApiRef, api]], route },
  );

const tile = (name: string) => screen.findByRole('region', { name });

describe('Insights tab', () => {
  it('shows the four DORA keys as tiles with value, band and change vs the previous period', async () => {
    renderTab();
    const dora = await screen.findByRole('region', { name: 'DORA keys' });
    const titles = within(dora).getAllByRole('heading', { level: 3 }).map(h => h.textContent);
    expect(titles.slice(0, 4)).toEqual(['Deployment frequency', 'Lead time for changes', 'Change failure rate', 'Time to restore service']);

    const frequency = await tile('Deployment frequency');
    expect(frequency).toHaveTextContent('1.2 per day');
    expect(within(frequency).getByLabelText('DORA band: Elite')).toBeInTheDocument();
    // higher is better for deployment frequency
    expect(frequency).toHaveTextContent('Up +50% vs the previous 90 days: better');

    const lead = await tile('Lead time for changes');
    expect(lead).toHaveTextContent('30 h');
    expect(within(lead).getByLabelText('DORA band: High')).toBeInTheDocument();
    // lower is better for lead time
    expect(lead).toHaveTextContent('Down −25% vs the previous 90 days: better');

    const failures = await tile('Change failure rate');
    expect(failures).toHaveTextContent('20%');
    expect(within(failures).getByLabelText('DORA band: Low')).toBeInTheDocument();
    expect(failures).toHaveTextContent('Up +10 pts vs the previous 90 days: worse');
  });

  it('says "Not enough data" with the reason instead of 0, and shows no band or change', async () => {
    renderTab();
    const restore = await tile('Time to restore service');
    expect(restore).toHaveTextContent('Not enough data');
    expect(restore).toHaveTextContent('No incident resolved in the period');
    expect(restore).not.toHaveTextContent(/\b0 h\b/);
    expect(within(restore).queryByLabelText(/DORA band/)).not.toBeInTheDocument();
    expect(await tile('Reviewed pull requests')).toHaveTextContent('No value for the previous 90 days to compare with');
    expect(await tile('PR cycle time')).toHaveTextContent('No change vs the previous 90 days');
  });

  it('shows a metric\'s definition on demand', async () => {
    const user = userEvent.setup();
    renderTab();
    const frequency = await tile('Deployment frequency');
    const button = within(frequency).getByRole('button', { name: 'Definition of Deployment frequency' });
    expect(within(frequency).queryByText(/Deployments to production \(any status\)/)).not.toBeVisible();
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(within(frequency).getByText(/Deployments to production \(any status\)/)).toBeVisible();
    expect(within(frequency).getByText(/Higher is better\./)).toBeVisible();
  });

  it('describes each chart in words and switches it to a table', async () => {
    const user = userEvent.setup();
    renderTab();
    const figure = await screen.findByRole('figure', { name: 'Deployment frequency per week' });
    const chart = within(figure).getByRole('img', { name: 'Deployment frequency per week chart' });
    expect(chart).toHaveAccessibleDescription('Deployment frequency rose from 0.4 per day to 0.9 per day over 4 weeks (1 without enough data); elite.');
    await user.click(within(figure).getByRole('button', { name: 'Table view' }));
    const table = within(figure).getByRole('table', { name: 'Deployment frequency per week' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual(['Sep 70.4 per day12', 'Sep 140.6 per day12', 'Sep 21Not enough data: No events in the period0', 'Sep 280.9 per day12']);
    expect(within(figure).getByRole('button', { name: 'Chart view' })).toHaveAttribute('aria-pressed', 'true');
    expect(within(figure).queryByRole('img')).not.toBeInTheDocument();
    expect(figure).toHaveTextContent('Deployment frequency rose from 0.4 per day to 0.9 per day');
  });

  it('shows pull-request metrics below the DORA keys', async () => {
    renderTab();
    const prs = await screen.findByRole('region', { name: 'Pull requests' });
    expect(within(prs).getAllByRole('heading', { level: 3 }).slice(0, 4).map(h => h.textContent)).toEqual(['PR cycle time', 'Time to first review', 'Reviewed pull requests', 'PR size']);
    expect(within(prs).getByRole('region', { name: 'PR size' })).toHaveTextContent('120 lines');
    expect(within(prs).getByRole('region', { name: 'Reviewed pull requests' })).toHaveTextContent('90%');
  });

  it('asks the backend for the period and interval the URL names, so a shared link shows the same view', async () => {
    const api = fakeInsightsApi();
    renderTab(api, component, '/catalog/default/component/payments/insights?range=custom&from=2026-01-01&to=2026-03-31&interval=month');
    await tile('Deployment frequency');
    expect(api.getMetrics).toHaveBeenLastCalledWith({ scope: { type: 'entity', ref: 'component:default/payments' }, from: '2026-01-01', to: '2026-03-31', interval: 'month' });
    expect(screen.getByLabelText('From')).toHaveValue('2026-01-01');
    expect(screen.getByLabelText('To')).toHaveValue('2026-03-31');
    expect(screen.getByRole('combobox', { name: 'Interval' })).toHaveTextContent('Month');
  });

  it('opens the events behind a number with why each counted', async () => {
    const user = userEvent.setup();
    const api = fakeInsightsApi({ getEvents: jest.fn(async ({ cursor }) => (cursor ? eventsResponse({ items: [{ ...eventsResponse().items[1], id: 'deploy-0', event: { version: 'v1.0.0', environment: 'production', status: 'failed' }, reason: 'status failed' }] }) : eventsResponse({ nextCursor: 'page2' }))) });
    renderTab(api);
    const failures = await tile('Change failure rate');
    await user.click(within(failures).getByRole('button', { name: 'Why? The events behind Change failure rate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Why? The events behind Change failure rate' });
    const table = await within(dialog).findByRole('table', { name: 'Events behind Change failure rate' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Deploymentv1.2.0 · production · succeeded');
    expect(rows[0]).toHaveTextContent('failureincident INC-1 opened 40 min after');
    expect(within(rows[0]).getByRole('link', { name: 'payments' })).toHaveAttribute('href', '/catalog/default/component/payments');
    expect(rows[1]).toHaveTextContent('successno incident, rollback or hotfix within 24 h');
    expect(api.getEvents).toHaveBeenCalledWith(expect.objectContaining({ scope: { type: 'entity', ref: 'component:default/payments' }, metric: 'changeFailureRate' }));
    expect(within(dialog).getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', expect.stringMatching(/\/events\?entityRef=component%3Adefault%2Fpayments.*metric=changeFailureRate.*format=csv/));

    await user.click(within(dialog).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(within(table).getAllByRole('row')[3]).toHaveTextContent('status failed');
    expect(within(dialog).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('offers the CSV export of the metrics shown', async () => {
    renderTab(fakeInsightsApi(), component, '/x?range=30d&interval=day');
    expect(await screen.findByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', expect.stringMatching(/^http:\/\/localhost\/api\/insights\/metrics\?entityRef=component%3Adefault%2Fpayments&from=.*&interval=day&format=csv$/));
  });
});

describe('Insights tab on a team', () => {
  it('covers the team\'s components, with or without sub-teams (in the URL), and lists them in a breakdown', async () => {
    const user = userEvent.setup();
    const api = fakeInsightsApi();
    renderTab(api, team, '/catalog/default/group/team-a/insights');
    expect(await screen.findByText('Over 2 components owned by the team.')).toBeInTheDocument();
    expect(api.getMetrics).toHaveBeenLastCalledWith(expect.objectContaining({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: false } }));
    expect(api.getBreakdown).toHaveBeenLastCalledWith(expect.objectContaining({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: false } }));

    await user.click(screen.getByRole('switch', { name: 'Include sub-teams' }));
    await waitFor(() => expect(screen.getByLabelText('URL query')).toHaveTextContent('subTeams=true'));
    await waitFor(() => expect(api.getMetrics).toHaveBeenLastCalledWith(expect.objectContaining({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: true } })));
    expect(api.getBreakdown).toHaveBeenLastCalledWith(expect.objectContaining({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: true } }));
    expect(await screen.findByText('Over 2 components owned by the team and its sub-teams.')).toBeInTheDocument();
  });

  it('sorts the breakdown by any column, entities without a value last, and links each component', async () => {
    const user = userEvent.setup();
    renderTab(fakeInsightsApi(), team, '/catalog/default/group/team-a/insights');
    const table = await screen.findByRole('table', { name: 'Breakdown by entity' });
    // every owned kind is listed, not only components
    expect(within(table).getAllByRole('columnheader')[0]).toHaveTextContent('Entity');
    const names = () => within(table).getAllByRole('row').slice(1).map(r => within(r).getByRole('rowheader').textContent);
    expect(names()).toEqual(['audit', 'Ledger', 'payments']);
    expect(within(table).getByRole('link', { name: 'Ledger' })).toHaveAttribute('href', '/catalog/default/component/ledger');
    const ledger = within(table).getAllByRole('row')[2];
    expect(ledger).toHaveTextContent('2 per day');
    expect(ledger).toHaveTextContent('n/a');

    await user.click(within(table).getByRole('button', { name: 'Deployment frequency' }));
    expect(names()).toEqual(['payments', 'Ledger', 'audit']);
    await user.click(within(table).getByRole('button', { name: 'Deployment frequency' }));
    expect(names()).toEqual(['Ledger', 'payments', 'audit']);
    await user.click(within(table).getByRole('button', { name: 'Lead time for changes' }));
    expect(names()).toEqual(['audit', 'payments', 'Ledger']);
  });
});

describe('Insights tab errors', () => {
  it('says the insights backend is not installed when /api/insights answers 404', async () => {
    renderTab(fakeInsightsApi({ getMetrics: jest.fn(async () => { throw responseError(404, 'NotFoundError', 'No plugin serves /api/insights/metrics'); }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Insights are not available');
    expect(alert).toHaveTextContent('@portico/plugin-insights-backend');
  });

  it('says the user may not read these insights on 403', async () => {
    renderTab(fakeInsightsApi({ getMetrics: jest.fn(async () => { throw responseError(403, 'NotAllowedError', "You may not read 'component:default/payments'"); }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not allowed');
    expect(alert).toHaveTextContent("You may not read 'component:default/payments'");
  });

  it('says the portal could not be reached on a network error, and retries', async () => {
    const user = userEvent.setup();
    const getMetrics = jest.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValue(metricsResponse({ deploymentFrequency: metric('deploymentFrequency', 0.5) }));
    renderTab(fakeInsightsApi({ getMetrics }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not reach the portal');
    expect(alert).toHaveTextContent('Failed to fetch');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await tile('Deployment frequency')).toHaveTextContent('0.5 per day');
  });

  it('shows the backend\'s reason for a refused period', async () => {
    renderTab(fakeInsightsApi({ getMetrics: jest.fn(async () => { throw responseError(400, 'InputError', 'from must be before to'); }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The portal refused the request');
    expect(alert).toHaveTextContent('from must be before to');
  });
});
