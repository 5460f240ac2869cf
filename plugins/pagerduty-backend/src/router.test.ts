import request from 'supertest';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from './__testUtils__/FakePagerDuty';
import { INTEGRATION_KEY, seedPagerDuty } from './__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from './__testUtils__/startPagerDutyBackend';

describe('/api/pagerduty/entities/:kind/:namespace/:name/summary', () => {
  const fake = new FakePagerDuty();
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  const summary = (name: string) => request(backend.server).get(`/api/pagerduty/entities/component/default/${name}/summary`);

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    const ghost = 'PNOSUCH';
    const noAnalytics = fake.addService({ name: 'no-analytics', policyId: seed.policy.id });
    const aged = fake.addService({ name: 'aged', policyId: seed.policy.id });
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    fake.addIncident({ serviceId: aged.id, title: 'Disk slowly filling', status: 'acknowledged', urgency: 'high', createdAt: daysAgo(40), assignees: [seed.alice.id] });
    fake.addIncident({ serviceId: aged.id, title: 'Certificate expiring', status: 'triggered', urgency: 'low', createdAt: daysAgo(2), assignees: [] });
    backend = await startPagerDutyBackend(fake, {
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
        component('secret', { 'pagerduty.com/service-id': seed.secret.id }),
        component('ghost', { 'pagerduty.com/service-id': ghost }),
        component('elsewhere', { 'pagerduty.com/service-id': seed.payments.id, 'pagerduty.com/account': 'eu' }),
        component('unknown-key', { 'pagerduty.com/integration-key': 'ffffffffffffffffffffffffffffffff' }),
        component('plain'),
        component('no-analytics', { 'pagerduty.com/service-id': noAnalytics.id }),
        component('aged', { 'pagerduty.com/service-id': aged.id }),
      ],
    });
    await eventually(async () => {
      const res = await request(backend.server).get('/api/catalog/entities').expect(200);
      expect(res.body).toHaveLength(9);
    });
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });
  beforeEach(() => {
    fake.delayMs = 0;
    fake.tokens = ['good-key'];
  });

  it('shows the service, its policy with who is on call at each level until when, open incidents, changes and analytics', async () => {
    const res = await summary('payments').expect(200);
    expect(res.body.service).toEqual({
      id: seed.payments.id,
      name: 'payments',
      description: 'payments service',
      status: 'active',
      htmlUrl: `https://acme.pagerduty.com/service-directory/${seed.payments.id}`,
      account: 'default',
    });
    const policy = res.body.escalationPolicy;
    expect(policy).toMatchObject({ id: seed.policy.id, name: 'Payments escalation', numLoops: 2 });
    expect(policy.levels.map((l: { level: number }) => l.level)).toEqual([1, 2]);
    expect(policy.levels[0].targets).toEqual([{ id: seed.primary, type: 'schedule_reference', name: 'Payments primary', htmlUrl: expect.stringContaining(seed.primary) }]);
    expect(policy.levels[0].onCall.map((o: { user: { name: string } }) => o.user.name).sort()).toEqual(['Alice Archer', 'Bob Baker']);
    expect(policy.levels[0].onCall.find((o: { user: { name: string } }) => o.user.name === 'Alice Archer')).toMatchObject({
      email: 'alice.archer@acme.example',
      schedule: { id: seed.primary, name: 'Payments primary' },
      end: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(policy.levels[1]).toMatchObject({ escalationDelayInMinutes: 30, onCall: [{ user: { id: seed.carol.id, name: 'Carol Cole' } }] });
    expect(res.body.openIncidents.map((i: { title: string; status: string; urgency: string }) => [i.title, i.status, i.urgency])).toEqual([
      ['Card payments failing', 'triggered', 'high'],
      ['Slow refunds', 'acknowledged', 'low'],
    ]);
    const acked = res.body.openIncidents[1];
    expect(acked.assignees.map((a: { name: string }) => a.name)).toEqual(['Bob Baker', 'Alice Archer']);
    expect(acked.ageSeconds).toBeGreaterThanOrEqual(5 * 3600 - 5);
    expect(acked.htmlUrl).toBe(`https://acme.pagerduty.com/incidents/${seed.acked.id}`);
    expect(res.body.changeEvents).toEqual([
      { id: expect.any(String), summary: 'Deploy payments v1.2.3', timestamp: expect.any(String), source: 'ci', links: [{ href: 'https://ci.example/runs/42', text: 'Run 42' }] },
    ]);
    expect(res.body.analytics).toMatchObject({ totalIncidents: 7, meanSecondsToResolve: 5400, meanSecondsToFirstAck: 240, totalHighUrgencyIncidents: 3 });
    expect(Date.parse(res.body.analytics.to) - Date.parse(res.body.analytics.from)).toBe(30 * 86_400_000);
  });

  it('asks for on-calls by escalation policy and sends the v2 Accept header and the API key', async () => {
    const oncalls = fake.requestsTo('/oncalls');
    expect(oncalls.length).toBeGreaterThan(0);
    expect(oncalls[0].query['escalation_policy_ids[]']).toBe(seed.policy.id);
    expect(oncalls[0].headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    expect(oncalls[0].headers.authorization).toBe('Token token=good-key');
    expect(fake.requestsTo('/incidents')[0].query).toMatchObject({ 'statuses[]': ['triggered', 'acknowledged'], date_range: 'all' });
  });

  it('shows every triggered and acknowledged incident, however old (PagerDuty searches one month unless told date_range=all)', async () => {
    const res = await summary('aged').expect(200);
    expect(res.body.openIncidents.map((i: { title: string; status: string }) => [i.title, i.status])).toEqual([
      ['Certificate expiring', 'triggered'],
      ['Disk slowly filling', 'acknowledged'],
    ]);
    expect(res.body.openIncidents[1].ageSeconds).toBeGreaterThanOrEqual(40 * 86_400 - 60);
  });

  it('serves repeated and concurrent views from the cache: 100 views cost what one does', async () => {
    const before = fake.requests.length;
    const views = await Promise.all(Array.from({ length: 100 }, () => summary('payments')));
    for (const v of views) expect(v.status).toBe(200);
    expect(fake.requests.length).toBe(before);
  });

  it('resolves pagerduty.com/integration-key to its service', async () => {
    const res = await summary('search').expect(200);
    expect(res.body.service).toMatchObject({ id: seed.search.id, name: 'search' });
    expect(res.body.openIncidents.map((i: { title: string }) => i.title)).toEqual(['Index lag']);
    expect(res.body.analytics).toMatchObject({ totalIncidents: 0, meanSecondsToResolve: null });
    const unknown = await summary('unknown-key').expect(404);
    expect(unknown.body.error.message).toMatch(/integration key/);
  });

  it('answers 404 naming the annotation for an entity without one, and for an entity that does not exist', async () => {
    const plain = await summary('plain').expect(404);
    expect(plain.body.error.message).toBe('component:default/plain has no pagerduty.com/service-id or pagerduty.com/integration-key annotation');
    const missing = await summary('nobody').expect(404);
    expect(missing.body.error.message).toMatch(/No entity component:default\/nobody/);
    await request(backend.server).get('/api/pagerduty/entities/component/default/bad%20name/summary').expect(400);
  });

  it('answers 404 for a service PagerDuty does not know, and for an account that is not configured', async () => {
    const ghost = await summary('ghost').expect(404);
    expect(ghost.body.error.message).toMatch(/Not found in PagerDuty account 'default': service PNOSUCH/);
    const elsewhere = await summary('elsewhere').expect(404);
    expect(elsewhere.body.error.message).toMatch(/No PagerDuty account 'eu' in integrations.pagerduty \(configured: 'default'\)/);
  });

  it('still shows on-call and incidents when PagerDuty refuses the analytics, saying why', async () => {
    fake.failNext({ path: /^\/analytics\//, status: 402, message: 'Account does not have the analytics ability' });
    const res = await summary('no-analytics').expect(200);
    expect(res.body.escalationPolicy.levels).toHaveLength(2);
    expect(res.body.analytics).toBeNull();
    expect(res.body.analyticsError).toMatch(/answered 402 .*analytics ability/);
  });

  it('answers 403 when the key has no access to the service', async () => {
    const res = await summary('secret').expect(403);
    expect(res.body.error.message).toMatch(/has no access to service .*Access Denied/);
  });

  it('answers 503 saying the key is wrong when PagerDuty refuses it (never a 401 that would sign the user out)', async () => {
    fake.tokens = ['another-key'];
    // `ghost` is never cached (PagerDuty answered 404), so this reaches PagerDuty.
    const res = await summary('ghost').expect(503);
    expect(res.body.error.message).toMatch(/refused the API key of account 'default'.*wrong or revoked/);
  });

  it('answers 503 naming the timeout when PagerDuty does not answer in time', async () => {
    fake.delayMs = 5000;
    const res = await summary('ghost');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/PagerDuty is unreachable for account 'default'.*no answer within 1500 ms/);
  });

  it('declares the route in the OpenAPI document, closed to anonymous callers', async () => {
    const doc = (await request(backend.server).get('/api/pagerduty/openapi.json').expect(200)).body;
    expect(doc.paths['/entities/{kind}/{namespace}/{name}/summary'].get).toBeDefined();
    expect(doc.paths['/entities/{kind}/{namespace}/{name}/summary'].get['x-portico-auth']).toBeUndefined();
  });
});

describe('readiness', () => {
  it('reports each PagerDuty account in /readyz and says when the key is refused', async () => {
    const fake = await new FakePagerDuty().start();
    const backend = await startPagerDutyBackend(fake);
    try {
      const ok = await request(backend.server).get('/readyz');
      expect(JSON.stringify(ok.body)).toMatch(/"default":\{"ok":true/);
      fake.tokens = ['rotated'];
      const down = await request(backend.server).get('/readyz');
      expect(JSON.stringify(down.body)).toMatch(/refused the API key of account 'default'/);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});

describe('without integrations.pagerduty', () => {
  it('starts, stays ready, and answers 404 saying no account is configured', async () => {
    const fake = await new FakePagerDuty().start();
    const backend = await startPagerDutyBackend(fake, { accounts: [], entities: [component('payments', { 'pagerduty.com/service-id': 'PX1' })] });
    try {
      // Until the catalog has read the entity the answer is "No entity"; then it names the missing account.
      await eventually(async () => {
        const res = await request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(404);
        expect(res.body.error.message).toBe('No PagerDuty account is configured: add one under integrations.pagerduty');
      });
      const ready = await request(backend.server).get('/readyz');
      expect(ready.status).toBe(200);
      expect(fake.requests).toEqual([]);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
