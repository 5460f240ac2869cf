import '../../__testUtils__/testTimeouts';
import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { EntityError } from '@portico/plugin-catalog-common';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg } from '../../__testUtils__/fixtures';
import { ErrorsPage } from './ErrorsPage';

const errors: EntityError[] = [
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
  {
    entityRef: 'component:default/payments',
    locationKey: 'file:/srv/catalog/payments.yaml',
    reason: 'validation',
    message: 'spec.owner: must be an entity ref',
    occurredAt: '2026-11-02T10:00:00Z',
    file: '/srv/catalog/payments.yaml',
    line: 10,
    field: 'spec.owner',
    source: '  owner: "group:"',
  },
  {
    locationKey: 'file:/srv/catalog/broken.yaml',
    reason: 'parse',
    message: '/srv/catalog/broken.yaml:3: unexpected end of the stream',
    occurredAt: '2026-11-02T10:00:00Z',
    file: '/srv/catalog/broken.yaml',
    line: 3,
    source: 'metadata: { name: broken',
  },
];

function setup(route = '/catalog-errors') {
  const api = new FakeCatalogApi(exampleOrg());
  api.errors = errors;
  const getEntityErrors = jest.spyOn(api, 'getEntityErrors');
  renderInTestApp(<ErrorsPage />, { apis: [[catalogApiRef, api]], route });
  return { getEntityErrors, user: userEvent.setup() };
}

describe('ErrorsPage', () => {
  it('lists the errors by location, each with its line, field and source line', async () => {
    setup();
    const payments = await screen.findByRole('region', { name: '/srv/catalog/payments.yaml' });
    expect(within(payments).getByRole('heading', { name: '/srv/catalog/payments.yaml (2 errors)' })).toBeInTheDocument();
    expect(within(payments).getByText('/srv/catalog/payments.yaml:9')).toBeInTheDocument();
    expect(within(payments).getByText('spec.lifecycle')).toBeInTheDocument();
    expect(within(payments).getByLabelText('Source line 9')).toHaveTextContent('9 | lifecycle: 42');
    expect(within(payments).getAllByRole('link', { name: 'component:payments' })[0]).toHaveAttribute('href', '/catalog/default/component/payments');
    const broken = screen.getByRole('region', { name: '/srv/catalog/broken.yaml' });
    expect(within(broken).getByLabelText('Source line 3')).toHaveTextContent('3 | metadata: { name: broken');
  });

  it('groups by entity on request', async () => {
    const { user } = setup();
    await screen.findByRole('region', { name: '/srv/catalog/payments.yaml' });
    await user.click(screen.getByRole('button', { name: 'By entity' }));
    expect(await screen.findByRole('heading', { name: 'component:default/payments (2 errors)' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Not an entity (the file or document) (1 error)' })).toBeInTheDocument();
  });

  it('narrows to the entity the entity page links from', async () => {
    const { getEntityErrors } = setup('/catalog-errors?entityRef=component%3Adefault%2Fpayments');
    expect(await screen.findByRole('heading', { name: '/srv/catalog/payments.yaml (2 errors)' })).toBeInTheDocument();
    expect(getEntityErrors).toHaveBeenCalledWith({ entityRef: 'component:default/payments' });
    expect(screen.queryByRole('region', { name: '/srv/catalog/broken.yaml' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Show all' })).toHaveAttribute('href', '/catalog-errors');
  });

  it('says so when every source reads cleanly', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    renderInTestApp(<ErrorsPage />, { apis: [[catalogApiRef, api]], route: '/catalog-errors' });
    expect(await screen.findByText('No errors: every source reads cleanly.')).toBeInTheDocument();
  });
});
