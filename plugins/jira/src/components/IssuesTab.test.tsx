import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/app/testing';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { jiraApiRef } from '../api/JiraApi';
import { entity, fakeJiraApi, group, issue, responseError, summary } from '../__testUtils__/jiraFixtures';
import { IssuesTab } from './IssuesTab';

const renderTab = (api = fakeJiraApi(), shown = entity) =>
  renderInTestApp(
    <EntityProvider entity={shown}>
      <IssuesTab />
    </EntityProvider>,
    { apis: [[jiraApiRef, api]] },
  );

describe('Issues tab', () => {
  it('lists the open issues with type, priority, status chip, assignee, age and link', async () => {
    const api = fakeJiraApi();
    renderTab(api);
    const table = await screen.findByRole('table', { name: 'Jira issues' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('PAY-3Refunds time outBugHighestTo DoBob Bakertoday');
    expect(rows[1]).toHaveTextContent('PAY-2Apple PayStoryMediumIn ReviewUnassigned1 day');
    expect(rows[2]).toHaveTextContent('PAY-1Rounding errorBugNoneTo DoUnassigned16 days');
    expect(within(rows[0]).getByRole('link', { name: 'PAY-3' })).toHaveAttribute('href', 'https://acme.atlassian.net/browse/PAY-3');
    expect(screen.getByRole('link', { name: 'Payments (PAY)' })).toHaveAttribute('href', 'https://acme.atlassian.net/browse/PAY');
    expect(api.getEntitySummary).toHaveBeenCalledWith('component:default/payments', {});
  });

  it('filters by type and status through the backend', async () => {
    const user = userEvent.setup();
    const api = fakeJiraApi({
      getEntitySummary: jest.fn(async (_ref, filter) =>
        filter?.statusCategories?.includes('done') ? summary({ issues: [issue('PAY-9', { type: 'Bug', status: 'Closed', statusCategory: 'done' })], total: 1 }) : summary(),
      ),
    });
    renderTab(api);
    await screen.findByRole('table', { name: 'Jira issues' });
    await user.click(screen.getByRole('combobox', { name: 'Type' }));
    await user.click(await screen.findByRole('option', { name: 'Bug' }));
    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Done' }));
    expect(api.getEntitySummary).toHaveBeenLastCalledWith('component:default/payments', { types: ['Bug'], statusCategories: ['done'] });
    const table = await screen.findByRole('table', { name: 'Jira issues' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('PAY-9');
    expect(rows[0]).toHaveTextContent('Closed');
  });

  it('says when no issue matches the filters, and when nothing is open', async () => {
    renderTab(fakeJiraApi({ getEntitySummary: jest.fn(async () => summary({ issues: [], total: 0, countsByType: {}, countsByPriority: {} })) }));
    expect(await screen.findByText('No open issues')).toBeInTheDocument();
  });

  it('says how many issues it shows of how many match', async () => {
    renderTab(fakeJiraApi({ getEntitySummary: jest.fn(async () => summary({ total: 240, truncated: true })) }));
    expect(await screen.findByText('Showing 3 of 240 issues, newest first.')).toBeInTheDocument();
  });

  it('on a group, aggregates its components and names what could not be read', async () => {
    const api = fakeJiraApi({
      getEntitySummary: jest.fn(async () =>
        summary({
          entityRef: 'group:default/team-a',
          components: ['component:default/payments', 'component:default/ledger'],
          errors: [{ entityRef: 'component:default/ledger', kind: 'invalid-jql', message: "Error in the JQL Query: The character '%' is a reserved JQL character." }],
        }),
      ),
    });
    renderTab(api, group);
    const components = await screen.findByLabelText('Components aggregated');
    expect(components).toHaveTextContent('Issues of 2 components: component:payments, component:ledger');
    expect(within(components).getByRole('link', { name: 'component:ledger' })).toHaveAttribute('href', '/catalog/default/component/ledger');
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Jira rejected the JQL for component:ledger');
    expect(alert).toHaveTextContent("The character '%' is a reserved JQL character.");
    expect(screen.getByRole('table', { name: 'Jira issues' })).toBeInTheDocument();
    expect(api.getEntitySummary).toHaveBeenCalledWith('group:default/team-a', {});
  });

  it('says a project was not found, on the entity', async () => {
    renderTab(fakeJiraApi({ getEntitySummary: jest.fn(async () => summary({ project: null, projects: [], issues: [], total: 0, errors: [{ entityRef: 'component:default/payments', kind: 'project-not-found', message: "No project 'PAY' on acme.atlassian.net, or the portal's token cannot see it" }] })) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Jira project not found');
    expect(alert).toHaveTextContent("No project 'PAY' on acme.atlassian.net");
  });

  it.each([
    [503, 'ServiceUnavailableError', "Jira site 'acme.atlassian.net' is unreachable while reading project PAY: no answer within 1500 ms", 'Jira is unreachable'],
    [503, 'ServiceUnavailableError', "Jira site 'acme.atlassian.net' refused the credentials while reading project PAY: the token is wrong, expired or revoked", "Jira refused the portal's credentials"],
    [503, 'ServiceUnavailableError', "Jira site 'acme.atlassian.net' is rate-limiting the portal while reading project PAY; try again shortly", 'Jira is rate limiting the portal'],
    [403, 'NotAllowedError', "The credentials of Jira site 'acme.atlassian.net' are not allowed reading project PAY", 'Jira does not let the portal see this'],
    [404, 'NotFoundError', 'No entity component:default/payments', 'Not found in Jira'],
    [400, 'InputError', 'jira/jql: Jira rejected the clause', 'Jira rejected the query'],
  ])('says why when the backend answers %i (%s)', async (status, name, message, title) => {
    const retried = jest.fn(async () => { throw responseError(status, name, message); });
    renderTab(fakeJiraApi({ getEntitySummary: retried }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(message);
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(retried).toHaveBeenCalledTimes(2);
  });
});
