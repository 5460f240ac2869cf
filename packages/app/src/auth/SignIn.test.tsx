import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { MemoryRouter } from 'react-router';
import { createFrontendPlugin, fetchApiRef, PageBlueprint, useApi } from '@portico/frontend-plugin-api';
import { App } from '../App';
import { installFakeAuthBackend, type FakeAuthBackendOptions } from '../__testUtils__/fakeAuthBackend';

/** A plugin page that calls its backend through fetchApi when asked, as every plugin client does. */
function ProbePage() {
  const fetchApi = useApi(fetchApiRef);
  const [answer, setAnswer] = useState<string>();
  const save = async () => {
    const response = await fetchApi.fetch('http://localhost/api/probe/things', { method: 'POST', body: JSON.stringify({ a: 1 }) });
    setAnswer(`answered ${response.status}`);
  };
  return (
    <>
      <h1>Probe</h1>
      <button onClick={() => void save()}>Save thing</button>
      {answer && <p>{answer}</p>}
    </>
  );
}

const probe = createFrontendPlugin({
  id: 'probe',
  extensions: [PageBlueprint({ path: '/probe', title: 'Probe', loader: async () => ProbePage })],
});

let backend: ReturnType<typeof installFakeAuthBackend>;

async function renderApp(route: string, options: FakeAuthBackendOptions) {
  backend = installFakeAuthBackend({
    ...options,
    other: (method, path) => (path === '/api/probe/things' ? { status: 201, body: {} } : undefined),
  });
  await act(async () => {
    render(
      <MemoryRouter initialEntries={[route]}>
        <App plugins={[probe]} config={{ app: { title: 'Acme Portal' } }} />
      </MemoryRouter>,
    );
  });
}

const jane = { userEntityRef: 'user:default/jane', profile: { displayName: 'Jane Doe', email: 'jane@example.com' } };
const allProviders = [
  { id: 'oidc', title: 'Okta' },
  { id: 'github', title: 'GitHub' },
  { id: 'guest', title: 'Guest' },
];

afterEach(() => {
  backend.restore();
  document.cookie = 'portico_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('signing in', () => {
  it('signs in as guest by itself when guest is the only provider, and says so in a banner', async () => {
    await renderApp('/probe', {});
    expect(await screen.findByRole('heading', { name: 'Probe' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Guest mode' })).toHaveTextContent('Guest mode');
    // nothing but the auth plugin was called before someone was signed in
    const paths = backend.calls.map(c => `${c.method} ${c.path}`);
    expect(paths.slice(0, 5)).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/refresh',
      'GET /api/auth/providers',
      'POST /api/auth/guest/sign-in',
      'GET /api/auth/me',
    ]);
    expect(backend.calls.every(c => c.credentials === 'same-origin')).toBe(true);
  });

  it('renews an expired access token from the refresh cookie when the app loads', async () => {
    await renderApp('/probe', { refreshAs: jane, providers: allProviders });
    expect(await screen.findByRole('heading', { name: 'Probe' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Account of Jane Doe' })).toBeInTheDocument();
    expect(backend.calls.map(c => c.path).slice(0, 3)).toEqual(['/api/auth/me', '/api/auth/refresh', '/api/auth/me']);
  });

  it('shows no banner to a user signed in with a provider', async () => {
    await renderApp('/probe', { user: jane });
    expect(await screen.findByRole('heading', { name: 'Probe' })).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Guest mode' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Account of Jane Doe' })).toBeInTheDocument();
  });

  it('sends someone not signed in to the sign-in page, which lists the providers and comes back afterwards', async () => {
    await renderApp('/probe?tab=1', { providers: allProviders });
    expect(await screen.findByRole('heading', { name: 'Sign in to Acme Portal' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Probe' })).not.toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Sign in with Okta' })).toHaveAttribute(
      'href',
      `http://localhost/api/auth/oidc/start?redirect=${encodeURIComponent('/probe?tab=1')}`,
    );
    expect(screen.getByRole('link', { name: 'Sign in with GitHub' })).toHaveAttribute(
      'href',
      `http://localhost/api/auth/github/start?redirect=${encodeURIComponent('/probe?tab=1')}`,
    );
    expect(backend.calls.some(c => c.path === '/api/auth/guest/sign-in')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Continue as guest' }));
    expect(await screen.findByRole('heading', { name: 'Probe' })).toBeInTheDocument();
  });

  it('shows why a sign-in failed', async () => {
    await renderApp('/sign-in?error=No%20catalog%20user%20matches%20jane%40example.com', { providers: allProviders });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Sign-in failed');
    expect(alert).toHaveTextContent('No catalog user matches jane@example.com');
  });

  it('never sends the browser to another origin after sign-in', async () => {
    await renderApp('/sign-in?redirect=//evil.example/x', { providers: allProviders });
    expect(await screen.findByRole('link', { name: 'Sign in with Okta' })).toHaveAttribute(
      'href',
      'http://localhost/api/auth/oidc/start?redirect=%2F',
    );
  });

  it('signs out from the user menu onto the sign-in page, without signing in as guest again', async () => {
    await renderApp('/probe', {});
    await userEvent.click(await screen.findByRole('button', { name: 'Account of Guest' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Acme Portal' })).toBeInTheDocument();
    expect(screen.getByText('You are signed out.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Continue as guest' })).toBeInTheDocument();
    expect(backend.calls.filter(c => c.path === '/api/auth/guest/sign-in')).toHaveLength(1);
    expect(backend.calls.find(c => c.path === '/api/auth/sign-out')?.method).toBe('POST');
  });
});

describe('the session in plugin calls', () => {
  it('echoes the CSRF cookie on mutating calls, and renews an expired session once then retries', async () => {
    document.cookie = 'portico_csrf=csrf-123';
    await renderApp('/probe', { user: jane, refreshAs: jane });
    await screen.findByRole('heading', { name: 'Probe' });
    backend.expire();
    await userEvent.click(screen.getByRole('button', { name: 'Save thing' }));
    expect(await screen.findByText('answered 201')).toBeInTheDocument();
    const tail = backend.calls.slice(-3).map(c => [c.method, c.path, c.headers['x-csrf-token']]);
    expect(tail).toEqual([
      ['POST', '/api/probe/things', 'csrf-123'],
      ['POST', '/api/auth/refresh', 'csrf-123'],
      ['POST', '/api/probe/things', 'csrf-123'],
    ]);
    expect(backend.calls.find(c => c.method === 'GET')?.headers['x-csrf-token']).toBeUndefined();
  });

  it('goes to the sign-in page when the session cannot be renewed', async () => {
    await renderApp('/probe', { user: jane, providers: allProviders });
    await screen.findByRole('heading', { name: 'Probe' });
    backend.expire();
    await userEvent.click(screen.getByRole('button', { name: 'Save thing' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Acme Portal' })).toBeInTheDocument();
    expect(screen.getByText('Your session ended. Sign in again to go on.')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Sign in with Okta' })).toHaveAttribute(
      'href',
      `http://localhost/api/auth/oidc/start?redirect=${encodeURIComponent('/probe')}`,
    );
  });
});

describe('personal access tokens', () => {
  it('creates a token showing its secret once, lists it and revokes it', async () => {
    await renderApp('/probe', { user: jane });
    await userEvent.click(await screen.findByRole('button', { name: 'Account of Jane Doe' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Personal access tokens' }));
    expect(await screen.findByRole('heading', { name: 'Personal access tokens' })).toBeInTheDocument();
    expect(await screen.findByText('You have no personal access tokens.')).toBeInTheDocument();

    await userEvent.type(screen.getByRole('textbox', { name: 'Token name' }), 'ci');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByRole('textbox', { name: 'New token' })).toHaveValue('pat_t1_s3cret');
    const created = backend.calls.find(c => c.method === 'POST' && c.path === '/api/auth/tokens');
    const expiresAt = new Date((created?.body as { expiresAt: string }).expiresAt).getTime();
    expect(Math.round((expiresAt - Date.now()) / 86_400_000)).toBe(30);

    const table = await screen.findByRole('table', { name: 'Your tokens' });
    expect(within(table).getByText('ci')).toBeInTheDocument();
    await userEvent.click(within(table).getByRole('button', { name: 'Revoke ci' }));
    expect(await screen.findByText('You have no personal access tokens.')).toBeInTheDocument();
    await waitFor(() => expect(backend.tokens).toHaveLength(0));
  });
});
