import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@portico/app/testing';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { entity, fakePagerDutyApi, summary } from '../__testUtils__/pagerdutyFixtures';
import { responseError } from '../__testUtils__/responseErrors';
import { IncidentsTab } from './IncidentsTab';

const renderTab = (api = fakePagerDutyApi()) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <IncidentsTab />
    </EntityProvider>,
    { apis: [[pagerdutyApiRef, api]] },
  );

describe('Incidents tab', () => {
  it('lists open incidents with urgency, status, assignees, age and link', async () => {
    renderTab();
    const table = await screen.findByRole('table', { name: 'Open incidents' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('#42 Card payments failing');
    expect(rows[0]).toHaveTextContent('High');
    expect(rows[0]).toHaveTextContent('triggered');
    expect(rows[0]).toHaveTextContent('Alice Archer');
    expect(rows[0]).toHaveTextContent('2 h');
    expect(rows[1]).toHaveTextContent('Low');
    expect(rows[1]).toHaveTextContent('acknowledged');
    expect(rows[1]).toHaveTextContent('nobody');
    expect(rows[1]).toHaveTextContent('5 h');
    expect(within(table).getByRole('link', { name: '#42 Card payments failing' })).toHaveAttribute('href', 'https://acme.pagerduty.com/incidents/PI1');
  });

  it('puts incidents and change events on one timeline, newest first', async () => {
    renderTab();
    const timeline = await screen.findByRole('list', { name: 'Incidents and change events, newest first' });
    const entries = within(timeline).getAllByRole('listitem');
    expect(entries.map(e => e.textContent)).toEqual([
      expect.stringContaining('Incident #42 Card payments failing'),
      expect.stringContaining('Change Deploy payments v1.2.3 · Run 42'),
      expect.stringContaining('Incident #41 Slow refunds'),
      expect.stringContaining('Incident #40 Refunds stuck'),
    ]);
    expect(entries[3]).toHaveTextContent('high urgency, resolved');
    expect(within(entries[1]).getByRole('link', { name: 'Run 42' })).toHaveAttribute('href', 'https://ci.example/runs/42');
  });

  it('lists recently resolved incidents with how long each took to resolve', async () => {
    renderTab();
    const table = await screen.findByRole('table', { name: 'Recently resolved incidents' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('#40 Refunds stuck');
    expect(rows[0]).toHaveTextContent('2 h');
    expect(within(rows[0]).getByRole('link', { name: '#40 Refunds stuck' })).toHaveAttribute('href', 'https://acme.pagerduty.com/incidents/PI0');
  });

  it('shows MTTA and MTTR over 30 days with a chart', async () => {
    renderTab();
    expect(await screen.findByText('7 incidents (3 high urgency); MTTA 4 min, MTTR 1 h 30 min.')).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'MTTA and MTTR over 30 days' })).toHaveTextContent('Mean time to acknowledge 4 min, to resolve 1 h 30 min.');
  });

  it('says why analytics are missing, and still shows the incidents', async () => {
    renderTab(fakePagerDutyApi({ getEntitySummary: async () => summary({ analytics: null, analyticsError: "PagerDuty account 'default' has no Analytics API" }) }));
    expect(await screen.findByText("Analytics are not available: PagerDuty account 'default' has no Analytics API")).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Open incidents' })).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('says when there is nothing open and nothing in 30 days', async () => {
    const quiet = summary({ openIncidents: [], recentIncidents: [], changeEvents: [] });
    renderTab(fakePagerDutyApi({ getEntitySummary: async () => ({ ...quiet, analytics: { ...quiet.analytics!, totalIncidents: 0, meanSecondsToResolve: null, meanSecondsToFirstAck: null } }) }));
    expect(await screen.findByText('No open incidents.')).toBeInTheDocument();
    expect(screen.getByText('No incident resolved among those of the last 7 days.')).toBeInTheDocument();
    expect(screen.getByText('No open or recent incidents and no change events in the last 7 days.')).toBeInTheDocument();
    expect(screen.getByText('No incidents in the last 30 days.')).toBeInTheDocument();
  });

  it('says PagerDuty refused the portal\'s key', async () => {
    renderTab(fakePagerDutyApi({ getEntitySummary: async () => { throw responseError(503, 'ServiceUnavailableError', "PagerDuty refused the API key of account 'default' while reading service PSVC1: the key is wrong or revoked"); } }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("PagerDuty refused the portal's key");
    expect(alert).toHaveTextContent('the key is wrong or revoked');
  });
});
