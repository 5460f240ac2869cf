import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { FakeGithubOAuth } from './__testUtils__/FakeGithubOAuth';
import { TestBrowser } from './__testUtils__/OidcTestProvider';
import { fakeCatalog, user } from './__testUtils__/fakeIdentityServices';
import { authPlugin } from './plugin';

const PORTAL = 'http://portal.test';
const oauthApp = { clientId: 'Iv1.portico', clientSecret: 'github-test-secret' };

describe('sign-in with GitHub (Enterprise host) against a local GitHub', () => {
  const github = new FakeGithubOAuth(oauthApp);
  let backend: TestBackend;

  beforeAll(async () => {
    await github.start();
    backend = await startTestBackend({
      auth: 'real',
      features: [authPlugin, fakeCatalog([user('octo', { profile: { email: 'octocat@github.com' } }, { 'github.com/user-login': 'octocat' })]).factory],
      config: {
        backend: { baseUrl: PORTAL },
        auth: { providers: { github: { host: 'ghe.acme.test', ...oauthApp, webBaseUrl: github.url, apiBaseUrl: `${github.url}/api/v3` } } },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await github.stop();
  });

  async function signIn(browser: TestBrowser) {
    const start = await browser.fetch(`${backend.url}/api/auth/github/start?redirect=/home`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.pathname).toBe('/login/oauth/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const { url: callback } = await browser.follow(authorize.toString(), PORTAL);
    const done = await browser.fetch(callback.replace(PORTAL, backend.url));
    return { location: done.headers.get('location')!, jar: browser.jar(new URL(backend.url).origin) };
  }

  it('signs in the User whose github.com/user-login annotation is the GitHub login', async () => {
    const browser = new TestBrowser();
    const { location, jar } = await signIn(browser);
    expect(location).toBe(`${PORTAL}/home`);
    const me = await fetch(`${backend.url}/api/auth/me`, { headers: { cookie: jar.header() } });
    expect((await me.json()).userEntityRef).toBe('user:default/octo');
  });

  it('lists GitHub among the providers', async () => {
    const res = await fetch(`${backend.url}/api/auth/providers`);
    expect((await res.json()).providers).toEqual([{ id: 'github', title: 'GitHub' }]);
  });

  it('refuses a GitHub login that no User carries', async () => {
    github.user = { ...github.user, login: 'stranger' };
    try {
      const { location, jar } = await signIn(new TestBrowser());
      expect(new URL(location).searchParams.get('error')).toMatch(/No catalog User matches octocat@github.com from GitHub/);
      expect(jar.get('portico_session')).toBeUndefined();
    } finally {
      github.user = { ...github.user, login: 'octocat' };
    }
  });

  it('refuses a code that GitHub does not accept', async () => {
    const browser = new TestBrowser();
    const start = await browser.fetch(`${backend.url}/api/auth/github/start`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const done = await browser.fetch(`${backend.url}/api/auth/github/handler/frame?code=made-up&state=${state}`);
    expect(new URL(done.headers.get('location')!).searchParams.get('error')).toBe('GitHub refused the code: The code passed is incorrect or expired.');
  });
});
