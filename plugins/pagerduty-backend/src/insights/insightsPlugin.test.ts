import request from 'supertest';
import { insightsPlugin } from '@portico/plugin-insights-backend';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { incidentWebhookPayload, signWebhook } from '../__testUtils__/pagerdutyWebhooks';
import { component, startPagerDutyBackend } from '../__testUtils__/startPagerDutyBackend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'insights-plugin-secret';
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the PagerDuty source through the real insights plugin', () => {
  const fake = new FakePagerDuty();
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let serviceId: string;

  beforeAll(async () => {
    await fake.start();
    const policy = fake.addEscalationPolicy({ name: 'Checkout', levels: [] });
    serviceId = fake.addService({ name: 'checkout', policyId: policy.id }).id;
    // Restored in 2 and 4 hours.
    fake.addIncident({ serviceId, title: 'Payments down', status: 'resolved', urgency: 'high', createdAt: at(5 * DAY), resolvedAt: at(5 * DAY - 2 * HOUR), assignees: [] });
    fake.addIncident({ serviceId, title: 'Cart errors', status: 'resolved', urgency: 'high', createdAt: at(3 * DAY), resolvedAt: at(3 * DAY - 4 * HOUR), assignees: [] });
    backend = await startPagerDutyBackend(fake, {
      manualSchedulers: true,
      features: [insightsPlugin],
      accounts: [{ id: 'default', apiBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, webhookSecrets: [SECRET] }],
      entities: [component('checkout', { 'pagerduty.com/service-id': serviceId })],
    });
    await eventually(async () => (await request(backend.server).get('/api/catalog/entities/by-name/component/default/checkout').expect(200)).body);
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });

  const timeToRestore = async () =>
    ((await request(backend.server).get('/api/insights/metrics').query({ entityRef: 'component:default/checkout', metric: 'timeToRestore', interval: 'week' }).expect(200)).body as {
      metrics: Array<{ id: string; sampleSize: number }>;
    }).metrics.find(m => m.id === 'timeToRestore')!;

  it('backfills through the scheduled task, and the incidents count for time to restore', async () => {
    await backend.schedulers.triggerTask('source:pagerduty:backfill');
    expect(await timeToRestore()).toMatchObject({ sampleSize: 2 });
    const events = await request(backend.server).get('/api/insights/events').query({ entityRef: 'component:default/checkout', metric: 'timeToRestore' }).expect(200);
    expect((events.body.items as Array<{ source: string }>).map(i => i.source)).toEqual(['pagerduty', 'pagerduty']);
    // A second run writes nothing new.
    await backend.schedulers.triggerTask('source:pagerduty:backfill');
    expect(await timeToRestore()).toMatchObject({ sampleSize: 2 });
  });

  it('counts an incident a webhook reports resolved', async () => {
    const incident = fake.addIncident({ serviceId, title: 'Search slow', status: 'resolved', urgency: 'low', createdAt: at(2 * HOUR), resolvedAt: at(HOUR), assignees: [] });
    const body = JSON.stringify(incidentWebhookPayload('incident.resolved', incident));
    await request(backend.server).post('/api/pagerduty/webhooks').set('content-type', 'application/json').set('x-pagerduty-signature', signWebhook(body, SECRET)).send(body).expect(202);
    await eventually(async () => expect(await timeToRestore()).toMatchObject({ sampleSize: 3 }));
  });
});
