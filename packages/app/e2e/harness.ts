// Shared helpers for browser specs: launch Debian's chromium, open the portal, save a screenshot per step.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../../artifacts/e2e');

/** The portal under test (scripts/e2e.js sets it). */
export function portalUrl(): string {
  const url = process.env.PORTICO_E2E_URL;
  if (!url) throw new Error('PORTICO_E2E_URL is not set: run the specs with `npm run test:e2e`');
  return url.replace(/\/+$/, '');
}

/**
 * Headers for a spec's own API calls: the external access token scripts/e2e.js generated for the run
 * (PORTICO_E2E_TOKEN); every plugin route is behind default deny. Browser pages sign in as the guest instead.
 */
export function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = process.env.PORTICO_E2E_TOKEN;
  if (!token) throw new Error('PORTICO_E2E_TOKEN is not set: run the specs with `npm run test:e2e`, or set it to a token of backend.auth.externalAccess');
  return { authorization: `Bearer ${token}`, ...extra };
}

/** fetch on the portal under test with {@link apiHeaders}: `await apiFetch('/api/catalog/entities')`. */
export function apiFetch(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${portalUrl()}${pathname}`, { ...init, headers: apiHeaders(init.headers as Record<string, string> | undefined) });
}

export interface PortalSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  /** Navigates to a path of the portal and waits for the network to settle. */
  goto(pathname: string): Promise<void>;
  /** Saves a full-page screenshot as artifacts/e2e/<suite>/<NN>-<step>.png and returns its path. */
  shot(step: string): Promise<string>;
  close(): Promise<void>;
}

/** Launches chromium with a fresh profile and opens a page on the portal. */
export async function openPortal(
  suite: string,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<PortalSession> {
  const baseUrl = portalUrl();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    baseURL: baseUrl,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  const dir = path.join(ARTIFACTS_DIR, suite);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let step = 0;
  return {
    browser,
    context,
    page,
    baseUrl,
    async goto(pathname) {
      await page.goto(pathname, { waitUntil: 'networkidle' });
    },
    async shot(name) {
      step += 1;
      const file = path.join(dir, `${String(step).padStart(2, '0')}-${name.replace(/[^a-z0-9-_]+/gi, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
      if (errors.length) console.warn(`[e2e:${suite}] uncaught page errors:\n${errors.join('\n')}`);
    },
  };
}
