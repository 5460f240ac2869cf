import '../../__testUtils__/testTimeouts';
import { permissionApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@portico/catalog-model';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { RegisterPage, toLocationSpec } from './RegisterPage';

const billing: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'billing', namespace: 'default', description: 'Sends invoices' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function setup() {
  const api = new FakeCatalogApi(exampleOrg());
  api.locations['https://git.example.com/billing/catalog-info.yaml'] = [billing];
  const addLocation = jest.spyOn(api, 'addLocation');
  renderInTestApp(<RegisterPage />, { apis: [[catalogApiRef, api]], route: '/catalog-import' });
  return { api, addLocation, user: userEvent.setup() };
}

describe('RegisterPage', () => {
  it('previews what a location would add with a dry run, then registers it', async () => {
    const { api, addLocation, user } = setup();
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste('https://git.example.com/billing/catalog-info.yaml');
    await user.click(screen.getByRole('button', { name: 'Analyze' }));

    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByRole('heading', { name: 'This location would add 1 entity' })).toBeInTheDocument();
    const table = within(preview).getByRole('table', { name: 'Entities to add' });
    expect(within(table).getByText('billing')).toBeInTheDocument();
    expect(within(table).getByText('Sends invoices')).toBeInTheDocument();
    expect(addLocation).toHaveBeenLastCalledWith({ type: 'url', target: 'https://git.example.com/billing/catalog-info.yaml', dryRun: true });
    expect(api.registered).toEqual([]);

    await user.click(within(preview).getByRole('button', { name: 'Register' }));
    expect(await screen.findByText('Location registered')).toBeInTheDocument();
    expect(api.registered).toEqual(['https://git.example.com/billing/catalog-info.yaml']);
    expect(screen.getByRole('link', { name: 'billing' })).toHaveAttribute('href', '/catalog/default/component/billing');

    await user.click(screen.getByRole('button', { name: 'Register another' }));
    expect(screen.getByRole('textbox', { name: 'Location URL' })).toHaveValue('');
  });

  it('says why a location cannot be read, and lets the user correct it', async () => {
    const { user } = setup();
    const input = screen.getByRole('textbox', { name: 'Location URL' });
    await user.click(input);
    await user.paste('https://git.example.com/nothing.yaml');
    await user.click(screen.getByRole('button', { name: 'Analyze' }));
    expect(await screen.findByText('Could not read this location')).toBeInTheDocument();
    expect(screen.getByText(/not found/)).toBeInTheDocument();
    expect(input).toBeEnabled();
    expect(screen.queryByRole('region', { name: 'Preview' })).not.toBeInTheDocument();
  });

  it('cancels a preview without registering anything', async () => {
    const { api, user } = setup();
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste('https://git.example.com/billing/catalog-info.yaml');
    await user.click(screen.getByRole('button', { name: 'Analyze' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('region', { name: 'Preview' })).not.toBeInTheDocument();
    expect(api.registered).toEqual([]);
  });

  it('registers a URL as a url location and a path as a file location', () => {
    expect(toLocationSpec(' /srv/catalog/all.yaml ')).toEqual({ type: 'file', target: '/srv/catalog/all.yaml' });
    expect(toLocationSpec('examples/catalog/apis.yaml')).toEqual({ type: 'file', target: 'examples/catalog/apis.yaml' });
    expect(toLocationSpec('https://x/y.yaml')).toEqual({ type: 'url', target: 'https://x/y.yaml' });
    expect(toLocationSpec('file:///srv/y.yaml')).toEqual({ type: 'url', target: 'file:///srv/y.yaml' });
  });

  it('does not register a location twice', async () => {
    const { api, user } = setup();
    api.registered.push('https://git.example.com/billing/catalog-info.yaml');
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste('https://git.example.com/billing/catalog-info.yaml');
    await user.click(screen.getByRole('button', { name: 'Analyze' }));
    expect(await screen.findByText(/already registered/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Register' })).toBeDisabled();
  });
});

describe('RegisterPage problems', () => {
  const target = 'https://git.example.com/broken/catalog-info.yaml';
  const file = target;
  const problems = [
    { entityRef: 'component:default/no-owner', locationKey: `url:${target}`, reason: 'validation' as const, message: 'spec.owner: required', file, line: 14, field: 'spec.owner', source: 'spec:' },
    { locationKey: `url:${target}`, reason: 'parse' as const, message: `${target}:31: unexpected end of the stream`, file, line: 31, source: 'kind: Component' },
  ];

  it('shows every problem of a location that yields nothing, and refuses to register it, saying why', async () => {
    const { api, addLocation, user } = setup();
    api.locations[target] = [];
    api.locationErrors[target] = problems;
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste(target);
    await user.click(screen.getByRole('button', { name: 'Analyze' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByText('2 problems in this location')).toBeInTheDocument();
    const table = within(preview).getByRole('table', { name: 'Problems found' });
    expect(within(table).getByText(`${target}:14`)).toBeInTheDocument();
    expect(within(table).getByText('spec.owner')).toBeInTheDocument();
    expect(within(table).getByText('component:default/no-owner')).toBeInTheDocument();
    expect(within(table).getByLabelText('Source line 31')).toHaveTextContent('31 | kind: Component');
    expect(within(preview).getByText(/Nothing to register: the location yields no entities \(2 problems below\)/)).toBeInTheDocument();
    expect(within(preview).getByRole('button', { name: 'Register' })).toBeDisabled();
    expect(addLocation).toHaveBeenCalledTimes(1);
    expect(api.registered).toEqual([]);
  });

  it('registers a location whose valid entities come with problems, showing the problems first', async () => {
    const { api, user } = setup();
    api.locationErrors['https://git.example.com/billing/catalog-info.yaml'] = [{ ...problems[0]! }];
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste('https://git.example.com/billing/catalog-info.yaml');
    await user.click(screen.getByRole('button', { name: 'Analyze' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(within(preview).getByText('1 problem in this location')).toBeInTheDocument();
    await user.click(within(preview).getByRole('button', { name: 'Register' }));
    expect(await screen.findByText('Location registered')).toBeInTheDocument();
  });
});

describe('RegisterPage permissions', () => {
  it('disables Analyze, saying why, for someone who may not register locations', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    const addLocation = jest.spyOn(api, 'addLocation');
    const permissionApi = mockApis.permission(() => ({ result: 'DENY', reason: 'Only the platform team registers locations' }));
    renderInTestApp(<RegisterPage />, {
      apis: [
        [catalogApiRef, api],
        [permissionApiRef, permissionApi],
      ],
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('textbox', { name: 'Location URL' }));
    await user.paste('https://git.example.com/billing/catalog-info.yaml');
    expect(await screen.findByLabelText('Only the platform team registers locations')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Analyze' })).toBeDisabled();
    expect(permissionApi.requests[0].permission.name).toBe('catalog.location.create');
    expect(addLocation).not.toHaveBeenCalled();
  });
});
