import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, mockApis } from '@portico/app/testing';
import { permissionApiRef } from '@portico/frontend-plugin-api';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { entity, fakePagerDutyApi, summary } from '../__testUtils__/pagerdutyFixtures';
import { responseError } from '../__testUtils__/responseErrors';
import { OnCallCard } from './OnCallCard';

const renderCard = (api = fakePagerDutyApi(), extra: Parameters<typeof renderInTestApp>[1] = {}) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <OnCallCard />
    </EntityProvider>,
    { ...extra, apis: [[pagerdutyApiRef, api], ...(extra.apis ?? [])] },
  );

/** Clicks "Trigger incident" once the permission check has enabled it. */
async function openDialog() {
  const button = await screen.findByRole('button', { name: 'Trigger incident' });
  await waitFor(() => expect(button).toBeEnabled());
  fireEvent.click(button);
}

describe('On call card', () => {
  it('shows who is on call at each level, lowest first, with contact links, until when, the policy and the open incidents', async () => {
    const api = fakePagerDutyApi();
    renderCard(api);
    const levels = await screen.findByRole('list', { name: 'On call by escalation level' });
    const items = within(levels).getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('aria-label'))).toEqual(['Level 1', 'Level 2']);
    expect(within(items[0]).getByRole('link', { name: 'Alice Archer' })).toHaveAttribute('href', 'https://acme.pagerduty.com/user_reference/PU1');
    expect(within(items[0]).getByRole('link', { name: 'alice@acme.example' })).toHaveAttribute('href', 'mailto:alice@acme.example');
    expect(items[0]).toHaveTextContent(/until .* \(in (2 h 59 min|3 h)\), Payments primary/);
    expect(items[1]).toHaveTextContent('Carol Cole (carol@acme.example) with no end');
    expect(screen.getByRole('link', { name: 'Payments escalation' })).toHaveAttribute('href', 'https://acme.pagerduty.com/escalation_policies/PEP1');
    expect(screen.getByText('2 open incidents')).toBeInTheDocument();
    expect(screen.getByText('1 high urgency')).toBeInTheDocument();
    expect(api.getEntitySummary).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'payments' });
  });

  it('says when nobody is on call at a level and when the service has no escalation policy', async () => {
    const base = summary();
    const policy = { ...base.escalationPolicy!, levels: [{ ...base.escalationPolicy!.levels[0], onCall: [] }] };
    const { unmount } = renderCard(fakePagerDutyApi({ getEntitySummary: async () => summary({ escalationPolicy: policy }) }));
    expect(await screen.findByText('Nobody on call (targets: Carol Cole)')).toBeInTheDocument();
    unmount();
    renderCard(fakePagerDutyApi({ getEntitySummary: async () => summary({ escalationPolicy: null, openIncidents: [] }) }));
    expect(await screen.findByText(/no escalation policy/)).toBeInTheDocument();
    expect(screen.getByText('0 open incidents')).toBeInTheDocument();
  });

  it('triggers an incident through a confirm dialog, says so with its link, and reloads the card', async () => {
    const api = fakePagerDutyApi();
    renderCard(api);
    await openDialog();
    const dialog = screen.getByRole('dialog', { name: 'Trigger an incident on payments' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Trigger incident' }));
    expect(within(dialog).getByText('A title is required')).toBeInTheDocument();
    expect(api.triggerIncident).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText(/Title/), { target: { value: 'Checkout down' } });
    fireEvent.change(within(dialog).getByLabelText('Description'), { target: { value: 'Every card payment fails' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Trigger incident' }));
    const done = await screen.findByText(/triggered\./);
    expect(within(done).getByRole('link', { name: '#43 Checkout down' })).toHaveAttribute('href', 'https://acme.pagerduty.com/incidents/PI9');
    expect(api.triggerIncident).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'payments' }, { title: 'Checkout down', urgency: 'high', description: 'Every card payment fails' });
    await waitFor(() => expect(api.getEntitySummary).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('keeps the dialog open with PagerDuty\'s reason when the trigger fails', async () => {
    const api = fakePagerDutyApi({ triggerIncident: jest.fn(async () => { throw responseError(403, 'NotAllowedError', "The API key of PagerDuty account 'default' is not allowed creating an incident on service PSVC1 (a read-only key cannot write)"); }) });
    renderCard(api);
    await openDialog();
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/Title/), { target: { value: 'Checkout down' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Trigger incident' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('a read-only key cannot write');
    expect(within(dialog).getByLabelText(/Title/)).toHaveValue('Checkout down');
  });

  it('says why "Trigger incident" is off for someone without pagerduty.incident.create', async () => {
    const permissionApi = mockApis.permission(request => (request.permission.name === 'pagerduty.incident.create' ? { result: 'DENY', reason: 'Only on-call engineers trigger incidents' } : 'ALLOW'));
    renderCard(fakePagerDutyApi(), { apis: [[permissionApiRef, permissionApi]] });
    expect(await screen.findByLabelText('Only on-call engineers trigger incidents')).toContainElement(screen.getByRole('button', { name: 'Trigger incident' }));
  });

  it('says PagerDuty is unreachable with the backend\'s message, and retries', async () => {
    const getEntitySummary = jest
      .fn()
      .mockRejectedValueOnce(responseError(503, 'ServiceUnavailableError', "PagerDuty is unreachable for account 'default' while reading service PSVC1: no answer within 5000 ms"))
      .mockResolvedValueOnce(summary());
    renderCard(fakePagerDutyApi({ getEntitySummary }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('PagerDuty is unreachable');
    expect(alert).toHaveTextContent("account 'default' while reading service PSVC1: no answer within 5000 ms");
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('list', { name: 'On call by escalation level' })).toBeInTheDocument();
  });

  it('says when the key has no access to the service', async () => {
    renderCard(fakePagerDutyApi({ getEntitySummary: async () => { throw responseError(403, 'NotAllowedError', "The API key of PagerDuty account 'default' has no access to service PSVC1"); } }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The PagerDuty key has no access');
    expect(alert).toHaveTextContent('has no access to service PSVC1');
  });
});
