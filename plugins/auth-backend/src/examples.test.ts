import path from 'node:path';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { eventually, mockServices, startTestBackend, type TestBackend } from '@portico/test-utils';
import { FakeGithubOAuth } from './__testUtils__/FakeGithubOAuth';
import { TestBrowser } from './__testUtils__/OidcTestProvider';
import { fakeIdentityServices } from './__testUtils__/fakeIdentityServices';
import { authPlugin } from './plugin';

const examples = path.resolve(__dirname, '../../../examples');
const PORTAL = 'http://portal.test';
const oauthApp = { clientId: 'Iv1.portico', clientSecret: 'github-test-secret' };

describe('sign-in against the example organisation in the real catalog', () => {
  const github = new FakeGithubOAuth(oauthApp);
  let backend: TestBackend;

  beforeAll(async () => {
    await github.start();
    backend = await startTestBackend({
      features: [catalogPlugin, authPlugin, ...fakeIdentityServices().services],
      services: [mockServices.scheduler.factory()],
      config: {
        backend: { baseUrl: PORTAL },
        integrations: { file: { roots: [examples] } },
        catalog: { locations: [{ type: 'file', target: path.join(examples, 'catalog/all.yaml') }] },
        auth: {
          allowGuest: true,
          providers: { github: { host: 'ghe.acme.test', ...oauthApp, webBaseUrl: github.url, apiBaseUrl: `${github.url}/api/v3` } },
        },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await github.stop();
  });

  async function signInWithGithub(login: string) {
    github.user = { ...github.user, login, email: null };
    github.emails = [];
    const browser = new TestBrowser();
    const start = await browser.fetch(`${backend.url}/api/auth/github/start?redirect=/`);
    const { url: callback } = await browser.follow(start.headers.get('location')!, PORTAL);
    const done = await browser.fetch(callback.replace(PORTAL, backend.url));
    const jar = browser.jar(new URL(backend.url).origin);
    return { location: done.headers.get('location')!, jar };
  }

  it('finds alice by her github.com/user-login annotation, with her teams and their parents', async () => {
    const me = await eventually(async () => {
      const { jar } = await signInWithGithub('alice-acme');
      const res = await fetch(`${backend.url}/api/auth/me`, { headers: { cookie: jar.header() } });
      expect(res.status).toBe(200);
      return res.json();
    }, 15_000);
    expect(me.userEntityRef).toBe('user:default/alice');
    expect([...me.ownershipEntityRefs].sort()).toEqual([
      'group:default/acme',
      'group:default/engineering',
      'group:default/platform',
      'group:default/storefront',
      'user:default/alice',
    ]);
    expect(me.profile).toEqual({ displayName: 'Alice Martin', email: 'alice@acme.example', picture: 'https://avatars.acme.example/alice.png' });
  });

  it('signs the guest in as the guest User of the example catalog', async () => {
    const res = await fetch(`${backend.url}/api/auth/guest/sign-in`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] });
  });

  it('refuses a GitHub login no example User carries', async () => {
    const { location } = await signInWithGithub('someone-else');
    expect(new URL(location).searchParams.get('error')).toMatch(/^No catalog User matches someone-else from GitHub/);
  });
});
