import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { PAGERDUTY_INCIDENT_TOPICS, type PagerDutyIncidentEvent } from '@portico/plugin-pagerduty-common';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { incidentWebhookPayload, signWebhook } from '../__testUtils__/pagerdutyWebhooks';
import { INTEGRATION_KEY, seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from '../__testUtils__/startPagerDutyBackend';

const OLD_SECRET = 'old-webhook-secret';
const NEW_SECRET = 'new-webhook-secret';

type Backend = Awaited<ReturnType<typeof startPagerDutyBackend>>;

/** Every `pagerduty.incident.*` event published, with its topic. */
function recorder(received: Array<{ topic: string; payload: PagerDutyIncidentEvent }>) {
  return createBackendPlugin({
    pluginId: 'recorder',
    register(env) {
      env.registerInit({
        deps: { events: coreServices.events },
        async init({ events }) {
          await events.subscribe({ id: 'recorder', topics: [...PAGERDUTY_INCIDENT_TOPICS], onEvent: ({ topic, payload }) => void received.push({ topic, payload: payload as PagerDutyIncidentEvent }) });
        },
      });
    },
  });
}

function deliver(backend: Backend, payload: unknown, signature: string | null = signWebhook(JSON.stringify(payload), NEW_SECRET)) {
  const body = JSON.stringify(payload);
  const req = request(backend.server).post('/api/pagerduty/webhooks').set('content-type', 'application/json').set('x-webhook-subscription', 'PSUB123');
  if (signature !== null) req.set('x-pagerduty-signature', signature);
  return req.send(body);
}

/**
 * Waits for `check` to pass (polling, no fixed sleep), failing unless it passes within `limitMs` of `since`, the
 * moment the webhook was sent: `eventually` gets only what is left of the limit, and the time of the pass is checked.
 */
async function within<T>(limitMs: number, since: number, check: () => Promise<T>): Promise<T> {
  const result = await eventually(check, Math.max(0, since + limitMs - Date.now()));
  expect(Date.now() - since).toBeLessThanOrEqual(limitMs);
  return result;
}

const factsOf = async (backend: Backend, name: string) => {
  const res = await request(backend.server).get(`/api/scorecards/entities/component/default/${name}/facts`).expect(200);
  return Object.fromEntries((res.body.items as Array<{ name: string; value: unknown }>).map(f => [f.name, f.value]));
};

describe('POST /api/pagerduty/webhooks', () => {
  const fake = new FakePagerDuty();
  const received: Array<{ topic: string; payload: PagerDutyIncidentEvent }> = [];
  let seed: ReturnType<typeof seedPagerDuty>;
  let backend: Backend;

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    backend = await startPagerDutyBackend(fake, {
      manualSchedulers: true,
      features: [scorecardsPlugin, recorder(received)],
      accounts: [{ id: 'default', apiBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, webhookSecrets: [OLD_SECRET, NEW_SECRET] }],
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('payments-api', { 'pagerduty.com/service-id': seed.payments.id }),
        component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
        component('plain'),
      ],
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(4));
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });
  beforeEach(() => void (received.length = 0));

  it('collects facts for the mapped entities through scorecards on its schedule', async () => {
    await backend.schedulers.get('scorecards').triggerTask('scorecards-collect-pagerduty');
    const payments = await eventually(() => factsOf(backend, 'payments'));
    expect(payments).toMatchObject({ 'pagerduty.hasService': true, 'pagerduty.escalationLevels': 2, 'pagerduty.hasOnCall': true, 'pagerduty.openIncidents.high': 1, 'pagerduty.mttrHours30d': 1.5 });
    expect(await factsOf(backend, 'search')).toMatchObject({ 'pagerduty.hasService': true, 'pagerduty.openIncidents.low': 1 });
    expect(Object.keys(await factsOf(backend, 'plain')).filter(n => n.startsWith('pagerduty.'))).toEqual([]);
  });

  it('refuses a missing, wrong or tampered signature with 401 and processes nothing', async () => {
    const payload = incidentWebhookPayload('incident.triggered', seed.open);
    const before = fake.requests.length;
    const missing = await deliver(backend, payload, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/Missing X-PagerDuty-Signature/);
    expect((await deliver(backend, payload, signWebhook(JSON.stringify(payload), 'not the secret'))).status).toBe(401);
    const tampered = { event: { ...payload.event, event_type: 'incident.resolved' } };
    expect((await deliver(backend, tampered, signWebhook(JSON.stringify(payload), NEW_SECRET))).status).toBe(401);
    expect((await deliver(backend, payload, 'v0=abc, sha256=def')).status).toBe(401);
    expect(received).toEqual([]);
    expect(fake.requests.length).toBe(before);
  });

  it('accepts a signature of any configured secret, among the several PagerDuty sends during a rotation', async () => {
    const payload = incidentWebhookPayload('incident.acknowledged', seed.acked);
    const body = JSON.stringify(payload);
    const res = await deliver(backend, payload, `${signWebhook(body, 'retired-secret')},${signWebhook(body, OLD_SECRET)}`);
    expect(res.status).toBe(202);
    // subscribers are given the event after the webhook answered
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['pagerduty.incident.acknowledged']));
  });

  it('publishes an incident event with the entities of its service and pushes their fresh facts within a second', async () => {
    await backend.schedulers.get('scorecards').triggerTask('scorecards-collect-pagerduty');
    await eventually(async () => expect((await factsOf(backend, 'payments'))['pagerduty.openIncidents.high']).toBe(1));
    // The card's cache is warm: without the webhook it would show the old incidents for another minute.
    const summary = () => request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(200);
    expect((await summary()).body.openIncidents).toHaveLength(2);

    const incident = fake.addIncident({ serviceId: seed.payments.id, title: 'Checkout down', status: 'triggered', urgency: 'high', createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), assignees: [seed.alice.id] });
    const payload = incidentWebhookPayload('incident.triggered', incident, { serviceName: 'payments' });
    const triggeredAt = Date.now();
    const res = await deliver(backend, payload);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: true, id: payload.event.id, eventType: 'incident.triggered', entityRefs: ['component:default/payments', 'component:default/payments-api'] });
    await within(1000, triggeredAt, async () => {
      expect(await factsOf(backend, 'payments')).toMatchObject({ 'pagerduty.openIncidents.high': 2, 'pagerduty.lastIncidentAt': new Date(incident.createdAt).toISOString() });
      expect((await factsOf(backend, 'payments-api'))['pagerduty.openIncidents.high']).toBe(2);
    });
    expect((await summary()).body.openIncidents).toHaveLength(3);
    await eventually(() => expect(received).toHaveLength(1));
    expect(received).toEqual([
      {
        topic: 'pagerduty.incident.triggered',
        payload: {
          eventId: payload.event.id,
          eventType: 'incident.triggered',
          occurredAt: payload.event.occurred_at,
          account: 'default',
          serviceId: seed.payments.id,
          entityRefs: ['component:default/payments', 'component:default/payments-api'],
          incident: { id: incident.id, number: incident.number, title: 'Checkout down', status: 'triggered', urgency: 'high', htmlUrl: payload.event.data.html_url },
        },
      },
    ]);

    incident.status = 'resolved';
    const resolvedAt = Date.now();
    expect((await deliver(backend, incidentWebhookPayload('incident.resolved', incident))).status).toBe(202);
    await within(1000, resolvedAt, async () => {
      expect((await factsOf(backend, 'payments'))['pagerduty.openIncidents.high']).toBe(1);
      expect((await factsOf(backend, 'payments-api'))['pagerduty.openIncidents.high']).toBe(1);
    });
    // delivered before the next test starts recording
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['pagerduty.incident.triggered', 'pagerduty.incident.resolved']));
  });

  it('maps a service to the entities annotated with one of its integration keys', async () => {
    const incident = fake.addIncident({ serviceId: seed.search.id, title: 'Index stale', status: 'triggered', urgency: 'high', createdAt: new Date().toISOString(), assignees: [] });
    const res = await deliver(backend, incidentWebhookPayload('incident.escalated', incident));
    expect(res.body.entityRefs).toEqual(['component:default/search']);
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['pagerduty.incident.escalated']));
  });

  it('processes an event once: a redelivery with the same event id is answered 200 and not published again', async () => {
    const payload = incidentWebhookPayload('incident.reassigned', seed.open);
    expect((await deliver(backend, payload)).status).toBe(202);
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['pagerduty.incident.reassigned']));
    const again = await deliver(backend, payload);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true, id: payload.event.id, eventType: 'incident.reassigned' });
    // A new event arrives after anything published before it (events keep their order): the redelivery was not.
    expect((await deliver(backend, incidentWebhookPayload('incident.reassigned', seed.open))).status).toBe(202);
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['pagerduty.incident.reassigned', 'pagerduty.incident.reassigned']));
  });

  it('acknowledges event types it does not process without publishing them', async () => {
    const ping = { event: { id: 'ping-1', event_type: 'pagey.ping', resource_type: 'pagey', occurred_at: new Date().toISOString(), data: { message: 'Hello from your friend Pagey!', type: 'ping' } } };
    const res = await deliver(backend, ping);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: true, ignored: true, id: 'ping-1', eventType: 'pagey.ping' });
    expect(received).toEqual([]);
  });

  it('answers 400 for a signed body that is not a webhook event, and 401 for a body that is not JSON', async () => {
    const res = await deliver(backend, { hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/must be a JSON object \{ event/);
    const text = 'event=incident.triggered';
    const form = await request(backend.server).post('/api/pagerduty/webhooks').set('content-type', 'text/plain').set('x-pagerduty-signature', signWebhook(text, NEW_SECRET)).send(text);
    expect(form.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('records each delivery in the audit log, never its body', async () => {
    const payload = incidentWebhookPayload('incident.acknowledged', seed.acked, { eventId: 'audited-1' });
    await deliver(backend, payload);
    await deliver(backend, payload);
    const events = await eventually(async () => {
      const res = await request(backend.server).get('/api/audit/events?action=pagerduty.webhook.receive').expect(200);
      const mine = res.body.items.filter((e: { resourceRef: string }) => e.resourceRef === 'audited-1');
      expect(mine).toHaveLength(2);
      return mine;
    });
    expect(events.map((e: { meta: Record<string, unknown> }) => e.meta).sort((a: Record<string, unknown>) => (a.duplicate ? 1 : -1))).toEqual([
      { account: 'default', eventType: 'incident.acknowledged' },
      { account: 'default', eventType: 'incident.acknowledged', duplicate: true },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Slow refunds/);
  });
});

describe('POST /api/pagerduty/webhooks without a webhook secret', () => {
  it('answers 503 and processes nothing', async () => {
    const fake = await new FakePagerDuty().start();
    const backend = await startPagerDutyBackend(fake);
    try {
      const payload = { event: { id: 'x', event_type: 'incident.triggered', data: {} } };
      const res = await deliver(backend, payload, signWebhook(JSON.stringify(payload), 'anything'));
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/webhooks are not configured: set webhookSecrets/);
      expect(fake.requests).toEqual([]);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
