import { openPortal, type PortalSession } from './harness';

// The default app-config offers guest as the only sign-in provider, so the portal signs in by itself.
describe('signing in and out in a browser', () => {
  let s: PortalSession;
  beforeAll(async () => {
    s = await openPortal('auth');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lands signed in as guest, with the guest-mode banner and the user menu', async () => {
    await s.goto('/');
    await s.page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await s.page.getByRole('status', { name: 'Guest mode' }).waitFor();
    const cookies = await s.context.cookies();
    const session = cookies.find(c => c.name === 'portico_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(cookies.find(c => c.name === 'portico_csrf')?.httpOnly).toBe(false);
    await s.page.getByRole('button', { name: /^Account of / }).waitFor();
    await s.shot('guest-home');
  });

  it("lands on the personal home page: the guest's name and the plugins' home cards, each loaded", async () => {
    await s.goto('/');
    expect(new URL(s.page.url()).pathname).toBe('/');
    await s.page.getByRole('heading', { level: 1, name: /^Welcome, guest$/i }).waitFor();
    for (const card of ['My components', 'My scorecards', 'Waiting for me', 'My recent runs', 'Initiatives that concern me']) {
      const region = s.page.getByRole('region', { name: card });
      await region.getByRole('heading', { level: 2, name: card }).waitFor();
      // each card settles on its content or its empty state, not on an error
      await region.getByRole('progressbar').first().waitFor({ state: 'detached' });
      expect(await region.getByRole('alert').count()).toBe(0);
    }
    await s.page.getByText('You own no components yet').waitFor();
    expect(await s.page.getByRole('link', { name: 'register one' }).getAttribute('href')).toBe('/catalog-import');
    await s.page.getByRole('list', { name: 'Sections' }).waitFor();
    await s.shot('personal-home');
  });

  it('calls plugin APIs with the session: a mutating call carries the CSRF header', async () => {
    const seen = s.page.waitForRequest(request => request.url().endsWith('/api/permission/authorize') && request.method() === 'POST');
    await s.goto('/catalog-import');
    const request = await seen;
    const csrf = (await s.context.cookies()).find(c => c.name === 'portico_csrf')?.value;
    expect(request.headers()['x-csrf-token']).toBe(csrf);
    const response = await request.response();
    expect(response?.status()).toBe(200);
  });

  it('creates a personal access token that acts as the user, and revokes it', async () => {
    await s.goto('/');
    await s.page.getByRole('button', { name: /^Account of / }).click();
    await s.page.getByRole('menuitem', { name: 'Personal access tokens' }).click();
    await s.page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await s.page.getByRole('textbox', { name: 'Token name' }).fill('e2e script');
    await s.page.getByRole('button', { name: 'Create token' }).click();
    const secret = await s.page.getByRole('textbox', { name: 'New token' }).inputValue();
    expect(secret).toMatch(/^pat_/);
    await s.shot('token-created');
    const me = async () => (await fetch(`${s.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status;
    expect(await me()).toBe(200);
    await s.page.getByRole('button', { name: 'Revoke e2e script' }).click();
    await s.page.getByRole('button', { name: 'Revoke e2e script' }).waitFor({ state: 'detached' });
    expect(await me()).toBe(401);
  });

  it('signs out onto the sign-in page and stays there', async () => {
    await s.goto('/');
    await s.page.getByRole('button', { name: /^Account of / }).click();
    await s.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await s.page.getByRole('heading', { name: /^Sign in to / }).waitFor();
    await s.page.getByText('You are signed out.').waitFor();
    await s.page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    expect(new URL(s.page.url()).pathname).toBe('/sign-in');
    expect((await s.context.cookies()).find(c => c.name === 'portico_session')).toBeUndefined();
    // the backend refuses the old session too
    const me = await s.page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
    await s.shot('signed-out');
  });

  it('signs in again as guest from the sign-in page and comes back to the home page', async () => {
    await s.page.getByRole('button', { name: 'Continue as guest' }).click();
    await s.page.getByRole('status', { name: 'Guest mode' }).waitFor();
    expect(new URL(s.page.url()).pathname).toBe('/');
    await s.page.getByRole('heading', { level: 1, name: /^Welcome, guest$/i }).waitFor();
  });
});
