// The insights team page in a real browser, against the portal `npm run test:e2e` starts (scripts/e2e.js turns the
// insights pair on and hands over a CI token that may only push events): a few weeks of deployments, pull requests
// and incidents of the payments team's components go in through the push API, then the team's Insights tab shows
// the tiles, the breakdown by component and a chart's table view. Screenshots under artifacts/e2e/insights-team-page/.
import { apiFetch, openPortal, portalUrl, type PortalSession } from '../../../packages/app/e2e/harness';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SOURCE = 'e2e-ci';
/** The payments team's components in examples/catalog, and how often each deploys (every N days). */
const CADENCE: Record<string, number> = { 'checkout-service': 1, 'payment-gateway': 3, 'fraud-detector': 7 };
const ref = (name: string) => `component:default/${name}`;

/** The CI token scripts/e2e.js configured with accessRestrictions { plugins: [insights], permissions: [insights.events.push] }. */
function push(route: 'deployments' | 'pull-requests' | 'incidents', body: unknown): Promise<Response> {
  const token = process.env.PORTICO_E2E_INSIGHTS_TOKEN;
  if (!token) throw new Error('PORTICO_E2E_INSIGHTS_TOKEN is not set: run the specs with `npm run test:e2e`');
  return fetch(`${portalUrl()}/api/insights/${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Polls `check` until it returns a value (no fixed sleeps: the catalog ingests the example organisation at start). */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** Five weeks of production deployments per component, a pull request shipped by each, and two incidents after deploys. */
function history(now: number) {
  const deployments: object[] = [];
  const pullRequests: object[] = [];
  for (const [name, every] of Object.entries(CADENCE)) {
    for (let day = 1; day <= 35; day += every) {
      const finished = now - day * DAY - 2 * HOUR;
      const id = `${name}-deploy-${day}`;
      deployments.push({ id, entityRef: ref(name), environment: 'production', version: `v1.${day}.0`, status: name === 'payment-gateway' && day === 4 ? 'failed' : 'succeeded', startedAt: new Date(finished - 10 * 60_000).toISOString(), finishedAt: new Date(finished).toISOString(), source: SOURCE });
      const created = finished - 30 * HOUR;
      pullRequests.push({ id: `${name}-pr-${day}`, entityRef: ref(name), number: day, title: `Change ${day}`, createdAt: new Date(created).toISOString(), firstReviewAt: new Date(created + 3 * HOUR).toISOString(), mergedAt: new Date(finished - 4 * HOUR).toISOString(), additions: 40 + day, deletions: 10, deployedIn: id, source: SOURCE });
    }
  }
  const incidents = [7, 13].map(day => {
    const opened = now - day * DAY - HOUR;
    return { id: `INC-${day}`, entityRef: ref('payment-gateway'), openedAt: new Date(opened).toISOString(), resolvedAt: new Date(opened + 2 * HOUR).toISOString(), severity: 'SEV2', source: SOURCE };
  });
  return { deployments, pullRequests, incidents };
}

describe('insights team page', () => {
  let s: PortalSession;

  beforeAll(async () => {
    const { deployments, pullRequests, incidents } = history(Date.now());
    // 400 while the catalog has not ingested the components yet (an unknown ref is refused by name)
    const pushed = await until('the push API to accept the payments components', async () => {
      const res = await push('deployments', { deployments });
      return res.status === 202 ? ((await res.json()) as { accepted: number; duplicates: number }) : undefined;
    });
    expect(pushed.accepted + pushed.duplicates).toBe(deployments.length);
    expect((await push('pull-requests', { pullRequests })).status).toBe(202);
    expect((await push('incidents', { incidents })).status).toBe(202);
    await until('the team\'s deployment frequency', async () => {
      const res = await apiFetch(`/api/insights/metrics?${new URLSearchParams({ group: 'group:default/payments', metric: 'deploymentFrequency' })}`);
      const body = (await res.json()) as { metrics?: Array<{ value: number | null }> };
      return body.metrics?.[0]?.value ? body : undefined;
    });
    s = await openPortal('insights-team-page', { viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows the DORA tiles, the breakdown by component and a chart as a table on the team\'s Insights tab', async () => {
    await s.goto('/catalog/default/group/payments/insights?range=30d&interval=week');
    const frequency = s.page.getByRole('region', { name: 'Deployment frequency', exact: true });
    await frequency.getByText(/per day$/).waitFor();
    // checkout-service daily, payment-gateway every 3 days, fraud-detector weekly: more than one a day, elite
    await frequency.getByLabel(/^DORA band: /).waitFor();
    expect(await frequency.getByLabel(/^DORA band: /).textContent()).toBe('Elite');
    await s.page.getByRole('region', { name: 'Lead time for changes', exact: true }).getByText(/ h$|days$/).first().waitFor();
    expect(await s.page.getByRole('region', { name: 'Time to restore service', exact: true }).textContent()).toContain('2 h');
    await s.shot('tiles');

    const breakdown = s.page.getByRole('table', { name: 'Breakdown by entity' });
    // the rows are named by the components' titles in examples/catalog
    const gateway = breakdown.getByRole('row', { name: /^Payment gateway/ });
    await gateway.waitFor();
    expect(await gateway.getByRole('link', { name: 'Payment gateway' }).getAttribute('href')).toBe('/catalog/default/component/payment-gateway');
    expect(await gateway.textContent()).toContain('0.33 per day');
    const names = await breakdown.locator('tbody tr th').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['Checkout service', 'Payment gateway', 'Fraud detector']));
    // a component of the team without events says so instead of 0
    expect(await breakdown.getByRole('row', { name: /^Legacy invoicing/ }).textContent()).not.toMatch(/\b0 per day/);
    await s.shot('breakdown');

    const figure = s.page.getByRole('figure', { name: 'Deployment frequency per week' });
    const summary = await figure.locator('figcaption').textContent();
    expect(summary).toMatch(/^Deployment frequency (rose|fell|stayed)/);
    await figure.getByRole('button', { name: 'Table view' }).click();
    const table = figure.getByRole('table', { name: 'Deployment frequency per week' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/per day|Not enough data/);
    await s.shot('table-view');

    await s.page.getByRole('button', { name: 'Why? The events behind Change failure rate' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Why? The events behind Change failure rate' });
    await dialog.getByRole('table').waitFor();
    expect(await dialog.getByRole('table').textContent()).toContain('payment-gateway');
    await s.shot('why-failures');
  });

  it('compares the teams on the comparison page, with a table view', async () => {
    await s.goto('/insights?range=30d');
    const figure = s.page.getByRole('figure', { name: 'Deployment frequency by team' });
    await figure.waitFor();
    expect(await figure.locator('figcaption').textContent()).toContain('Payments team');
    await figure.getByRole('button', { name: 'Table view' }).click();
    const row = figure.getByRole('table').getByRole('row', { name: /^Payments team/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/per dayElite\d+$/);
    expect(await row.getByRole('link', { name: 'Payments team' }).getAttribute('href')).toBe('/catalog/default/group/payments/insights');
    await s.shot('comparison');
  });
});
