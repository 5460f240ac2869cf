import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fetchApiRef, permissionApiRef } from '@portico/frontend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';
import { mockApis, renderInTestApp } from '../testing';
import { AuditLogPage } from './AuditLogPage';
import { fakeAdminBackend } from './fakeAdminBackend';

function event(i: number, overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  return {
    id: `e${i}`,
    time: new Date(Date.UTC(2026, 0, 1, 12, 0, 60 - i)).toISOString(),
    plugin: 'permission',
    action: 'permission.role.manage',
    actor: 'user:default/bob',
    actorType: 'user',
    resourceRef: `role:r${i}`,
    outcome: 'succeeded',
    severity: 'high',
    status: 200,
    requestId: `req-${i}`,
    method: 'PUT',
    path: `/api/permission/roles/r${i}`,
    meta: { operation: 'put', created: true },
    ...overrides,
  };
}

function renderAudit(options: { events: AuditEventRecord[]; route?: string; permission?: ReturnType<typeof mockApis.permission> }) {
  const backend = fakeAdminBackend({ events: options.events });
  renderInTestApp(<AuditLogPage />, {
    route: options.route ?? '/admin/audit',
    apis: [
      [fetchApiRef, backend.fetchApi],
      [permissionApiRef, options.permission ?? mockApis.permission()],
    ],
  });
  return backend;
}

const eventRows = () => within(screen.getByRole('table', { name: 'Audit events' })).getAllByRole('row').slice(1);

describe('the audit log page', () => {
  it('lists the events as the server orders them, newest first, each opening to its redacted meta', async () => {
    renderAudit({
      events: [
        event(1, { meta: { operation: 'put', token: '[REDACTED]' } }),
        event(2, { actor: 'user:default/ivan', outcome: 'denied', status: 403, resourceRef: undefined, meta: undefined }),
      ],
    });
    await screen.findByRole('table', { name: 'Audit events' });
    const [first, second] = eventRows();
    expect(within(first).getByText('role:r1')).toBeInTheDocument();
    expect(within(second).getByText('user:default/ivan')).toBeInTheDocument();
    expect(within(second).getByText('denied')).toBeInTheDocument();

    await userEvent.click(within(first).getByRole('button', { name: /^Show details of permission\.role\.manage by user:default\/bob/ }));
    const meta = screen.getByLabelText('Meta of event e1');
    expect(JSON.parse(meta.textContent!)).toEqual({ operation: 'put', token: '[REDACTED]' });
    expect(screen.getByText('req-1')).toBeInTheDocument();
    expect(screen.getByText('PUT /api/permission/roles/r1')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /^Hide details of permission\.role\.manage/ }));
    expect(screen.queryByLabelText('Meta of event e1')).not.toBeInTheDocument();
    expect(screen.getByText('2 events shown, no older ones')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('pages back with the cursor: Older appends the next page', async () => {
    const events = Array.from({ length: 60 }, (_, i) => event(i));
    const backend = renderAudit({ events });
    await screen.findByRole('table', { name: 'Audit events' });
    expect(eventRows()).toHaveLength(50);
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(eventRows()).toHaveLength(60));
    expect(within(eventRows()[59]).getByText('role:r59')).toBeInTheDocument();
    expect(backend.calls.map(call => call.search.get('cursor'))).toEqual([null, '50']);
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('filters by actor, action, resource, outcome and time, and starts from the filters in the URL', async () => {
    const backend = renderAudit({
      events: [event(1), event(2, { actor: 'user:default/ivan', outcome: 'denied' })],
      route: '/admin/audit?resource=role%3Ar2',
    });
    expect(await screen.findByRole('textbox', { name: 'Resource' })).toHaveValue('role:r2');
    await waitFor(() => expect(backend.calls[0]?.search.get('resource')).toBe('role:r2'));

    await userEvent.clear(screen.getByRole('textbox', { name: 'Resource' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Actor' }), 'user:default/ivan');
    await userEvent.type(screen.getByRole('textbox', { name: 'Action' }), 'permission.*');
    await userEvent.click(screen.getByRole('combobox', { name: 'Outcome' }));
    await userEvent.click(screen.getByRole('option', { name: 'denied' }));
    await userEvent.type(screen.getByLabelText('Since'), '2026-01-01T10:30');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(backend.calls).toHaveLength(2));
    const search = backend.calls[1].search;
    expect(Object.fromEntries(search)).toEqual({
      actor: 'user:default/ivan',
      action: 'permission.*',
      outcome: 'denied',
      since: new Date('2026-01-01T10:30').toISOString(),
      limit: '50',
    });
    await waitFor(() => expect(eventRows()).toHaveLength(1));
    expect(within(eventRows()[0]).getByText('user:default/ivan')).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    renderAudit({ events: [] });
    expect(await screen.findByText('No audit events match these filters.')).toBeInTheDocument();
  });

  it('tells someone without audit.event.read that they may not, and reads nothing', async () => {
    const backend = renderAudit({ events: [event(1)], permission: mockApis.permission(() => 'DENY') });
    expect(await screen.findByRole('heading', { name: 'You may not open Audit log' })).toBeInTheDocument();
    expect(screen.getByText('audit.event.read')).toBeInTheDocument();
    expect(backend.calls).toEqual([]);
  });
});
