/**
 * The wizard's schema validation in chromium, under the portal's Content-Security-Policy (script-src 'self', no
 * 'unsafe-eval'): a portal of its own with the example organisation and a template whose form has required
 * fields, a pattern and a format. One screenshot per step under artifacts/e2e/scaffolder-wizard/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../packages/app/e2e/harness';

const { startPortal } = require('../../../scripts/lib/portal') as {
  startPortal(options: { config?: object; logDir?: string }): Promise<{ url: string; stop(): Promise<void> }>;
};

const ROOT = path.join(__dirname, '../../..');
const SHOTS = path.join(ARTIFACTS_DIR, 'scaffolder-wizard');
const TEMPLATE = `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: validated-form
  title: Validated form
spec:
  owner: platform
  type: service
  parameters:
    - title: About the service
      required: [name, owner]
      properties:
        name:
          title: Name
          type: string
          pattern: '^[a-z0-9-]+$'
        contact:
          title: Contact
          type: string
          format: email
        owner:
          title: Owner
          type: string
          ui:field: OwnerPicker
    - title: Where it runs
      properties:
        tier:
          title: Tier
          type: string
          enum: ['1', '2']
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: \${{ parameters.name }}
`;

let portal: { url: string; stop(): Promise<void> };
let browser: Browser;
let page: Page;
let templatesDir: string;
let step = 0;
const cspReports: string[] = [];

async function shot(name: string) {
  step += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-wizard-'));
  fs.writeFileSync(path.join(templatesDir, 'template.yaml'), TEMPLATE);
  const appConfig = parseYaml(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8')) as { backend: { plugins: string[] } };
  portal = await startPortal({
    logDir: 'artifacts/e2e/scaffolder-wizard',
    config: {
      backend: { plugins: appConfig.backend.plugins },
      auth: { allowGuest: true },
      catalog: {
        locations: [
          { type: 'file', target: path.join(ROOT, 'examples/catalog/all.yaml') },
          { type: 'file', target: path.join(templatesDir, 'template.yaml') },
        ],
      },
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: portal.url, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', message => {
    if (/Content Security Policy|unsafe-eval/i.test(message.text())) cspReports.push(message.text());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  if (templatesDir) fs.rmSync(templatesDir, { recursive: true, force: true });
});

describe('the template wizard under a CSP without unsafe-eval', () => {
  it('shows the schema errors under their fields, and moves on once they are fixed', async () => {
    await page.goto('/create/templates/default/validated-form');
    const form = page.getByRole('region', { name: 'About the service' });
    await form.waitFor();

    await page.getByRole('button', { name: 'Next' }).click();
    await form.getByText('Name is required.').waitFor();
    await form.getByText('Owner is required.').waitFor();
    // each said once, and the page title once (the page heading, not the form's too)
    expect(await form.getByText('Owner is required.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'About the service' }).count()).toBe(1);
    await shot('required-fields');

    await form.getByRole('textbox', { name: /^Name/ }).fill('Checkout Service');
    await form.getByRole('textbox', { name: /^Contact/ }).fill('carol@');
    await page.getByRole('button', { name: 'Next' }).click();
    await form.getByText('Name is not in the expected format.').waitFor();
    await form.getByText('Contact must be an email address.').waitFor();
    expect(await form.getByText(/must match|required property/).count()).toBe(0);
    await shot('pattern-and-format');

    await form.getByRole('textbox', { name: /^Name/ }).fill('checkout');
    await form.getByRole('textbox', { name: /^Contact/ }).fill('carol@acme.example');
    await form.getByRole('combobox', { name: /^Owner/ }).click();
    await page.getByRole('option', { name: /^Platform team/ }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('region', { name: 'Where it runs' }).waitFor();
    await shot('next-page');

    expect(cspReports).toEqual([]);
  });
});
