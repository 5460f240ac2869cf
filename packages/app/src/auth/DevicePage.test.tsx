import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fetchApiRef, identityApiRef } from '@portico/frontend-plugin-api';
import { mockApis, renderInTestApp } from '../testing';
import { DevicePage } from './DevicePage';

const pending = { userCode: 'WDJB-MJHT', clientName: 'portico CLI on build-box', expiresAt: '2030-01-01T00:00:00.000Z' };

/** The auth plugin's device routes as the page sees them: one pending code, and the calls made. */
function fakeAuthBackend(options: { approve?: number } = {}) {
  const calls: string[] = [];
  // jsdom has no Response: what createPluginHttpClient reads of one.
  const json = (status: number, body?: unknown) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    return { ok: status < 300, status, statusText: '', text: async () => text, json: async () => JSON.parse(text) };
  };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const { pathname } = new URL(String(input));
    calls.push(`${init?.method ?? 'GET'} ${pathname}`);
    if (pathname === '/api/auth/device/WDJB-MJHT' || pathname === '/api/auth/device/wdjb%20mjht') return json(200, pending);
    if (pathname === '/api/auth/device/WDJB-MJHT/approve') {
      return options.approve === 409 ? json(409, { error: { name: 'ConflictError', message: 'This login was already approved or denied' } }) : json(204);
    }
    if (pathname === '/api/auth/device/WDJB-MJHT/deny') return json(204);
    return json(404, { error: { name: 'NotFoundError', message: 'No login is waiting for the code BBBB-BBBB: it expired, was already approved or denied, or was mistyped. Run portico login again.' } });
  };
  return { calls, fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch } };
}

function renderPage(route: string, backend: ReturnType<typeof fakeAuthBackend>) {
  const identity = mockApis.identity({ userEntityRef: 'user:default/jane', profile: { displayName: 'Jane Doe' } });
  return renderInTestApp(<DevicePage />, {
    route,
    apis: [
      [fetchApiRef, backend.fetchApi],
      [identityApiRef, identity],
    ],
  });
}

describe('DevicePage', () => {
  it('shows which CLI will act as whom for the code in the link, and approves it', async () => {
    const backend = fakeAuthBackend();
    renderPage('/device?user_code=WDJB-MJHT', backend);
    expect(await screen.findByText(/will act as/)).toHaveTextContent('The portico CLI on build-box will act as Jane Doe (user:default/jane)');
    expect(screen.getByText(/shows the code/)).toHaveTextContent('WDJB-MJHT');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Done: the portico CLI on build-box is logged in as you.');
    expect(backend.calls).toEqual(['GET /api/auth/device/WDJB-MJHT', 'POST /api/auth/device/WDJB-MJHT/approve']);
  });

  it('takes a typed code, and denies', async () => {
    const backend = fakeAuthBackend();
    renderPage('/device', backend);
    expect(backend.calls).toEqual([]);
    await userEvent.type(screen.getByRole('textbox', { name: 'Code' }), 'wdjb mjht');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Deny' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Denied: the portico CLI on build-box was not logged in.');
    expect(backend.calls).toEqual(['GET /api/auth/device/wdjb%20mjht', 'POST /api/auth/device/WDJB-MJHT/deny']);
  });

  it('says why when no login waits for the code, and lets the person type it again', async () => {
    renderPage('/device?user_code=BBBB-BBBB', fakeAuthBackend());
    expect(await screen.findByRole('alert')).toHaveTextContent('No login is waiting for the code BBBB-BBBB');
    expect(screen.getByRole('textbox', { name: 'Code' })).toHaveValue('BBBB-BBBB');
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });

  it('shows the refusal when the login was decided meanwhile', async () => {
    renderPage('/device?user_code=WDJB-MJHT', fakeAuthBackend({ approve: 409 }));
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.getAllByRole('alert').map(a => a.textContent)).toContain('This login was already approved or denied'));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
