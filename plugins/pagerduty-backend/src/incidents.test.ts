import request from 'supertest';
import { eventually, mockCredentials, mockServices } from '@portico/test-utils';
import { FakePagerDuty } from './__testUtils__/FakePagerDuty';
import { INTEGRATION_KEY, seedPagerDuty } from './__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from './__testUtils__/startPagerDutyBackend';

const user = (name: string, email: string) =>
  ['apiVersion: backstage.io/v1alpha1', 'kind: User', 'metadata:', `  name: ${name}`, 'spec:', '  profile:', `    email: ${email}`, '  memberOf: []'].join('\n');

describe('POST /api/pagerduty/entities/:kind/:namespace/:name/incidents', () => {
  const fake = new FakePagerDuty();
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  const alice = () => mockCredentials.user('user:default/alice').header();
  const trigger = (name: string, body: Record<string, unknown>, auth?: string) => {
    const req = request(backend.server).post(`/api/pagerduty/entities/component/default/${name}/incidents`).send(body);
    return auth ? req.set('authorization', auth) : req;
  };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    backend = await startPagerDutyBackend(fake, {
      accounts: [{ id: 'default', apiBaseUrl: fake.url, eventsBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, maxRetryWaitMs: 2000 }],
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
        component('plain'),
        user('alice', seed.alice.email),
      ],
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(4));
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });
  beforeEach(() => {
    fake.delayMs = 0;
    fake.readOnlyTokens.clear();
  });

  it('creates the incident as the caller (From: their catalog email) with the chosen urgency, and the card shows it at once', async () => {
    // Cached before the trigger: the trigger must make the summary read PagerDuty again.
    await request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(200);
    const res = await trigger('payments', { title: ' Checkout down ', urgency: 'low', description: 'Every card payment fails' }, alice()).expect(201);
    const created = fake.incidents.at(-1)!;
    expect(res.body).toEqual({
      method: 'rest',
      account: 'default',
      serviceId: seed.payments.id,
      incident: { id: created.id, number: created.number, title: 'Checkout down', urgency: 'low', htmlUrl: `https://acme.pagerduty.com/incidents/${created.id}` },
    });
    expect(created.description).toContain('Every card payment fails');
    expect(created.description).toContain('triggered by: user:default/alice');
    expect(fake.requestsTo('/incidents').filter(r => r.method === 'POST').at(-1)!.headers.from).toBe(seed.alice.email);
    const summary = await request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(200);
    expect(summary.body.openIncidents.map((i: { title: string }) => i.title)).toContain('Checkout down');
  });

  it('sends an Events API v2 trigger with the entity\'s integration key', async () => {
    const res = await trigger('search', { title: 'Index lag', urgency: 'high' }, alice()).expect(201);
    expect(res.body).toMatchObject({ method: 'events', account: 'default', serviceId: null, dedupKey: expect.any(String) });
    expect(fake.events.at(-1)!.body).toMatchObject({ routing_key: INTEGRATION_KEY, event_action: 'trigger', payload: { summary: 'Index lag', severity: 'critical' } });
  });

  it('refuses a blank title with 400 and sends nothing', async () => {
    const sent = fake.requests.length;
    const res = await trigger('search', { title: '   ', urgency: 'high' }, alice()).expect(400);
    expect(res.body.error.message).toBe('An incident needs a title: it is what the person paged reads first');
    await trigger('search', { urgency: 'high' }, alice()).expect(400);
    expect(fake.requests.length).toBe(sent);
  });

  it('explains when the caller has no email and the service no integration key', async () => {
    // The guest has no User entity: no From, and payments has no Events API v2 integration.
    const res = await trigger('payments', { title: 'Down' }).expect(400);
    expect(res.body.error.message).toMatch(/has no Events API v2 integration key to trigger an incident with/);
  });

  it('maps PagerDuty\'s refusals and outages to clear answers', async () => {
    fake.readOnlyTokens.add('good-key');
    const readOnly = await trigger('payments', { title: 'Down' }, alice()).expect(403);
    expect(readOnly.body.error.message).toMatch(/is not allowed creating an incident on service .*read-only key cannot write/);
    fake.readOnlyTokens.clear();
    fake.delayMs = 2500;
    const down = await trigger('search', { title: 'Down' }, alice()).expect(503);
    expect(down.body.error.message).toMatch(/PagerDuty is unreachable for account 'default' while sending an incident event/);
    fake.delayMs = 0;
    const none = await trigger('plain', { title: 'Down' }, alice()).expect(404);
    expect(none.body.error.message).toMatch(/has no pagerduty.com\/service-id/);
  });

  it('declares pagerduty.incident.create in the OpenAPI document', async () => {
    const doc = (await request(backend.server).get('/api/pagerduty/openapi.json').expect(200)).body;
    expect(doc.paths['/entities/{kind}/{namespace}/{name}/incidents'].post['x-portico-permission']).toMatchObject({ name: 'pagerduty.incident.create' });
  });
});

describe('triggering without pagerduty.incident.create', () => {
  it('answers 403 and sends nothing to PagerDuty', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const backend = await startPagerDutyBackend(fake, {
      entities: [component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY })],
      features: [mockServices.permissions.factory(req => (req.permission.name === 'pagerduty.incident.create' ? 'DENY' : 'ALLOW'))],
    });
    try {
      await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(1));
      await request(backend.server).post('/api/pagerduty/entities/component/default/search/incidents').send({ title: 'Down' }).expect(403);
      expect(fake.events).toEqual([]);
      expect(fake.incidents.filter(i => i.serviceId === seed.search.id)).toHaveLength(1);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
