import request from 'supertest';
import type { InsightsSource } from '@portico/plugin-insights-node';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty, type FakeIncident } from '../__testUtils__/FakePagerDuty';
import { incidentWebhookPayload, signWebhook } from '../__testUtils__/pagerdutyWebhooks';
import { MemoryCheckpoint, RecordingSink, recordingInsights } from '@portico/plugin-insights-node';
import { INTEGRATION_KEY, seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from '../__testUtils__/startPagerDutyBackend';

const SECRET = 'insights-webhook-secret';
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the pagerduty insights source', () => {
  const fake = new FakePagerDuty();
  const insights = recordingInsights();
  const now = Date.now();
  const since = new Date(now - 200 * DAY);
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  let source: InsightsSource;
  let billing: { id: string };
  let olderResolved: FakeIncident;
  let ancient: FakeIncident;
  let billingIncident: FakeIncident;

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake, now);
    billing = fake.addService({ name: 'Billing API', policyId: seed.policy.id });
    olderResolved = fake.addIncident({ serviceId: seed.payments.id, title: 'Spring outage', status: 'resolved', urgency: 'high', priority: 'P1', createdAt: at(now - 120 * DAY), resolvedAt: at(now - 120 * DAY + 3 * 3_600_000), assignees: [] });
    ancient = fake.addIncident({ serviceId: seed.payments.id, title: 'Before the window', status: 'resolved', urgency: 'low', createdAt: at(now - 250 * DAY), resolvedAt: at(now - 250 * DAY + 60_000), assignees: [] });
    billingIncident = fake.addIncident({ serviceId: billing.id, title: 'Invoices late', status: 'resolved', urgency: 'low', createdAt: at(now - 10 * DAY), resolvedAt: at(now - 10 * DAY + 1_800_000), assignees: [] });
    backend = await startPagerDutyBackend(fake, {
      features: [insights.plugin],
      accounts: [{ id: 'default', apiBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, webhookSecrets: [SECRET] }],
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('payments-api', { 'pagerduty.com/service-id': seed.payments.id }),
        component('search-ui', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
        component('billing-api'),
        component('plain'),
      ],
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(5));
    // billing-api is mapped on the services page only: the catalog gives it the annotation, and the source its incidents.
    await request(backend.server).put(`/api/pagerduty/services/default/${billing.id}/mapping`).send({ entityRef: 'component:default/billing-api' }).expect(200);
    await eventually(async () => {
      const entity = (await request(backend.server).get('/api/catalog/entities/by-name/component/default/billing-api').expect(200)).body;
      expect(entity.metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': billing.id });
    });
    expect(insights.sources.map(s => s.id)).toEqual(['pagerduty']);
    source = insights.sources[0];
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });

  it('backfills the incidents of every mapped service since the window start, in windows PagerDuty accepts', async () => {
    const sink = new RecordingSink();
    const before = fake.requests.length;
    await source.backfill!({ sink, since, checkpoint: new MemoryCheckpoint() });
    const stored = sink.incidentsById();
    expect(stored[seed.open.id]).toEqual({ id: seed.open.id, entityRef: 'component:default/payments', openedAt: seed.open.createdAt, resolvedAt: null, severity: 'high', source: 'pagerduty' });
    // A service mapped to two entities counts its incidents for both.
    expect(stored[`${seed.open.id}:component:default/payments-api`]).toMatchObject({ entityRef: 'component:default/payments-api', openedAt: seed.open.createdAt });
    expect(stored[seed.acked.id]).toMatchObject({ resolvedAt: null, severity: 'low' });
    // The priority's name where there is one; resolved at resolved_at.
    expect(stored[olderResolved.id]).toMatchObject({ openedAt: olderResolved.createdAt, resolvedAt: olderResolved.resolvedAt, severity: 'P1' });
    expect(stored[billingIncident.id]).toMatchObject({ entityRef: 'component:default/billing-api', resolvedAt: billingIncident.resolvedAt });
    const searchIncident = fake.incidents.find(i => i.serviceId === seed.search.id)!;
    expect(stored[searchIncident.id]).toMatchObject({ entityRef: 'component:default/search-ui' });
    expect(stored[ancient.id]).toBeUndefined();
    // The service the key may not read, and an unmapped one, are not asked for.
    const reads = fake.requests.slice(before).filter(r => r.path === '/incidents');
    expect(new Set(reads.map(r => r.query['service_ids[]']))).toEqual(new Set([seed.payments.id, seed.search.id, billing.id]));
    for (const read of reads) {
      expect(Date.parse(String(read.query.until)) - Date.parse(String(read.query.since))).toBeLessThanOrEqual(90 * DAY);
      expect(read.query['statuses[]']).toEqual(['triggered', 'acknowledged', 'resolved']);
    }
    expect(Math.min(...reads.map(r => Date.parse(String(r.query.since))))).toBe(since.getTime());
  });

  it('resumes after a failure midway from each service\'s checkpoint, counting nothing twice', async () => {
    const sink = new RecordingSink();
    const checkpoint = new MemoryCheckpoint();
    fake.failNext({ path: /^\/incidents$/, query: new RegExp(`service_ids\\[\\]=${seed.search.id}`), status: 500 });
    await expect(source.backfill!({ sink, since, checkpoint })).rejects.toThrow(new RegExp(`failed for 1 of 3 services: default/${seed.search.id}: PagerDuty answered 500`));
    // The other services were read to the end; the failed one has no checkpoint yet.
    expect(sink.incidentsById()[billingIncident.id]).toBeDefined();
    expect(checkpoint.values.has(`service:default/${seed.search.id}`)).toBe(false);
    expect(JSON.parse(checkpoint.values.get(`service:default/${seed.payments.id}`)!)).toMatchObject({ openSince: new Date(seed.acked.createdAt).toISOString() });

    const before = fake.requests.length;
    const writesBefore = sink.writes.length;
    await source.backfill!({ sink, since, checkpoint });
    const reads = fake.requests.slice(before).filter(r => r.path === '/incidents');
    // payments is read again only from its oldest open incident (to catch its resolution); billing only since the last run.
    const paymentsReads = reads.filter(r => r.query['service_ids[]'] === seed.payments.id);
    expect(paymentsReads.map(r => r.query.since)).toEqual([new Date(seed.acked.createdAt).toISOString()]);
    expect(reads.filter(r => r.query['service_ids[]'] === seed.search.id).length).toBe(3);
    const searchIncident = fake.incidents.find(i => i.serviceId === seed.search.id)!;
    expect(sink.incidentsById()[searchIncident.id]).toBeDefined();
    // Only the failed service's incident is new; what was read again is a duplicate.
    expect(sink.writes.slice(writesBefore).filter(w => !w.duplicate).map(w => w.id)).toEqual([searchIncident.id]);
  });

  it('writes triggered and resolved incidents from the webhook events', async () => {
    const deliver = (payload: unknown) => {
      const body = JSON.stringify(payload);
      return request(backend.server).post('/api/pagerduty/webhooks').set('content-type', 'application/json').set('x-pagerduty-signature', signWebhook(body, SECRET)).send(body).expect(202);
    };
    const incident = fake.addIncident({ serviceId: billing.id, title: 'Checkout down', status: 'triggered', urgency: 'high', createdAt: at(Date.now() - 60_000), assignees: [] });
    await deliver(incidentWebhookPayload('incident.triggered', incident));
    await eventually(async () => expect(insights.sink.incidentsById()[incident.id]).toEqual({ id: incident.id, entityRef: 'component:default/billing-api', openedAt: incident.createdAt, resolvedAt: null, severity: 'high', source: 'pagerduty' }));
    // Acknowledging changes nothing insights counts.
    const writes = insights.sink.writes.length;
    incident.status = 'acknowledged';
    await deliver(incidentWebhookPayload('incident.acknowledged', incident));
    incident.status = 'resolved';
    incident.resolvedAt = at(Date.now());
    await deliver(incidentWebhookPayload('incident.resolved', incident));
    await eventually(async () => expect(insights.sink.incidentsById()[incident.id]).toMatchObject({ resolvedAt: incident.resolvedAt }));
    expect(insights.sink.writes.slice(writes).map(w => w.id)).toEqual([incident.id]);
  });
});

describe('the pagerduty insights module without the insights plugin', () => {
  it('is skipped with a log line, and the rest of the package starts', async () => {
    const fake = await new FakePagerDuty().start();
    const backend = await startPagerDutyBackend(fake, { entities: [component('plain')] });
    try {
      expect(backend.logger?.lines.some(l => /Skipping .*pagerduty.*: plugin 'insights' is not installed/.test(l.message))).toBe(true);
      await request(backend.server).get('/api/pagerduty/mappings').expect(200);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
