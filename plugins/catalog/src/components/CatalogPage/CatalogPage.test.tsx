import '../../__testUtils__/testTimeouts';
import { identityApiRef, permissionApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg, manyComponents } from '../../__testUtils__/fixtures';
import { LocationProbe } from '../../__testUtils__/LocationProbe';
import { CatalogPage } from './CatalogPage';

function renderPage(api: FakeCatalogApi, route = '/catalog') {
  return renderInTestApp(
    <>
      <CatalogPage />
      <LocationProbe />
    </>,
    { apis: [[catalogApiRef, api]], route },
  );
}

const rowNames = () =>
  within(screen.getByRole('table', { name: 'Catalog' }))
    .getAllByRole('row')
    .slice(1)
    .map(row => within(within(row).getAllByRole('cell')[0]).getByRole('link').textContent);

describe('CatalogPage', () => {
  it('lists the entities with their kind, owner and lifecycle, and counts them', async () => {
    renderPage(new FakeCatalogApi(exampleOrg()));
    expect(screen.getByRole('progressbar', { name: 'Loading entities' })).toBeInTheDocument();
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Payments Service' });
    expect(link).toHaveAttribute('href', '/catalog/default/component/payments');
    const row = link.closest('tr')!;
    expect(within(row).getByRole('link', { name: 'team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(within(row).getByText('production')).toBeInTheDocument();
    expect(within(row).getByText('java')).toBeInTheDocument();
    // the description reads under the name, not in a column of its own
    expect(within(row).getAllByRole('cell')[0]).toHaveTextContent('Takes card payments');
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(['Name', 'Kind', 'Type', 'Owner', 'Lifecycle', 'Tags']);
  });

  it('opens on components, not on users, groups and locations, and leaves the default out of the URL', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    const query = jest.spyOn(api, 'queryEntities');
    renderPage(api);
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    expect(rowNames()).toEqual(['Payments Service', 'website']);
    expect(query).toHaveBeenCalledWith(expect.objectContaining({ filter: { kind: ['Component'] } }));
    expect(screen.getByRole('combobox', { name: 'Kind' }).closest('.MuiAutocomplete-root')).toHaveTextContent('Component');
    expect(screen.getByLabelText('Current location')).toHaveTextContent(/^\/catalog$/);
  });

  it('shows every kind once the kind filter is emptied, and keeps that choice in the URL', async () => {
    const user = userEvent.setup();
    renderPage(new FakeCatalogApi(exampleOrg()));
    await screen.findByText('2 entities');
    const kind = screen.getByRole('combobox', { name: 'Kind' }).closest('.MuiAutocomplete-root') as HTMLElement;
    await user.click(within(kind).getByTestId('CancelIcon'));
    expect(await screen.findByText('7 entities')).toBeInTheDocument();
    expect(screen.getByLabelText('Current location')).toHaveTextContent(/^\/catalog\?kind=$/);
  });

  it('applies the filters of a shared link', async () => {
    renderPage(new FakeCatalogApi(exampleOrg()), '/catalog?kind=API&lifecycle=production');
    expect(await screen.findByText('1 entity')).toBeInTheDocument();
    expect(rowNames()).toEqual(['payments-api']);
    expect(screen.getByRole('combobox', { name: 'Kind' }).closest('.MuiAutocomplete-root')).toHaveTextContent('API');
  });

  it('filters by owner, with the choices and counts from the facets, and puts the filter in the URL', async () => {
    const user = userEvent.setup();
    renderPage(new FakeCatalogApi(exampleOrg()), '/catalog?kind=');
    await screen.findByText('7 entities');
    await user.click(screen.getByRole('combobox', { name: 'Owner' }));
    const option = await screen.findByRole('option', { name: /team-b/ });
    expect(within(option).getByLabelText('2 entities')).toBeInTheDocument();
    await user.click(option);
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    expect(rowNames().sort()).toEqual(['users-api', 'website']);
    expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog?kind=&owner=group%3Adefault%2Fteam-b');
  });

  it('clears every filter at once', async () => {
    const user = userEvent.setup();
    renderPage(new FakeCatalogApi(exampleOrg()), '/catalog?kind=API');
    await screen.findByText('2 entities');
    await user.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(await screen.findByText('7 entities')).toBeInTheDocument();
    expect(screen.getByLabelText('Current location')).toHaveTextContent(/^\/catalog\?kind=$/);
  });

  it('searches the catalog as you type', async () => {
    const user = userEvent.setup();
    const api = new FakeCatalogApi(exampleOrg());
    const query = jest.spyOn(api, 'queryEntities');
    renderPage(api, '/catalog?kind=');
    await screen.findByText('7 entities');
    await user.type(screen.getByRole('searchbox', { name: 'Search the catalog' }), 'card');
    await waitFor(() => expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog?kind=&q=card'), { timeout: 5000 });
    expect(await screen.findByText('2 entities', undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(rowNames().sort()).toEqual(['Payments Service', 'payments-api']);
    expect(query).toHaveBeenLastCalledWith(
      expect.objectContaining({ fullTextFilter: expect.objectContaining({ term: 'card' }) }),
    );
  });

  it('keeps the newest view when an older answer arrives late', async () => {
    const user = userEvent.setup();
    const api = new FakeCatalogApi(exampleOrg());
    const realQuery = api.queryEntities.bind(api);
    let releaseFirst: () => void = () => {};
    jest.spyOn(api, 'queryEntities').mockImplementationOnce(
      request => new Promise(resolve => (releaseFirst = () => resolve(realQuery(request)))),
    );
    renderPage(api, '/catalog?kind=');
    await user.type(screen.getByRole('searchbox', { name: 'Search the catalog' }), 'card');
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    releaseFirst();
    await new Promise(r => setTimeout(r, 50));
    expect(screen.getByText('2 entities')).toBeInTheDocument();
    expect(rowNames().sort()).toEqual(['Payments Service', 'payments-api']);
  });

  it('sorts on the server when a column header is clicked', async () => {
    const user = userEvent.setup();
    const api = new FakeCatalogApi(exampleOrg());
    const query = jest.spyOn(api, 'queryEntities');
    renderPage(api, '/catalog?kind=Component');
    await screen.findByText('2 entities');
    expect(rowNames()).toEqual(['Payments Service', 'website']);
    await user.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(rowNames()).toEqual(['website', 'Payments Service']));
    expect(query).toHaveBeenLastCalledWith(
      expect.objectContaining({ orderFields: [{ field: 'metadata.name', order: 'desc' }] }),
    );
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('renders only the rows in view and fetches the next page with the cursor when scrolled', async () => {
    const api = new FakeCatalogApi(manyComponents(1000));
    const query = jest.spyOn(api, 'queryEntities');
    renderPage(api);
    expect(await screen.findByText('1000 entities')).toBeInTheDocument();
    const rendered = screen.getAllByRole('row').length;
    expect(rendered).toBeLessThan(60);
    expect(screen.getByRole('table', { name: 'Catalog' })).toHaveAttribute('aria-rowcount', '1001');
    const scroller = screen.getByRole('table', { name: 'Catalog' }).parentElement!;
    scroller.scrollTop = 53 * 90;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(query).toHaveBeenCalledWith(expect.objectContaining({ cursor: expect.any(String) })));
    expect(await screen.findByRole('link', { name: 'component-00095' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'component-00000' })).not.toBeInTheDocument();
  });

  it('says so when nothing matches', async () => {
    renderPage(new FakeCatalogApi(exampleOrg()), '/catalog?kind=Template');
    expect(await screen.findByText('No entities match')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'register a location' })).toHaveAttribute('href', '/catalog-import');
  });

  it('shows an error with a retry when the catalog cannot be reached', async () => {
    const user = userEvent.setup();
    const api = new FakeCatalogApi(exampleOrg());
    jest.spyOn(api, 'queryEntities').mockRejectedValueOnce(new Error('Service Unavailable'));
    renderPage(api);
    expect(await screen.findByText('Could not load the catalog')).toBeInTheDocument();
    expect(screen.getByText('Service Unavailable')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
  });
});

describe('CatalogPage "Owned by me"', () => {
  const jane = { userEntityRef: 'user:default/jane', ownershipEntityRefs: ['user:default/jane', 'group:default/team-a'] };

  function renderAs(identity: { userEntityRef: string; ownershipEntityRefs: string[] }, route = '/catalog') {
    const api = new FakeCatalogApi(exampleOrg());
    const query = jest.spyOn(api, 'queryEntities');
    const result = renderInTestApp(
      <>
        <CatalogPage />
        <LocationProbe />
      </>,
      {
        apis: [
          [catalogApiRef, api],
          [identityApiRef, mockApis.identity(identity)],
        ],
        route,
      },
    );
    return { api, query, unmount: result.unmount };
  }

  it('shows a signed-in user what they and their groups own first, in the server query', async () => {
    const { query } = renderAs(jane, '/catalog?kind=');
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    expect(rowNames().sort()).toEqual(['Payments Service', 'payments-api']);
    expect(screen.getByRole('button', { name: 'Owned by me' })).toHaveAttribute('aria-pressed', 'true');
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { 'relations.ownedBy': ['user:default/jane', 'group:default/team-a'] } }),
    );
  });

  it('switches to all entities, and the choice stays in the URL', async () => {
    const user = userEvent.setup();
    renderAs(jane, '/catalog?kind=');
    await screen.findByText('2 entities');
    await user.click(screen.getByRole('button', { name: 'All' }));
    expect(await screen.findByText('7 entities')).toBeInTheDocument();
    expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog?owned=all&kind=');
    expect(screen.getByRole('button', { name: 'All' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('starts the guest on all entities, and follows a shared "owned=me" link', async () => {
    const { unmount } = renderAs({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] }, '/catalog?kind=');
    expect(await screen.findByText('7 entities')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'All' })).toHaveAttribute('aria-pressed', 'true');
    unmount();
    renderAs(jane, '/catalog?owned=me&kind=API');
    expect(await screen.findByText('1 entity')).toBeInTheDocument();
    expect(rowNames()).toEqual(['payments-api']);
  });
});

describe('CatalogPage register link', () => {
  it('links to the register page for whoever may register locations, and says why not to others', async () => {
    const { unmount } = renderInTestApp(<CatalogPage />, { apis: [[catalogApiRef, new FakeCatalogApi(exampleOrg())]] });
    const link = await screen.findByRole('link', { name: 'Register existing component' });
    await waitFor(() => expect(link).not.toHaveAttribute('aria-disabled'));
    expect(link).toHaveAttribute('href', '/catalog-import');
    expect(screen.getByRole('link', { name: 'Catalog errors' })).toHaveAttribute('href', '/catalog-errors');
    unmount();
    renderInTestApp(<CatalogPage />, {
      apis: [
        [catalogApiRef, new FakeCatalogApi(exampleOrg())],
        [
          permissionApiRef,
          mockApis.permission(request =>
            request.permission.name === 'catalog.location.create' ? { result: 'DENY', reason: 'No role grants catalog.location.create' } : 'ALLOW',
          ),
        ],
      ],
    });
    expect(await screen.findByLabelText('No role grants catalog.location.create')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Register existing component' })).toHaveAttribute('aria-disabled', 'true');
  });
});
