import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { permissionApiRef } from '@portico/frontend-plugin-api';
import type { PagerDutyServiceList } from '@portico/plugin-pagerduty-common';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { fakePagerDutyApi } from '../__testUtils__/pagerdutyFixtures';
import { responseError } from '../__testUtils__/responseErrors';
import { ServicesPage } from './ServicesPage';

const list: PagerDutyServiceList = {
  account: 'default',
  items: [
    { id: 'PSVC1', name: 'payments', htmlUrl: 'https://acme.pagerduty.com/service-directory/PSVC1', mapping: { entityRef: 'component:default/payments', via: 'annotation' }, suggestion: null },
    { id: 'PSVC2', name: 'Billing API', htmlUrl: 'https://acme.pagerduty.com/service-directory/PSVC2', mapping: null, suggestion: 'component:default/billing-api' },
    { id: 'PSVC3', name: 'orphan', htmlUrl: 'https://acme.pagerduty.com/service-directory/PSVC3', mapping: null, suggestion: null },
    { id: 'PSVC4', name: 'search', htmlUrl: 'https://acme.pagerduty.com/service-directory/PSVC4', mapping: { entityRef: 'component:default/search', via: 'saved', mappedBy: 'user:default/alice', mappedAt: '2026-12-01T00:00:00Z' }, suggestion: null },
  ],
};

const rowOf = (name: string) => screen.getByRole('link', { name }).closest('tr') as HTMLElement;

describe('PagerDuty services page', () => {
  it('lists the services with their mapping state and the entity each belongs to', async () => {
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, fakePagerDutyApi({ listServices: jest.fn(async () => list) })]] });
    await screen.findByRole('table', { name: 'Services of PagerDuty account default' });
    expect(rowOf('payments')).toHaveTextContent('Mapped');
    expect(within(rowOf('payments')).getByRole('link', { name: 'component:payments' })).toHaveAttribute('href', '/catalog/default/component/payments');
    expect(rowOf('payments')).toHaveTextContent('by annotation');
    expect(within(rowOf('payments')).queryByRole('button')).not.toBeInTheDocument();
    expect(rowOf('Billing API')).toHaveTextContent('Suggested');
    expect(within(rowOf('Billing API')).getByLabelText('Entity for Billing API')).toHaveValue('component:default/billing-api');
    expect(rowOf('orphan')).toHaveTextContent('Unmapped');
    expect(within(rowOf('orphan')).getByRole('button', { name: 'Map orphan' })).toBeDisabled();
    expect(rowOf('search')).toHaveTextContent('saved by user:alice');
  });

  it('maps a suggested service and unmaps a saved one, then reloads the list', async () => {
    const api = fakePagerDutyApi({ listServices: jest.fn(async () => list) });
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, api]] });
    await screen.findByRole('table');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Map Billing API' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: 'Map Billing API' }));
    await waitFor(() => expect(api.mapService).toHaveBeenCalledWith({ account: 'default', serviceId: 'PSVC2', entityRef: 'component:default/billing-api' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Unmap search' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: 'Unmap search' }));
    await waitFor(() => expect(api.unmapService).toHaveBeenCalledWith({ account: 'default', serviceId: 'PSVC4' }));
    await waitFor(() => expect(api.listServices).toHaveBeenCalledTimes(3));
  });

  it('maps an unmapped service to the entity typed in, and shows why the backend refused', async () => {
    const api = fakePagerDutyApi({ listServices: jest.fn(async () => list), mapService: jest.fn(async () => { throw responseError(404, 'NotFoundError', 'No entity component:default/nope in the catalog'); }) });
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, api]] });
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Entity for orphan'), { target: { value: ' component:default/nope ' } });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Map orphan' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: 'Map orphan' }));
    expect(await within(rowOf('orphan')).findByRole('alert')).toHaveTextContent('No entity component:default/nope in the catalog');
    expect(api.mapService).toHaveBeenCalledWith({ account: 'default', serviceId: 'PSVC3', entityRef: 'component:default/nope' });
  });

  it('offers no map or unmap action to someone without pagerduty.mapping.update', async () => {
    const permissionApi = mockApis.permission(request => (request.permission.name === 'pagerduty.mapping.update' ? { result: 'DENY', reason: 'Only admins map services' } : 'ALLOW'));
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, fakePagerDutyApi({ listServices: jest.fn(async () => list) })], [permissionApiRef, permissionApi]] });
    await screen.findByRole('table');
    await waitFor(() => expect(screen.getAllByLabelText('Only admins map services')).toHaveLength(3));
    for (const name of ['Map Billing API', 'Map orphan', 'Unmap search']) expect(screen.getByRole('button', { name })).toBeDisabled();
  });

  it('reads another account on request', async () => {
    const api = fakePagerDutyApi({ listServices: jest.fn(async (options: { account?: string } = {}) => ({ account: options.account ?? 'default', items: [] })) });
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, api]] });
    expect(await screen.findByText("Account 'default' has no services")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Account'), { target: { value: 'eu' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText("Account 'eu' has no services")).toBeInTheDocument();
    expect(api.listServices).toHaveBeenLastCalledWith({ account: 'eu' });
  });

  it('says when PagerDuty is unreachable and when the user may not list services', async () => {
    const { unmount } = renderInTestApp(<ServicesPage />, {
      apis: [[pagerdutyApiRef, fakePagerDutyApi({ listServices: async () => { throw responseError(503, 'ServiceUnavailableError', "PagerDuty is unreachable for account 'default' while reading services: network error (ECONNREFUSED)"); } })]],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(/PagerDuty is unreachable.*ECONNREFUSED/);
    unmount();
    renderInTestApp(<ServicesPage />, { apis: [[pagerdutyApiRef, fakePagerDutyApi({ listServices: async () => { throw responseError(403, 'NotAllowedError', 'pagerduty.services.read is not allowed'); } })]] });
    expect(await screen.findByRole('alert')).toHaveTextContent(/Not allowed.*pagerduty.services.read/);
  });
});
