import { openPortal, portalUrl, type PortalSession } from './harness';

describe('the app shell in a browser', () => {
  let s: PortalSession;
  beforeAll(async () => {
    s = await openPortal('shell');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('loads the home page with the navigation', async () => {
    await s.goto('/');
    const nav = s.page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Home' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Home' }).getAttribute('aria-current')).toBe('page');
    await s.page.getByRole('heading', { level: 1 }).first().waitFor();
    await s.shot('home');
  });

  it('navigates through every nav item to its page', async () => {
    const nav = s.page.getByRole('navigation', { name: 'Main navigation' });
    const links = nav.getByRole('link');
    const count = await links.count();
    expect(count).toBeGreaterThan(1);
    for (let i = 1; i < count; i++) {
      const link = links.nth(i);
      const name = (await link.textContent())?.trim() ?? `item-${i}`;
      const href = await link.getAttribute('href');
      await link.click();
      await s.page.waitForURL(url => url.pathname === href);
      await s.page.waitForLoadState('networkidle');
      await nav.locator(`a[aria-current="page"][href="${href}"]`).waitFor();
      // a page, not the shell's 404
      expect(await s.page.getByRole('heading', { name: 'Page not found' }).count()).toBe(0);
      await s.shot(`nav-${name}`);
    }
  });

  it('shows that it is loading while the scripts are slow to come, then the page in its place', async () => {
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    const isScript = (url: URL) => url.pathname.startsWith('/assets/') && url.pathname.endsWith('.js');
    // every script waits (a slow network) until the loading notice has been seen
    await s.page.route(isScript, async route => {
      await released;
      await route.continue();
    });
    try {
      await s.page.goto(`${portalUrl()}/`, { waitUntil: 'commit' });
      const notice = s.page.getByRole('status').filter({ hasText: 'Loading Portico…' });
      await notice.waitFor();
      // shown once the start has taken 0.4 s (Playwright counts an element of opacity 0 as visible)
      await s.page.waitForFunction(() => {
        const el = document.querySelector('[role="status"]');
        return !!el && getComputedStyle(el).opacity === '1';
      });
      await s.shot('loading');
      release();
      await s.page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      expect(await s.page.getByText('Loading Portico…').count()).toBe(0); // the app's first render replaced it
    } finally {
      release();
      await s.page.unroute(isScript);
    }
  });

  it('shows a 404 for an unknown URL and links home', async () => {
    await s.goto('/no/such/page');
    await s.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await s.shot('not-found');
    await s.page.getByRole('link', { name: 'Go home' }).click();
    await s.page.waitForURL(url => url.pathname === '/');
  });

  it('switches to the dark theme by keyboard and remembers it after a reload', async () => {
    await s.goto('/');
    const toDark = s.page.getByRole('button', { name: 'Switch to dark theme' });
    await toDark.focus();
    await s.page.keyboard.press('Enter');
    await s.page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    const background = () => s.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(18, 20, 23)');
    await s.shot('dark-theme');
    await s.page.reload({ waitUntil: 'networkidle' });
    await s.page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    expect(await background()).toBe('rgb(18, 20, 23)');
    await s.page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await background()).toBe('rgb(246, 247, 249)');
  });
});

describe('the app shell on a narrow screen', () => {
  let s: PortalSession;
  beforeAll(async () => {
    s = await openPortal('shell-narrow', { viewport: { width: 600, height: 900 } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens the navigation from the menu button and closes it after navigating', async () => {
    await s.goto('/');
    const menu = s.page.getByRole('button', { name: 'Open navigation' });
    await menu.click();
    const nav = s.page.getByRole('navigation', { name: 'Main navigation' });
    await nav.waitFor();
    await s.shot('menu-open');
    const target = nav.getByRole('link').nth(1);
    const href = await target.getAttribute('href');
    await target.click();
    await s.page.waitForURL(url => url.pathname === href);
    await nav.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await s.shot('after-navigation');
  });
});
