import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { authPlugin } from '@portico/plugin-auth-backend';
import { fakeCatalog, group, user } from '../../../../plugins/auth-backend/src/__testUtils__/fakeIdentityServices';
import { portalBrowser } from '../../../../plugins/auth-backend/src/__testUtils__/PortalBrowser';
import type { CliIo } from '../portal/CliIo';
import { api } from './api';
import { login } from './login';
import { logout } from './logout';
import { whoami } from './whoami';

const entities = [user('guest', { memberOf: ['guests'], profile: { displayName: 'Guest User', email: 'guest@example.com' } }), group('guests')];

let backend: TestBackend;
let configHome: string;

beforeAll(async () => {
  backend = await startTestBackend({
    auth: 'real',
    features: [authPlugin, fakeCatalog(entities).factory],
    // The app is served elsewhere than the API: the page to approve on is the app's.
    config: { auth: { allowGuest: true, appBaseUrl: 'http://portal.test' } },
  });
});
afterAll(() => backend?.stop());
beforeEach(() => {
  configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-login-'));
});
afterEach(() => fs.rmSync(configHome, { recursive: true, force: true }));

/**
 * The CLI's world in a test: stdout and stderr kept as text, the environment given, and `sleep` (the wait between
 * polls) replaced by `onSleep`, which plays the person in the browser and records each requested wait.
 */
function terminal(options: { env?: NodeJS.ProcessEnv; onSleep?: (call: number, printed: string) => Promise<void> } = {}) {
  let stdout = '';
  let stderr = '';
  const sleeps: number[] = [];
  const opened: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { XDG_CONFIG_HOME: configHome, ...options.env },
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async ms => {
      sleeps.push(ms);
      await options.onSleep?.(sleeps.length, stdout);
    },
    openBrowser: url => opened.push(url),
    hostname: () => 'build-box',
  };
  return { io, sleeps, opened, stdout: () => stdout, stderr: () => stderr };
}

/** The person at the browser, signed in to the portal (guest, session cookie and CSRF), deciding the code the CLI printed. */
async function decide(printed: string, decision: 'approve' | 'deny') {
  const userCode = /enter the code (\S+)/.exec(printed)?.[1];
  if (!userCode) throw new Error(`No code in: ${printed}`);
  const browser = portalBrowser(backend);
  expect((await browser.call('POST', '/guest/sign-in')).status).toBe(200);
  expect((await browser.call('GET', `/device/${userCode}`)).body).toMatchObject({ clientName: 'portico CLI on build-box' });
  expect((await browser.call('POST', `/device/${userCode}/${decision}`)).status).toBe(204);
}

const approveOnSleep = (n: number) => async (call: number, printed: string) => {
  if (call === n) await decide(printed, 'approve');
};

const credentialsFile = () => path.join(configHome, 'portico', 'credentials.json');
const readCredentials = () => JSON.parse(fs.readFileSync(credentialsFile(), 'utf8'));
const meWith = async (token: string) => (await portalBrowser(backend).call('GET', '/me', { bearer: token })).status;

describe('portico login', () => {
  it('prints a code, waits for its approval in the browser, and stores a token of the approving user in a file only its owner reads', async () => {
    const t = terminal({ onSleep: approveOnSleep(1) });
    expect(await login(t.io, { url: `${backend.url}/` })).toBe(0);

    expect(t.stdout()).toMatch(/open http:\/\/portal\.test\/device in a browser and enter the code [A-Z]{4}-[A-Z]{4}/);
    expect(t.stdout()).toMatch(/the code expires in 10 min/);
    expect(t.stdout()).toContain(`Logged in to ${backend.url} as user:default/guest. The token is in ${credentialsFile()}.`);
    expect(t.sleeps).toEqual([5000]);
    expect(t.opened).toEqual([]);

    expect(fs.statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(credentialsFile())).mode & 0o777).toBe(0o700);
    const stored = readCredentials();
    expect(stored).toEqual({
      current: backend.url,
      portals: {
        [backend.url]: { url: backend.url, token: expect.stringMatching(/^pat_/), tokenId: expect.any(String), user: 'user:default/guest', expiresAt: expect.any(String) },
      },
    });
    expect(await meWith(stored.portals[backend.url].token)).toBe(200);
  });

  it('waits 5 seconds longer between polls once the portal says slow_down', async () => {
    // A wait here takes no time, so the second poll comes too soon, as from a client that polls too fast: slow_down.
    const t = terminal({ onSleep: approveOnSleep(3) });
    expect(await login(t.io, { url: backend.url })).toBe(0);
    expect(t.sleeps).toEqual([5000, 5000, 10000]);
  });

  it('opens the page with the code filled in when asked to', async () => {
    const t = terminal({ onSleep: approveOnSleep(1) });
    expect(await login(t.io, { url: backend.url, open: true })).toBe(0);
    expect(t.opened).toEqual([expect.stringMatching(/^http:\/\/portal\.test\/device\?user_code=[A-Z]{4}-[A-Z]{4}$/)]);
  });

  it('stops, storing nothing, when the person denies the login', async () => {
    const t = terminal({ onSleep: async (call, printed) => (call === 1 ? decide(printed, 'deny') : undefined) });
    expect(await login(t.io, { url: backend.url })).toBe(1);
    expect(t.stderr()).toBe('portico login: the login was denied in the browser\n');
    expect(fs.existsSync(credentialsFile())).toBe(false);
  });

  it('keeps one entry per portal URL, and a second login to a portal revokes the token of the first', async () => {
    const loopback = backend.url.replace('127.0.0.1', 'localhost');
    expect(await login(terminal({ onSleep: approveOnSleep(1) }).io, { url: backend.url })).toBe(0);
    const first = readCredentials().portals[backend.url];
    expect(await login(terminal({ onSleep: approveOnSleep(1) }).io, { url: loopback })).toBe(0);
    expect(Object.keys(readCredentials().portals).sort()).toEqual([backend.url, loopback].sort());
    expect(readCredentials().current).toBe(loopback);

    expect(await login(terminal({ onSleep: approveOnSleep(1) }).io, { url: backend.url })).toBe(0);
    const second = readCredentials().portals[backend.url];
    expect(second.tokenId).not.toBe(first.tokenId);
    expect(await meWith(first.token)).toBe(401);
    expect(await meWith(second.token)).toBe(200);
  });

  it('says so when the portal cannot be reached', async () => {
    const t = terminal();
    await expect(login(t.io, { url: 'http://127.0.0.1:1' })).rejects.toThrow(/^Cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});

describe('portico whoami, api and logout', () => {
  beforeEach(async () => {
    expect(await login(terminal({ onSleep: approveOnSleep(1) }).io, { url: backend.url })).toBe(0);
  });

  it('whoami names the user the portal takes the CLI for', async () => {
    const t = terminal();
    expect(await whoami(t.io, {})).toBe(0);
    expect(t.stdout()).toMatch(/^user:default\/guest \(Guest User <guest@example.com>\)\n {2}portal: http:\/\/127\.0\.0\.1:\d+\n {2}owns as: user:default\/guest, group:default\/guests\n {2}token: portico login, expires 20/);
  });

  it('api calls the portal as the user: reads, and writes with --data', async () => {
    const created = terminal();
    expect(await api(created.io, 'post', '/api/auth/tokens', { data: '{"name":"made by a script"}' })).toBe(0);
    expect(JSON.parse(created.stdout())).toMatchObject({ name: 'made by a script', token: expect.stringMatching(/^pat_/) });

    const listed = terminal();
    expect(await api(listed.io, 'GET', '/api/auth/tokens', {})).toBe(0);
    expect(JSON.parse(listed.stdout()).items.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['portico CLI on build-box', 'made by a script']));
    expect(listed.stdout()).toContain('\n  "items": [');
  });

  it('api prints the answer of a refused call, says why on stderr and exits 1', async () => {
    const t = terminal();
    expect(await api(t.io, 'DELETE', '/api/auth/tokens/no-such-token', {})).toBe(1);
    expect(JSON.parse(t.stdout())).toMatchObject({ error: { name: 'NotFoundError' } });
    expect(t.stderr()).toBe('portico api: DELETE /api/auth/tokens/no-such-token answered 404: You have no personal access token no-such-token\n');
  });

  it('api refuses a path that would send the token to another host, and a body that is not JSON', async () => {
    await expect(api(terminal().io, 'GET', '//evil.example/x', {})).rejects.toThrow("The path must start with a single /: '//evil.example/x'");
    await expect(api(terminal().io, 'GET', 'https://evil.example/x', {})).rejects.toThrow(/must start with a single \//);
    await expect(api(terminal().io, 'POST', '/api/auth/tokens', { data: '{name' })).rejects.toThrow(/^--data is not JSON/);
    await expect(api(terminal().io, 'FETCH', '/api/auth/me', {})).rejects.toThrow("Unknown method 'FETCH': one of GET, POST, PUT, PATCH, DELETE");
  });

  it('PORTICO_TOKEN in the environment wins over the stored token', async () => {
    const t = terminal({ env: { PORTICO_TOKEN: 'pat_not_a_real_token' } });
    expect(await whoami(t.io, {})).toBe(1);
    expect(t.stderr()).toMatch(new RegExp(`^portico whoami: ${backend.url} refused PORTICO_TOKEN \\(.+\\): run portico login --url ${backend.url}\\n$`));
    const viaApi = terminal({ env: { PORTICO_TOKEN: 'pat_not_a_real_token' } });
    expect(await api(viaApi.io, 'GET', '/api/auth/me', {})).toBe(1);
  });

  it('logout revokes the token at the portal and forgets it', async () => {
    const { token } = readCredentials().portals[backend.url];
    const t = terminal();
    expect(await logout(t.io, {})).toBe(0);
    expect(t.stdout()).toBe(`Logged out of ${backend.url}: the token of user:default/guest is revoked.\n`);
    expect(await meWith(token)).toBe(401);
    expect(readCredentials().portals).toEqual({});
    expect(fs.statSync(credentialsFile()).mode & 0o777).toBe(0o600);

    const again = terminal();
    expect(await logout(again.io, { url: backend.url })).toBe(0);
    expect(again.stdout()).toBe(`Not logged in to ${backend.url}.\n`);
    await expect(whoami(terminal().io, { url: backend.url })).rejects.toThrow(`Not logged in to ${backend.url}: run portico login --url ${backend.url} (or set PORTICO_TOKEN)`);
  });
});
