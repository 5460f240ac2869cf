import '../../__testUtils__/testTimeouts';
import { renderInTestApp } from '@portico/app/testing';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { LocationProbe } from '../../__testUtils__/LocationProbe';
import { SearchBox } from './SearchBox';

function setup(options: { fakeTimers?: boolean } = {}) {
  const api = new FakeCatalogApi(exampleOrg());
  const search = jest.spyOn(api, 'searchEntities');
  renderInTestApp(
    <>
      <SearchBox debounceMs={300} />
      <LocationProbe />
    </>,
    { apis: [[catalogApiRef, api]] },
  );
  // with fake timers the debounce fires only when the test advances the clock, whatever the machine's load
  return { api, search, user: userEvent.setup(options.fakeTimers ? { advanceTimers: jest.advanceTimersByTime } : {}) };
}

describe('SearchBox', () => {
  afterEach(() => jest.useRealTimers());

  it('suggests entities as you type and opens the one picked with the keyboard', async () => {
    jest.useFakeTimers();
    const { search, user } = setup({ fakeTimers: true });
    const box = screen.getByRole('combobox', { name: 'Search entities' });
    await user.type(box, 'pay');
    expect(search).not.toHaveBeenCalled();
    await act(() => jest.advanceTimersByTimeAsync(300));
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
    jest.useFakeTimers();
    const { search, user } = setup({ fakeTimers: true });
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'p');
    // well past the debounce
    await act(() => jest.advanceTimersByTimeAsync(1000));
    expect(search).not.toHaveBeenCalled();
  });

  it('tells the user when the search fails', async () => {
    const { api, user } = setup();
    jest.spyOn(api, 'searchEntities').mockRejectedValue(new Error('down'));
    await user.type(screen.getByRole('combobox', { name: 'Search entities' }), 'pay');
    expect(await screen.findByText('Search failed')).toBeInTheDocument();
  });
});
