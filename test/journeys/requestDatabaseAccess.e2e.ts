/**
 * Issue 14, Testing: the approval journey in chromium. A portal of its own (`portico start`, guest off,
 * OpenID Connect against a real local provider), the example organisation, and "Request database access"
 * granting through a local stand-in of the access API. Carol (payments) asks for catalog-db; she cannot approve
 * it herself; Erin (storefront, the database's owners) signs in, finds it in her inbox and approves it; Bob
 * (platform) picks the role; the run finishes and the grant names Erin as approver.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OidcTestProvider } from '../../plugins/auth-backend/src/__testUtils__/OidcTestProvider';
import { ARTIFACTS_DIR, CHROMIUM_ARGS, CHROMIUM_PATH } from '../../packages/app/e2e/harness';

const { startPortal, freePort } = require('../../scripts/lib/portal') as {
  startPortal(options: { config?: object; port?: number; logDir?: string }): Promise<{ url: string; stop(): Promise<void> }>;
  freePort(): Promise<number>;
};

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ARTIFACTS_DIR, 'request-database-access');
const accounts = {
  carol: { email: 'carol@acme.example', email_verified: true },
  erin: { email: 'erin@acme.example', email_verified: true },
  bob: { email: 'bob@acme.example', email_verified: true },
};

/** The access API and Slack webhook of the template, on a free port; remembers what it was sent. */
async function startAccessApi() {
  const calls: Array<{ url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      calls.push({ url: req.url ?? '', body });
      if (req.url === '/grants') return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'grant-1', ...JSON.parse(body || '{}') }));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>(resolve => server.listen(0, resolve));
  return { calls, port: (server.address() as AddressInfo).port, stop: () => new Promise(resolve => server.close(resolve)) };
}

let idp: OidcTestProvider;
let portal: { url: string; stop(): Promise<void> };
let accessApi: Awaited<ReturnType<typeof startAccessApi>>;
let browser: Browser;
let templatesDir: string;
let step = 0;

async function shot(page: Page, name: string) {
  step += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  accessApi = await startAccessApi();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  idp = new OidcTestProvider({
    clients: [{ client_id: 'portico', client_secret: 'journey-secret', redirect_uris: [`${baseUrl}/api/auth/oidc/handler/frame`] }],
    accounts,
  });
  await idp.start();

  // The example template, granting through the stand-in instead of localhost:7080.
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-journey-'));
  const template = fs.readFileSync(path.join(ROOT, 'examples/templates/database-access/template.yaml'), 'utf8').replace('http://localhost:7080/grants', `http://localhost:${accessApi.port}/grants`);
  fs.writeFileSync(path.join(templatesDir, 'template.yaml'), template);
  const appConfig = parseYaml(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8')) as { backend: { plugins: string[] } };
  const plugins = appConfig.backend.plugins.includes('@portico/plugin-auth-backend') ? appConfig.backend.plugins : [...appConfig.backend.plugins, '@portico/plugin-auth-backend'];
  portal = await startPortal({
    port,
    logDir: 'artifacts/e2e/request-database-access',
    config: {
      backend: { baseUrl, plugins },
      auth: { allowGuest: false, providers: { oidc: { issuer: idp.issuer, clientId: 'portico', clientSecret: 'journey-secret' } } },
      catalog: {
        processingInterval: 'PT1M',
        locations: [
          { type: 'file', target: path.join(ROOT, 'examples/catalog/all.yaml') },
          { type: 'file', target: path.join(templatesDir, 'template.yaml') },
        ],
      },
      scaffolder: { http: { allowedHosts: [`localhost:${accessApi.port}`] }, slack: { webhookUrl: `http://localhost:${accessApi.port}/slack` } },
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await idp?.stop();
  await accessApi?.stop();
  if (templatesDir) fs.rmSync(templatesDir, { recursive: true, force: true });
});

/** A fresh browser profile signed in through the sign-in page and the provider's own login page. */
async function signIn(login: keyof typeof accounts, startAt = '/create/inbox'): Promise<Page> {
  const context = await browser.newContext({ baseURL: portal.url, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(startAt);
  await page.getByRole('heading', { name: /^Sign in to / }).waitFor();
  await page.getByRole('link', { name: 'Sign in with OpenID Connect' }).or(page.getByRole('button', { name: 'Sign in with OpenID Connect' })).click();
  // oidc-provider's development login and consent pages.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(url => url.origin === portal.url && url.pathname === startAt);
  await page.getByRole('button', { name: /^Account of / }).waitFor();
  return page;
}

/** Calls the portal's API with the page's session cookie and its CSRF header, as the app does. */
async function api(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return page.evaluate(
    async ({ method, url, body }) => {
      const csrf = /(?:^|; )portico_csrf=([^;]+)/.exec(document.cookie)?.[1];
      const res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, url, body },
  );
}

async function waitForTask(page: Page, id: string, done: (task: { status: string }) => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(page, 'GET', `/api/scaffolder/v2/tasks/${id}`);
    if (done(body)) return body;
    if (Date.now() > end) throw new Error(`task ${id} is ${body?.status}`);
    await page.waitForTimeout(200); // polling the run's status, not waiting for time to pass
  }
}

describe('"Request database access": asked, approved by the owner team, granted', () => {
  let taskId: string;
  let carol: Page;

  it('Carol signs in at the front door and lands on her personal home page', async () => {
    const home = await signIn('carol', '/');
    await home.getByRole('heading', { level: 1, name: 'Welcome, Carol Dubois' }).waitFor();
    await home.context().close();
  });

  it('Carol signs in through the OpenID provider and runs the template', async () => {
    carol = await signIn('carol');
    await shot(carol, 'carol-signed-in');
    const me = await api(carol, 'GET', '/api/auth/me');
    expect(me.body.userEntityRef).toBe('user:default/carol');
    await carol.goto('/create/templates/default/request-database-access');
    await carol.getByRole('region', { name: 'Access request' }).waitFor();
    await carol.getByRole('combobox', { name: /^Database/ }).click();
    await carol.getByRole('option', { name: /catalog-db/ }).click();
    await carol.getByRole('textbox', { name: /^Why do you need access/ }).fill('debugging slow product pages');
    await shot(carol, 'carol-form');
    await carol.getByRole('button', { name: 'Next' }).click();
    await carol.getByRole('table', { name: 'Review values' }).waitFor();
    await carol.getByRole('button', { name: 'Create' }).click();
    await carol.waitForURL(url => /^\/create\/tasks\/[^/]+$/.test(url.pathname));
    taskId = decodeURIComponent(new URL(carol.url()).pathname.split('/').pop()!);
    await waitForTask(carol, taskId, t => t.status === 'waiting');
    await carol.getByText(/Approval by the owner team/).first().waitFor();
    await shot(carol, 'carol-run-waiting');
  });

  it('Carol cannot approve her own request', async () => {
    await carol.goto('/create/inbox');
    await carol.getByRole('list', { name: 'Waiting for you' }).or(carol.getByText(/nothing|no requests/i)).first().waitFor();
    expect(await carol.getByRole('article', { name: /asks for read access to resource:default\/catalog-db/ }).count()).toBe(0);
    const refused = await api(carol, 'POST', `/api/scaffolder/v2/tasks/${taskId}/steps/approve/approve`, { comment: 'me' });
    expect({ status: refused.status, message: refused.body?.error?.message }).toEqual({ status: 403, message: 'user:default/carol started this run and may not approve its own request' });
    await shot(carol, 'carol-inbox');
  });

  it('Erin (storefront) finds the request in her inbox and approves it', async () => {
    const erin = await signIn('erin');
    const card = erin.getByRole('article', { name: 'user:default/carol asks for read access to resource:default/catalog-db' });
    await card.waitFor();
    await shot(erin, 'erin-inbox');
    await card.getByRole('button', { name: 'Approve' }).click();
    const alert = erin.getByRole('alert').first();
    await alert.waitFor();
    await shot(erin, 'erin-approved');
    expect(await alert.textContent()).toMatch(/^Approved: user:default\/carol asks for read access to resource:default\/catalog-db/);
    await erin.getByText('Nothing is waiting for you').waitFor();
  });

  it('Bob (platform) picks the role, and the run finishes with the grant Erin approved', async () => {
    const bob = await signIn('bob');
    // The run now waits for the platform team: it is in Bob's inbox (the run itself is Carol's to read).
    const card = bob.getByRole('article', { name: 'Choose the role for user:default/carol on resource:default/catalog-db' });
    await card.waitFor();
    const form = card.getByRole('region', { name: 'Choose the role for user:default/carol on resource:default/catalog-db form' });
    await form.getByRole('combobox', { name: /^role/ }).click();
    await bob.getByRole('option', { name: 'reader' }).click();
    await form.getByRole('spinbutton', { name: /^days/ }).fill('7');
    await shot(bob, 'bob-inbox');
    await form.getByRole('button', { name: 'Submit' }).click();
    const alert = bob.getByRole('alert').first();
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Submitted: Choose the role/);
    const task = await waitForTask(carol, taskId, t => ['completed', 'failed'].includes(t.status));
    expect(task.status).toBe('completed');
    const grant = accessApi.calls.find(c => c.url === '/grants');
    expect(JSON.parse(grant!.body)).toEqual({ user: 'user:default/carol', database: 'resource:default/catalog-db', role: 'reader', days: 7, approvedBy: 'user:default/erin' });
    await carol.goto(`/create/tasks/${taskId}`);
    await carol.getByText(/Grant grant-1 expires in 7 days/).waitFor();
    await shot(carol, 'carol-run-completed');
  });
});
