import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@portico/app/testing';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { jiraApiRef } from '../api/JiraApi';
import { entity, fakeJiraApi, responseError, summary } from '../__testUtils__/jiraFixtures';
import { JiraOverviewCard } from './JiraOverviewCard';

const renderCard = (api = fakeJiraApi()) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <JiraOverviewCard />
    </EntityProvider>,
    { apis: [[jiraApiRef, api]] },
  );

describe('Jira overview card', () => {
  it('shows the project, open issues by type and by priority, and created vs resolved over 30 days', async () => {
    renderCard();
    const card = await screen.findByRole('region', { name: 'Jira issues' });
    expect(await within(card).findByText('3 open issues')).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'Payments (PAY)' })).toHaveAttribute('href', 'https://acme.atlassian.net/browse/PAY');
    expect(within(card).getByText(/lead Alice Archer/)).toBeInTheDocument();
    const types = within(card).getByRole('list', { name: 'Open issues by type' });
    expect(within(types).getAllByRole('listitem').map(li => li.textContent)).toEqual(['Bug: 2', 'Story: 1']);
    const priorities = within(card).getByRole('list', { name: 'Open issues by priority' });
    expect(within(priorities).getAllByRole('listitem').map(li => li.textContent)).toEqual(['Highest: 1', 'Medium: 1', 'None: 1']);
    const chart = within(card).getByRole('figure', { name: 'Issues created vs resolved over 30 days' });
    expect(chart).toHaveTextContent('20 created and 6 resolved in the last 30 days: the backlog grew by 14.');
  });

  it('says Jira is unreachable', async () => {
    renderCard(fakeJiraApi({ getEntitySummary: jest.fn(async () => { throw responseError(503, 'ServiceUnavailableError', 'Jira at acme.atlassian.net is unreachable: connect ECONNREFUSED'); }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Jira is unreachable');
    expect(alert).toHaveTextContent('connect ECONNREFUSED');
  });

  it("says Jira refused the portal's credentials for part of the answer, and shows the rest", async () => {
    renderCard(fakeJiraApi({ getEntitySummary: jest.fn(async () => summary({ errors: [{ entityRef: 'component:default/payments', kind: 'unavailable', message: 'Jira refused the credentials of acme.atlassian.net (401)' }] })) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Jira refused the portal's credentials");
    expect(screen.getByText('3 open issues')).toBeInTheDocument();
  });
});
