import '../../__testUtils__/testTimeouts';
import { renderInTestApp } from '@portico/app/testing';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { LocationProbe } from '../../__testUtils__/LocationProbe';
import { SearchBox } from './SearchBox';

function setup() {
  const api = new FakeCatalogApi(exampleOrg());
  const search = jest.spyOn(api, 'searchEntities');
  renderInTestApp(
    <>
      <SearchBox debounceMs={300} />
      <LocationProbe />
    </>,
    { apis: [[catalogApiRef, api]] },
  );
  return { api, search, user: userEvent.setup() };
}

describe('SearchBox', () => {
  it('suggests entities as you type and opens the one picked with the keyboard', async () => {
    const { search, user } = setup();
    const box = screen.getByRole('combobox', { name: 'Search entities' });
    await user.type(box, 'pay');
    expect(await screen.findByRole('option', { name: /Payments Service/ })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /payments-api/ })).toBeInTheDocument();
    // debounced: one request for the whole word
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith({ term: 'pay', limit: 10 });
    // the first suggestion is team-a ("The payments team"), the second the service
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    await waitFor(() => expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog/default/component/payments'));
    expect(box).toHaveValue('');
  });

  it('finds entities by tag and description too', async () => {
    const { user } = setup();
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'react');
    expect(await screen.findByRole('option', { name: /website/ })).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    const { user } = setup();
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'zzz');
    expect(await screen.findByText('No matching entities')).toBeInTheDocument();
  });

  it('offers to see all results on the catalog page', async () => {
    const { user } = setup();
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'pay');
    await user.click(await screen.findByRole('option', { name: 'See all results for “pay”' }));
    await waitFor(() => expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog?q=pay'));
  });

  it('does not search for a single character', async () => {
    const { search, user } = setup();
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'p');
    // the debounce fires inside this wait: let React apply it
    await act(() => new Promise(r => setTimeout(r, 400)));
    expect(search).not.toHaveBeenCalled();
  });

  it('tells the user when the search fails', async () => {
    const { api, user } = setup();
    jest.spyOn(api, 'searchEntities').mockRejectedValue(new Error('down'));
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'pay');
    expect(await screen.findByText('Search failed')).toBeInTheDocument();
  });
});
