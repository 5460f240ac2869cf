import { fetchApiRef } from '@portico/frontend-plugin-api';
import { renderInTestApp } from '@portico/app/testing';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GroupField } from './GroupField';

const groups = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'storefront', namespace: 'default', title: 'Storefront' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'payments', namespace: 'default' } },
];

function catalogFetch() {
  // jsdom has no Response; the catalog client reads only these members
  return jest.fn(async (_input: unknown) => ({ ok: true, status: 200, json: async () => groups }));
}

describe('GroupField', () => {
  it('offers the catalog groups and applies the picked group’s ref', async () => {
    const fetch = catalogFetch();
    const onChange = jest.fn();
    const user = userEvent.setup();
    renderInTestApp(<GroupField label="Team" value="" onChange={onChange} />, {
      apis: [[fetchApiRef, { fetch: fetch as unknown as typeof globalThis.fetch }]],
    });
    await user.click(screen.getByRole('combobox', { name: 'Team' }));
    await user.keyboard('store');
    await user.click(await screen.findByRole('option', { name: /Storefront/ }));
    expect(onChange).toHaveBeenCalledWith('group:default/storefront');
    expect(String(fetch.mock.calls[0][0])).toMatch(/^http:\/\/localhost\/api\/catalog\/entities\?filter=kind%3Dgroup/);
  });

  it('shows the current group by its title and takes a typed ref when the catalog is unreachable', async () => {
    const onChange = jest.fn();
    const user = userEvent.setup();
    const { unmount } = renderInTestApp(<GroupField label="Team" value="group:default/storefront" onChange={onChange} />, {
      apis: [[fetchApiRef, { fetch: catalogFetch() as unknown as typeof globalThis.fetch }]],
    });
    expect(await screen.findByDisplayValue('Storefront')).toBeInTheDocument();
    unmount();
    const failing = jest.fn(async () => {
      throw new TypeError('network down');
    });
    renderInTestApp(<GroupField label="Team" value="" onChange={onChange} />, {
      apis: [[fetchApiRef, { fetch: failing as unknown as typeof globalThis.fetch }]],
    });
    await user.type(screen.getByRole('combobox', { name: 'Team' }), 'team-b{Enter}');
    expect(onChange).toHaveBeenLastCalledWith('team-b');
  });
});
