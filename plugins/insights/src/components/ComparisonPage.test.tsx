import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/app/testing';
import { useLocation } from 'react-router';
import { insightsApiRef } from '../api/InsightsApi';
import { comparisonResponse, fakeInsightsApi, responseError } from '../__testUtils__/insightsFixtures';
import { ComparisonPage } from './ComparisonPage';

function Search() {
  return <output aria-label="URL query">{useLocation().search}</output>;
}

const renderPage = (api = fakeInsightsApi(), route = '/insights') =>
  renderInTestApp(
    <>
      <ComparisonPage />
      <Search />
    </>,
    { apis: [[insightsApiRef, api]], route },
  );

describe('Insights comparison page', () => {
  it('compares every team on one metric as bars described in words, and as a table with value, band and components', async () => {
    const user = userEvent.setup();
    const api = fakeInsightsApi();
    renderPage(api);
    const figure = await screen.findByRole('figure', { name: 'Deployment frequency by team' });
    expect(within(figure).getByRole('img', { name: 'Deployment frequency by team chart' })).toHaveAccessibleDescription(
      'Deployment frequency across 2 teams: best Storefront (2.5 per day, elite), last payments (0.2 per day, high); 1 team has not enough data.',
    );
    await user.click(within(figure).getByRole('button', { name: 'Table view' }));
    const table = within(figure).getByRole('table', { name: 'Deployment frequency by team' });
    expect(within(table).getAllByRole('columnheader').map(h => h.textContent)).toEqual(['Team', 'Deployment frequency', 'DORA band', 'Entities']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'Storefront2.5 per dayElite4',
      'payments0.2 per dayHigh5',
      'dataNot enough data: No production deployment in the period—1',
    ]);
    expect(within(rows[0]).getByRole('link', { name: 'Storefront' })).toHaveAttribute('href', '/catalog/default/group/storefront/insights');
    expect(api.compareTeams).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'deploymentFrequency', subTeams: false }));
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', expect.stringMatching(/\/compare\?from=.*&metric=deploymentFrequency&format=csv$/));
    // teams only: no column or link names a person
    expect(screen.queryByText(/author|reviewer/i)).not.toBeInTheDocument();
  });

  it('keeps the metric and sub-teams choice in the URL', async () => {
    const user = userEvent.setup();
    const api = fakeInsightsApi();
    renderPage(api, '/insights?metric=leadTime');
    await screen.findByRole('figure');
    expect(api.compareTeams).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'leadTime' }));
    expect(screen.getByText(/Median hours from a pull request's first commit/)).toBeInTheDocument();
    await user.click(screen.getByRole('combobox', { name: 'Metric' }));
    await user.click(await screen.findByRole('option', { name: 'Change failure rate' }));
    await waitFor(() => expect(screen.getByLabelText('URL query')).toHaveTextContent('?metric=changeFailureRate'));
    await waitFor(() => expect(api.compareTeams).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'changeFailureRate' })));
    await user.click(screen.getByRole('switch', { name: 'Include sub-teams' }));
    await waitFor(() => expect(screen.getByLabelText('URL query')).toHaveTextContent('?metric=changeFailureRate&subTeams=true'));
    await waitFor(() => expect(api.compareTeams).toHaveBeenLastCalledWith(expect.objectContaining({ metric: 'changeFailureRate', subTeams: true })));
  });

  it('says when no team has events', async () => {
    renderPage(fakeInsightsApi({ compareTeams: jest.fn(async () => ({ ...comparisonResponse(), rows: [] })) }));
    expect(await screen.findByText('No team has events in this period')).toBeInTheDocument();
  });

  it('says the insights backend is not installed when /api/insights answers 404', async () => {
    renderPage(fakeInsightsApi({ compareTeams: jest.fn(async () => { throw responseError(404, 'NotFoundError', 'No plugin serves /api/insights/compare'); }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Insights are not available');
    expect(alert).toHaveTextContent('No plugin serves /api/insights/compare');
  });
});
