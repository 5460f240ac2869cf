import { describeEachDatabase, eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { fakeCatalog, fakeIdentityServices, group, user } from './__testUtils__/fakeIdentityServices';
import { portalBrowser } from './__testUtils__/PortalBrowser';
import { authPlugin } from './plugin';

const entities = [user('guest', { memberOf: ['guests'], profile: { displayName: 'Guest' } }), group('guests')];

/** A portal on the host's real identity services (signed tokens, cookies, CSRF, default deny); the audit log is a fake to read. */
async function startPortal(database: object, device: object = {}) {
  const identity = fakeIdentityServices({ only: ['auditor'] });
  const backend = await startTestBackend({
    auth: 'real',
    features: [authPlugin, fakeCatalog(entities).factory, ...identity.services],
    config: { backend: { baseUrl: 'http://portal.test', database }, auth: { allowGuest: true, device } },
  });
  return { backend, audit: identity.audit };
}

/** The CLI's side: asks for codes, polls for the token. */
function cli(backend: TestBackend) {
  const { call } = portalBrowser(backend);
  return {
    start: (hostname = 'build-box') => call('POST', '/device/code', { body: { hostname } }),
    poll: (deviceCode: string) => call('POST', '/device/token', { body: { device_code: deviceCode, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' } }),
  };
}

/** A person signed in to the portal in a browser (as the guest, with a session cookie and the CSRF cookie). */
async function signedInBrowser(backend: TestBackend) {
  const browser = portalBrowser(backend);
  expect((await browser.call('POST', '/guest/sign-in')).status).toBe(200);
  return browser;
}

describeEachDatabase('portico login: the device authorization flow', db => {
  // Its own block, so that the backend stops before the database is dropped.
  describe('on the host identity services', () => {
    let backend: TestBackend;
    let audit: Awaited<ReturnType<typeof startPortal>>['audit'];

    beforeAll(async () => {
      ({ backend, audit } = await startPortal(db.config));
    });
    afterAll(() => backend?.stop());

    it('hands out a device code and a user code to enter at the app\'s /device page', async () => {
      const started = await cli(backend).start();
      expect(started.status).toBe(200);
      expect(started.body).toEqual({
        device_code: expect.stringMatching(/^[\w-]{43}$/),
        user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
        verification_uri: 'http://portal.test/device',
        verification_uri_complete: `http://portal.test/device?user_code=${started.body.user_code}`,
        expires_in: 600,
        interval: 5,
      });
    });

    it('answers authorization_pending, then slow_down to a client that polls sooner than the interval', async () => {
      const { start, poll } = cli(backend);
      const { device_code } = (await start()).body;
      expect(await poll(device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
      const tooSoon = await poll(device_code);
      expect(tooSoon).toMatchObject({ status: 400, body: { error: 'slow_down', error_description: expect.stringMatching(/5 seconds longer/) } });
    });

    it('gives the CLI a personal access token of the person who approved, once', async () => {
      const { start, poll } = cli(backend);
      const { device_code, user_code } = (await start('build-box')).body;
      const browser = await signedInBrowser(backend);

      // The page shows who asks before anyone approves; case, spaces and dashes of a typed code do not matter.
      const shown = await browser.call('GET', `/device/${user_code.toLowerCase().replace('-', ' ')}`);
      expect(shown).toMatchObject({ status: 200, body: { userCode: user_code, clientName: 'portico CLI on build-box' } });
      expect((await browser.call('POST', `/device/${user_code}/approve`)).status).toBe(204);

      const issued = await poll(device_code);
      expect(issued.status).toBe(200);
      expect(issued.body).toEqual({
        access_token: expect.stringMatching(/^pat_/),
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        token_id: expect.any(String),
        user_entity_ref: 'user:default/guest',
      });
      expect(Math.abs(issued.body.expires_in - 90 * 86_400)).toBeLessThan(60);

      // The token acts as the approving user, and is one of their personal access tokens.
      const script = portalBrowser(backend);
      const me = await script.call('GET', '/me', { bearer: issued.body.access_token });
      expect(me.body).toMatchObject({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest', 'group:default/guests'] });
      const tokens = await browser.call('GET', '/tokens');
      expect(tokens.body.items).toContainEqual(expect.objectContaining({ id: issued.body.token_id, name: 'portico CLI on build-box' }));

      // The device code is used up: polling again gets nothing.
      expect(await poll(device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect((await browser.call('POST', `/device/${user_code}/approve`)).status).toBe(404);

      const events = audit.filter(e => e.action.startsWith('auth.device.'));
      expect(events.map(e => [e.action, e.outcome])).toEqual(expect.arrayContaining([['auth.device.approve', 'succeeded'], ['auth.device.token', 'succeeded']]));
      expect(events.find(e => e.action === 'auth.device.token')?.meta).toEqual({ id: issued.body.token_id, userEntityRef: 'user:default/guest', clientName: 'portico CLI on build-box' });
      const recorded = JSON.stringify(audit);
      for (const secret of [issued.body.access_token, device_code]) expect(recorded).not.toContain(secret);
    });

    it('takes the form-encoded requests of RFC 8628 as well as JSON, for any device-flow client', async () => {
      const form = (path: string, fields: Record<string, string>) =>
        fetch(`${backend.url}/api/auth${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        }).then(async res => ({ status: res.status, body: await res.json() }));
      const started = await form('/device/code', { hostname: 'ci-runner' });
      expect(started).toMatchObject({ status: 200, body: { device_code: expect.any(String), user_code: expect.any(String) } });
      const browser = await signedInBrowser(backend);
      expect((await browser.call('GET', `/device/${started.body.user_code}`)).body).toMatchObject({ clientName: 'portico CLI on ci-runner' });
      expect((await browser.call('POST', `/device/${started.body.user_code}/approve`)).status).toBe(204);
      const issued = await form('/device/token', { device_code: started.body.device_code, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
      expect(issued).toMatchObject({ status: 200, body: { access_token: expect.stringMatching(/^pat_/), token_type: 'Bearer' } });
      // a wrong grant type is named, as in a JSON body
      const wrong = await form('/device/token', { device_code: started.body.device_code, grant_type: 'password' });
      expect(wrong).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('body.grant_type') } } });
    });

    it('tells the CLI access_denied when the person denies, and refuses to approve afterwards', async () => {
      const { start, poll } = cli(backend);
      const { device_code, user_code } = (await start()).body;
      const browser = await signedInBrowser(backend);
      expect((await browser.call('POST', `/device/${user_code}/deny`)).status).toBe(204);
      expect(await poll(device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
      const late = await browser.call('POST', `/device/${user_code}/approve`);
      expect(late).toMatchObject({ status: 409, body: { error: { message: 'This login was already approved or denied' } } });
      expect(audit.filter(e => e.action === 'auth.device.deny').map(e => e.outcome)).toContain('succeeded');
    });

    it('needs the CSRF header to approve with the session cookie, and a signed-in user at all', async () => {
      const { start, poll } = cli(backend);
      const { device_code, user_code } = (await start()).body;
      const browser = await signedInBrowser(backend);
      const forged = await browser.call('POST', `/device/${user_code}/approve`, { csrf: false });
      expect(forged).toMatchObject({ status: 403, body: { error: { message: 'CSRF token missing or wrong' } } });
      const anonymous = portalBrowser(backend);
      expect((await anonymous.call('POST', `/device/${user_code}/approve`)).status).toBe(401);
      expect((await anonymous.call('GET', `/device/${user_code}`)).status).toBe(401);
      expect(await poll(device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    });

    it('answers 404 to a wrong or malformed user code, and invalid_grant to an unknown device code', async () => {
      const browser = await signedInBrowser(backend);
      const wrong = await browser.call('GET', '/device/BBBB-BBBB');
      expect(wrong).toMatchObject({ status: 404, body: { error: { message: expect.stringMatching(/^No login is waiting for the code BBBB-BBBB/) } } });
      expect((await browser.call('POST', '/device/BBBB-BBBB/approve')).status).toBe(404);
      expect((await browser.call('POST', '/device/not-a-code/approve')).status).toBe(404);
      expect(audit.filter(e => e.action === 'auth.device.approve' && e.outcome === 'failed').length).toBeGreaterThan(0);
      expect(await cli(backend).poll('no-such-device-code')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('refuses a hostname that is not a host name', async () => {
      const started = await cli(backend).start('<script>');
      expect(started.status).toBe(400);
    });
  });
});

describe('portico login: codes that expire', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    ({ backend } = await startPortal({ client: 'better-sqlite3', connection: ':memory:' }, { codeDuration: { seconds: 1 } }));
  });
  afterAll(() => backend?.stop());

  it('answers expired_token once the code has expired, and nobody can approve it any more', async () => {
    const { start, poll } = cli(backend);
    const { device_code, user_code, expires_in } = (await start()).body;
    expect(expires_in).toBe(1);
    const browser = await signedInBrowser(backend);
    await eventually(async () => expect(await poll(device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } }), 10_000);
    expect((await browser.call('POST', `/device/${user_code}/approve`)).status).toBe(404);
  });
});

describe('portico login: the rate limit', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    const identity = fakeIdentityServices({ only: ['auditor'] });
    backend = await startTestBackend({
      auth: 'real',
      features: [authPlugin, fakeCatalog(entities).factory, ...identity.services],
      config: { backend: { rateLimit: { window: 'PT1H', max: 2 } } },
    });
  });
  afterAll(() => backend?.stop());

  it('applies the host\'s limit of the sign-in endpoints to the device endpoints, against guessing and tight loops', async () => {
    const { start } = cli(backend);
    expect((await start()).status).toBe(200);
    expect((await start()).status).toBe(200);
    const limited = await start();
    expect(limited).toMatchObject({ status: 429, body: { error: { message: expect.stringMatching(/^Too many requests/) } } });
  });
});
