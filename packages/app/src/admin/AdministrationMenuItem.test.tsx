import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { App } from '../App';
import { installFakeAuthBackend, type FakeAuthBackendOptions } from '../__testUtils__/fakeAuthBackend';

let backend: ReturnType<typeof installFakeAuthBackend>;
afterEach(() => backend.restore());

async function renderApp(route: string, decide: FakeAuthBackendOptions['decide']) {
  backend = installFakeAuthBackend({
    user: { userEntityRef: 'user:default/jane', profile: { displayName: 'Jane Doe' } },
    decide,
    other: (method, path) => (path === '/api/audit/events' ? { status: 200, body: { items: [] } } : undefined),
  });
  await act(async () => {
    render(
      <MemoryRouter initialEntries={[route]}>
        <App plugins={[]} config={{ app: { title: 'Acme Portal' } }} />
      </MemoryRouter>,
    );
  });
  await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Checking your session' })).not.toBeInTheDocument());
}

const onlyAudit: FakeAuthBackendOptions['decide'] = item =>
  item.permission.name === 'audit.event.read' ? { result: 'ALLOW' } : { result: 'DENY', reason: 'Admins only' };

describe('the way to Administration', () => {
  it('is in the user menu for whoever may open one of its pages, and leads to the first they may', async () => {
    await renderApp('/', onlyAudit);
    await userEvent.click(await screen.findByRole('button', { name: 'Account of Jane Doe' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Administration' }));
    expect(await screen.findByRole('heading', { name: 'Audit log' })).toBeInTheDocument();
    // the roles tab is not offered to someone who may not manage roles
    expect(screen.queryByRole('tab', { name: 'Roles' })).not.toBeInTheDocument();
  });

  it('is not in the user menu of someone who may neither manage roles nor read the audit log', async () => {
    await renderApp('/', () => ({ result: 'DENY' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Account of Jane Doe' }));
    await screen.findByRole('menuitem', { name: 'Sign out' });
    await waitFor(() => expect(backend.calls.some(call => call.path === '/api/permission/authorize')).toBe(true));
    expect(screen.queryByRole('menuitem', { name: 'Administration' })).not.toBeInTheDocument();
  });

  it('/admin sends an admin to the roles', async () => {
    await renderApp('/admin', () => ({ result: 'ALLOW' }));
    expect(await screen.findByRole('heading', { name: 'Roles' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('href', '/admin/audit');
  });

  it('/admin tells someone with neither permission that they may not', async () => {
    await renderApp('/admin', () => ({ result: 'DENY' }));
    expect(await screen.findByRole('heading', { name: 'You may not open Administration' })).toBeInTheDocument();
    expect(screen.getByText('permission.role.manage')).toBeInTheDocument();
    expect(screen.getByText('audit.event.read')).toBeInTheDocument();
  });

  it('/admin/roles opened without the permission is a page that says so, not a crash', async () => {
    await renderApp('/admin/roles', onlyAudit);
    expect(await screen.findByRole('heading', { name: 'You may not open Roles' })).toBeInTheDocument();
    expect(screen.getByText('Admins only')).toBeInTheDocument();
    expect(backend.calls.some(call => call.path.startsWith('/api/permission/roles'))).toBe(false);
  });
});
