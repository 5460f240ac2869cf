// The catalog's journeys in a real browser, against the portal `npm run test:e2e` starts with the example
// organisation (examples/catalog). One screenshot per step under artifacts/e2e/catalog/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { openPortal, type PortalSession } from '../../../packages/app/e2e/harness';

const repoRoot = path.resolve(__dirname, '../../..');

interface StartedPortal {
  url: string;
  stop(): Promise<void>;
}
// The shared helper that npm run test:e2e starts the portal with (plain JS).
const { startPortal } = require('../../../scripts/lib/portal') as {
  startPortal(options: { config?: object; logDir?: string }): Promise<StartedPortal>;
};

/**
 * Where a registrable file may live: PORTICO_E2E_FILE_ROOT (for a portal you started with other config),
 * else the first `integrations.file.roots` entry of the repository's app-config, if any.
 */
function configuredFileRoot(): string | undefined {
  if (process.env.PORTICO_E2E_FILE_ROOT) return path.resolve(process.env.PORTICO_E2E_FILE_ROOT);
  let roots: unknown;
  for (const file of ['app-config.yaml', 'app-config.local.yaml']) {
    const full = path.join(repoRoot, file);
    if (!fs.existsSync(full)) continue;
    const doc = parse(fs.readFileSync(full, 'utf8')) as { integrations?: { file?: { roots?: unknown } } } | null;
    roots = doc?.integrations?.file?.roots ?? roots;
  }
  return Array.isArray(roots) && typeof roots[0] === 'string' ? path.resolve(repoRoot, roots[0]) : undefined;
}

describe('catalog journeys', () => {
  let s: PortalSession;
  let registeredFile: string | undefined;
  let registerPortal: StartedPortal | undefined;
  let registerDir: string | undefined;

  beforeAll(async () => {
    s = await openPortal('catalog');
  });
  afterAll(async () => {
    await s?.close();
    if (registeredFile) fs.rmSync(registeredFile, { force: true });
    if (registerDir) fs.rmSync(registerDir, { recursive: true, force: true });
    await registerPortal?.stop();
  });

  it('opens the home page', async () => {
    await s.goto('/');
    await s.page.getByRole('heading', { level: 1 }).first().waitFor();
    await s.page.getByRole('combobox', { name: 'Search entities' }).waitFor();
    await s.shot('home');
  });

  it('finds a component with the header search and opens it', async () => {
    const search = s.page.getByRole('combobox', { name: 'Search entities' });
    await search.fill('web shop');
    const option = s.page.getByRole('option', { name: /Web shop/ }).first();
    await option.waitFor();
    await s.shot('search');
    await option.click();
    await s.page.waitForURL(url => url.pathname === '/catalog/default/component/web-shop');
    await s.page.getByRole('heading', { level: 1, name: 'Web shop' }).waitFor();
    await s.page.getByRole('region', { name: 'About' }).waitFor();
    await s.page.getByRole('group', { name: /Relations of/ }).waitFor();
    await s.page.waitForLoadState('networkidle');
    await s.shot('entity-overview');
  });

  it('switches tabs: APIs with a rendered OpenAPI definition, Dependencies, History', async () => {
    const tabs = s.page.getByRole('tablist', { name: 'Entity tabs' });
    await tabs.getByRole('tab', { name: 'APIs' }).click();
    await s.page.waitForURL(url => url.pathname.endsWith('/apis'));
    const consumed = s.page.getByRole('table', { name: 'Consumed APIs' });
    await consumed.getByRole('link', { name: /catalog/i }).first().waitFor();
    await consumed.getByRole('button', { name: /Show definition of catalog-api/ }).click();
    // Swagger UI loads lazily and renders the document's title
    await s.page.getByRole('region', { name: 'OpenAPI definition' }).locator('.swagger-ui .info .title').waitFor({ timeout: 20_000 });
    await s.shot('tab-apis');

    await tabs.getByRole('tab', { name: 'Dependencies' }).click();
    await s.page.getByRole('table', { name: 'Depends on' }).waitFor();
    await s.shot('tab-dependencies');

    await tabs.getByRole('tab', { name: 'History' }).click();
    await s.page.getByRole('table', { name: 'History' }).or(s.page.getByText('No recorded changes')).waitFor();
    await s.shot('tab-history');
  });

  it('follows the owner link to the group page', async () => {
    await s.page.getByRole('tablist', { name: 'Entity tabs' }).getByRole('tab', { name: 'Overview' }).click();
    await s.page.locator('header').getByRole('link', { name: 'storefront' }).first().click();
    await s.page.waitForURL(url => url.pathname === '/catalog/default/group/storefront');
    await s.page.getByRole('region', { name: /^Members/ }).waitFor();
    await s.page.getByRole('list', { name: 'Owned entities' }).getByRole('link', { name: 'Web shop' }).waitFor();
    await s.shot('owner-group');
  });

  it('filters the catalog by owner, and keeps the filter in the URL', async () => {
    await s.goto('/catalog');
    const table = s.page.getByRole('table', { name: 'Catalog' });
    await table.getByRole('row').nth(1).waitFor();
    await s.shot('catalog');
    await s.page.getByRole('combobox', { name: 'Owner' }).click();
    await s.page.getByRole('option', { name: /^storefront/ }).click();
    await s.page.waitForURL(url => url.searchParams.get('owner') === 'group:default/storefront');
    await table.getByRole('link', { name: 'Web shop' }).waitFor();
    await s.page.keyboard.press('Escape');
    // every row's owner is storefront, once the filtered page has replaced the unfiltered one (Web shop is on both)
    const ownerCells = table.locator('tbody tr[aria-rowindex] td:nth-child(4)');
    let owners: string[];
    for (const deadline = Date.now() + 10_000; ; await s.page.waitForTimeout(100)) {
      owners = await ownerCells.allTextContents();
      if ((owners.length > 0 && owners.every(owner => owner === 'storefront')) || Date.now() > deadline) break;
    }
    expect(owners.length).toBeGreaterThan(0);
    expect(new Set(owners)).toEqual(new Set(['storefront']));
    await s.shot('catalog-owner-filter');

    // the same view from the shared URL
    await s.goto(`/catalog?owner=${encodeURIComponent('group:default/storefront')}`);
    await table.getByRole('link', { name: 'Web shop' }).waitFor();
    expect(await table.locator('tbody tr[aria-rowindex]').count()).toBe(owners.length);
  });

  it('registers a location after a dry-run preview', async () => {
    // Registered files must lie under integrations.file.roots; when the portal's config names none, a
    // second portal (same app-config, plus a root) serves this journey.
    let root = configuredFileRoot();
    let base = '';
    if (!root) {
      registerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-register-'));
      root = registerDir;
      registerPortal = await startPortal({
        config: { integrations: { file: { roots: [registerDir] } } },
        logDir: 'artifacts/e2e/catalog-register',
      });
      base = registerPortal.url;
    }
    const name = `e2e-service-${Date.now()}`;
    registeredFile = path.join(root, `${name}.yaml`);
    fs.writeFileSync(
      registeredFile,
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${name}`,
        '  description: Registered by the catalog browser test.',
        'spec:',
        '  type: service',
        '  lifecycle: experimental',
        '  owner: storefront',
        '',
      ].join('\n'),
    );
    await s.goto(`${base}/catalog-import`);
    await s.page.getByRole('textbox', { name: 'Location URL' }).fill(registeredFile);
    await s.page.getByRole('button', { name: 'Analyze' }).click();
    const preview = s.page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('table', { name: 'Entities to add' }).getByText(name).waitFor();
    await s.shot('register-preview');
    await preview.getByRole('button', { name: 'Register' }).click();
    await s.page.getByText('Location registered').waitFor();
    await s.shot('register-done');
    await s.page.getByRole('table', { name: 'Registered entities' }).getByRole('link', { name }).click();
    await s.page.getByRole('heading', { level: 1, name }).waitFor();
    await s.shot('registered-entity');
  });
});
