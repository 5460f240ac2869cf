import '../../__testUtils__/testTimeouts';
import { permissionApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { catalogEntityDeletePermission } from '@portico/plugin-catalog-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { catalogPlugin } from '../../plugin';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { EntityPage } from './EntityPage';

// Swagger UI is a large browser bundle; the page's concern is that it hands the definition over.
jest.mock('../apiDefinition/OpenApiViewer', () => ({
  __esModule: true,
  default: ({ definition }: { definition: string }) => <div role="document" aria-label="Swagger UI">{definition}</div>,
}));

function renderEntity(api: FakeCatalogApi, route: string) {
  return renderInTestApp(<EntityPage />, {
    apis: [[catalogApiRef, api]],
    plugins: [catalogPlugin],
    path: '/catalog/:namespace/:kind/:name/*',
    route,
  });
}

describe('EntityPage', () => {
  it('shows the header: kind, title, name, owner link, lifecycle and tags', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    expect(screen.getByRole('progressbar', { name: 'Loading entity' })).toBeInTheDocument();
    const header = (await screen.findByRole('heading', { level: 1, name: 'Payments Service' })).closest('header')!;
    expect(within(header).getByLabelText('Kind')).toHaveTextContent('Component — service');
    expect(within(header).getByLabelText('Name')).toHaveTextContent('payments');
    expect(within(header).getByRole('link', { name: 'team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(within(header).getByText('production')).toBeInTheDocument();
    expect(within(header).getByText('pci')).toBeInTheDocument();
  });

  it('offers the tabs that apply to a component, with the overview selected', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    const tabs = await screen.findByRole('tablist', { name: 'Entity tabs' });
    expect(within(tabs).getAllByRole('tab').map(t => t.textContent)).toEqual(['Overview', 'APIs', 'Dependencies', 'History']);
    expect(within(tabs).getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  });

  it('shows the About card and a graph of the neighbours, each a link', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    const about = await screen.findByRole('region', { name: 'About' });
    expect(within(about).getByText('Takes card payments')).toBeInTheDocument();
    expect(within(about).getByRole('link', { name: 'checkout' })).toHaveAttribute('href', '/catalog/default/system/checkout');
    expect(within(about).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('href', 'https://dashboards.example.com/payments');
    const graph = await screen.findByRole('group', { name: 'Relations of component:payments' });
    expect(within(graph).getByRole('link', { name: 'owned by group:team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    expect(within(graph).getAllByRole('link')).toHaveLength(5);
  });

  it('shows entity links whose URL is not http(s), mailto or relative as plain text', async () => {
    const entities = exampleOrg();
    const payments = entities.find(e => e.metadata.name === 'payments')!;
    payments.metadata.links = [
      { url: 'https://dashboards.example.com/payments', title: 'Dashboard' },
      { url: 'javascript:alert(document.cookie)', title: 'Runbook' },
      { url: 'data:text/html,<script>alert(1)</script>', title: 'Status' },
    ];
    renderEntity(new FakeCatalogApi(entities), '/catalog/default/component/payments');
    const links = await screen.findByRole('navigation', { name: 'Links' });
    expect(within(links).getAllByRole('link').map(l => l.textContent)).toEqual(['Dashboard']);
    expect(within(links).getByText('Runbook')).toBeInTheDocument();
    expect(within(links).getByText('Status')).toBeInTheDocument();
  });

  it("shows the system's domain when the entity names none", async () => {
    const api = new FakeCatalogApi(exampleOrg());
    api.entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: { owner: 'team-a', domain: 'commerce' },
    });
    renderEntity(api, '/catalog/default/component/payments');
    const about = await screen.findByRole('region', { name: 'About' });
    expect(await within(about).findByRole('link', { name: 'commerce' })).toHaveAttribute('href', '/catalog/default/domain/commerce');
  });

  it('follows a neighbour of the graph to its page', async () => {
    const user = userEvent.setup();
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    const graph = await screen.findByRole('group', { name: /Relations of/ });
    await user.click(within(graph).getByRole('link', { name: 'provides api api:payments-api' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'payments-api' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Definition' })).toBeInTheDocument();
  });

  it('lists provided and consumed APIs and renders an OpenAPI definition in the viewer, AsyncAPI as code', async () => {
    const user = userEvent.setup();
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    await user.click(await screen.findByRole('tab', { name: 'APIs' }));
    const provided = await screen.findByRole('table', { name: 'Provided APIs' });
    expect(within(provided).getByRole('link', { name: 'payments-api' })).toHaveAttribute('href', '/catalog/default/api/payments-api');
    const consumed = await screen.findByRole('table', { name: 'Consumed APIs' });
    expect(within(consumed).getByText('asyncapi')).toBeInTheDocument();

    await user.click(within(provided).getByRole('button', { name: 'Show definition of payments-api' }));
    expect(await screen.findByRole('document', { name: 'Swagger UI' })).toHaveTextContent('title: Payments');

    await user.click(within(consumed).getByRole('button', { name: 'Show definition of users-api' }));
    expect(await screen.findByLabelText('asyncapi definition')).toHaveTextContent('asyncapi: 2.6.0');
  });

  it('leaves the APIs tab cleanly when the browser returns a promise from scrollIntoView', async () => {
    const user = userEvent.setup();
    const scrollIntoView = jest.fn(() => Promise.resolve());
    Object.defineProperty(Element.prototype, 'scrollIntoView', { value: scrollIntoView, configurable: true });
    try {
      renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments/apis');
      const consumed = await screen.findByRole('table', { name: 'Consumed APIs' });
      await user.click(within(consumed).getByRole('button', { name: 'Show definition of users-api' }));
      expect(scrollIntoView).toHaveBeenCalled();
      await user.click(screen.getByRole('tab', { name: 'Dependencies' }));
      expect(await screen.findByRole('table', { name: 'Depends on' })).toBeInTheDocument();
    } finally {
      delete (Element.prototype as { scrollIntoView?: unknown }).scrollIntoView;
    }
  });

  it("shows an API's definition with the components that provide and consume it", async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/api/users-api/definition');
    expect(await screen.findByLabelText('asyncapi definition')).toHaveTextContent('asyncapi: 2.6.0');
    const consumers = await screen.findByRole('table', { name: 'Consumed by' });
    expect(within(consumers).getByRole('link', { name: 'Payments Service' })).toHaveAttribute('href', '/catalog/default/component/payments');
    expect(screen.getByText('No component provides this API.')).toBeInTheDocument();
  });

  it('shows dependencies, marking those the catalog does not know', async () => {
    const user = userEvent.setup();
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    await user.click(await screen.findByRole('tab', { name: 'Dependencies' }));
    const dependsOn = await screen.findByRole('table', { name: 'Depends on' });
    expect(within(dependsOn).getByText('resource:default/payments-db')).toBeInTheDocument();
    expect(within(dependsOn).getByText('Not in the catalog')).toBeInTheDocument();
    expect(screen.getByText('Nothing in the catalog depends on this entity.')).toBeInTheDocument();
  });

  it('shows the recorded history, newest first, with what changed', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    api.history = [
      { id: '1', entityRef: 'component:default/payments', action: 'created', changedAt: '2026-11-01T10:00:00Z', changes: [] },
      {
        id: '2',
        entityRef: 'component:default/payments',
        action: 'updated',
        changedAt: '2026-11-02T10:00:00Z',
        source: 'file:/srv/catalog/payments.yaml',
        changes: [{ op: 'replace', path: 'spec.lifecycle', before: 'experimental', after: 'production' }],
      },
    ];
    renderEntity(api, '/catalog/default/component/payments/history');
    const table = await screen.findByRole('table', { name: 'History' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getAllByRole('cell')[1].textContent)).toEqual(['updated', 'created']);
    expect(within(rows[0]).getByText('experimental → production')).toBeInTheDocument();
    expect(within(rows[0]).getByText('file:/srv/catalog/payments.yaml')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  });

  it('says when there is no history', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments/history');
    expect(await screen.findByText('No recorded changes')).toBeInTheDocument();
  });

  it('puts processing errors in an alert above the tabs', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    api.errors = [
      {
        entityRef: 'component:default/payments',
        locationKey: 'file:/srv/catalog/payments.yaml',
        reason: 'validation',
        message: 'spec.lifecycle: must be a string',
        occurredAt: '2026-11-02T10:00:00Z',
        file: '/srv/catalog/payments.yaml',
        line: 9,
        field: 'spec.lifecycle',
        source: '  lifecycle: 42',
      },
    ];
    renderEntity(api, '/catalog/default/component/payments');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This entity has a processing error');
    expect(alert).toHaveTextContent('validation: spec.lifecycle: must be a string (/srv/catalog/payments.yaml:9)');
    // the alert leads to the errors view of this entity, where the source line is shown
    expect(within(alert).getByRole('link', { name: 'See where in the source' })).toHaveAttribute(
      'href',
      '/catalog-errors?entityRef=component%3Adefault%2Fpayments',
    );
  });

  it('shows no error alert for a healthy entity', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/payments');
    await screen.findByRole('region', { name: 'About' });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('answers an unknown entity with a 404 page', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/component/nope');
    expect(await screen.findByRole('heading', { name: 'Entity not found' })).toBeInTheDocument();
    expect(screen.getByText('component:default/nope')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the catalog' })).toHaveAttribute('href', '/catalog');
  });

  it('shows an error with a retry when the entity cannot be loaded', async () => {
    const user = userEvent.setup();
    const api = new FakeCatalogApi(exampleOrg());
    jest.spyOn(api, 'getEntityByRef').mockRejectedValueOnce(new Error('Bad Gateway'));
    renderEntity(api, '/catalog/default/component/payments');
    expect(await screen.findByText('Could not load component:default/payments')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Payments Service' })).toBeInTheDocument();
  });
});

describe('Group and User pages', () => {
  it('shows a group: profile, parent and child groups, members and what it owns', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/group/team-a');
    const group = await screen.findByRole('region', { name: 'Group' });
    expect(within(group).getByRole('link', { name: 'engineering' })).toHaveAttribute('href', '/catalog/default/group/engineering');
    expect(within(group).getByText('No child groups')).toBeInTheDocument();
    expect(within(group).getByRole('link', { name: 'team-a@example.com' })).toHaveAttribute('href', 'mailto:team-a@example.com');

    const members = screen.getByRole('region', { name: 'Members (2)' });
    expect(await within(members).findByRole('link', { name: 'Jane Doe' })).toHaveAttribute('href', '/catalog/default/user/jane');
    // joe is a member by relation but not in the catalog: still listed by ref
    expect(within(members).getByRole('link', { name: 'joe' })).toBeInTheDocument();

    const ownership = screen.getByRole('region', { name: 'Ownership' });
    const owned = await within(ownership).findByRole('list', { name: 'Owned entities' });
    expect(within(owned).getAllByRole('link').map(l => l.textContent)).toEqual(['Payments Service', 'payments-api']);
    expect(within(ownership).getByText('Component: 1')).toBeInTheDocument();
    expect(within(ownership).getByText('API: 1')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'About' })).not.toBeInTheDocument();
  });

  it('shows a parent group with its children', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/group/engineering');
    const group = await screen.findByRole('region', { name: 'Group' });
    expect(within(within(group).getByRole('list', { name: 'Child groups' })).getByRole('link', { name: 'team-a' })).toBeInTheDocument();
    expect(within(group).getByText('No parent group')).toBeInTheDocument();
    expect(await screen.findByText('This group has no members')).toBeInTheDocument();
    expect(await screen.findByText('Owns nothing in the catalog')).toBeInTheDocument();
  });

  it('shows a user: profile, groups, and what they and their groups own', async () => {
    renderEntity(new FakeCatalogApi(exampleOrg()), '/catalog/default/user/jane');
    const profile = await screen.findByRole('region', { name: 'Profile' });
    expect(within(profile).getByText('Jane Doe')).toBeInTheDocument();
    expect(within(profile).getByRole('link', { name: 'team-a' })).toHaveAttribute('href', '/catalog/default/group/team-a');
    const ownership = screen.getByRole('region', { name: 'Ownership' });
    expect(await within(ownership).findByRole('link', { name: 'Payments Service' })).toBeInTheDocument();
  });

  it('pages through a large ownership list with the cursor', async () => {
    const user = userEvent.setup();
    const org = exampleOrg();
    for (let i = 0; i < 25; i++) {
      org.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: `db-${String(i).padStart(2, '0')}` },
        spec: { type: 'database', owner: 'team-a' },
        relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
      });
    }
    renderEntity(new FakeCatalogApi(org), '/catalog/default/group/team-a');
    const ownership = await screen.findByRole('region', { name: 'Ownership' });
    expect(await within(ownership).findByText('20 of 27')).toBeInTheDocument();
    await user.click(within(ownership).getByRole('button', { name: 'Show more' }));
    expect(await within(ownership).findByText('27 of 27')).toBeInTheDocument();
    expect(within(ownership).queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
  });
});

describe('EntityPage unregister', () => {
  function renderWithPermission(decide: 'ALLOW' | 'DENY', api = new FakeCatalogApi(exampleOrg())) {
    api.entities.find(e => e.metadata.name === 'payments')!.metadata.uid = 'uid-payments';
    const permissionApi = mockApis.permission(() =>
      decide === 'ALLOW' ? { result: 'ALLOW' } : { result: 'DENY', reason: 'Only the owners of component:default/payments may' },
    );
    renderInTestApp(<EntityPage />, {
      apis: [
        [catalogApiRef, api],
        [permissionApiRef, permissionApi],
      ],
      plugins: [catalogPlugin],
      path: '/catalog/:namespace/:kind/:name/*',
      route: '/catalog/default/component/payments',
      routes: { '/catalog': <h1>Catalog list</h1> },
    });
    return { api, permissionApi };
  }

  it('unregisters the entity after a confirmation and goes back to the catalog', async () => {
    const { api, permissionApi } = renderWithPermission('ALLOW');
    const remove = jest.spyOn(api, 'removeEntityByUid');
    await screen.findByRole('heading', { level: 1, name: 'Payments Service' });
    const button = screen.getByRole('button', { name: 'Unregister' });
    await waitFor(() => expect(button).toBeEnabled());
    expect(permissionApi.requests).toContainEqual({ permission: catalogEntityDeletePermission, resourceRef: 'component:default/payments' });
    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Unregister component:default/payments?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Unregister' }));
    expect(await screen.findByRole('heading', { name: 'Catalog list' })).toBeInTheDocument();
    expect(remove).toHaveBeenCalledWith('uid-payments');
  });

  it('disables Unregister with the reason for someone who may not', async () => {
    renderWithPermission('DENY');
    expect(await screen.findByLabelText('Only the owners of component:default/payments may')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unregister' })).toBeDisabled();
  });
});
