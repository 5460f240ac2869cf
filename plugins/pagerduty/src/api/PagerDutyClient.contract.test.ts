import { ResponseError } from '@portico/errors';
import { eventually } from '@portico/test-utils';
import { pagerdutyEntitySummarySchema, pagerdutyServiceListSchema, pagerdutyTriggeredIncidentSchema } from '@portico/plugin-pagerduty-common';
// The backend's own fake PagerDuty and fixture, so the client and the routes it calls cannot drift apart.
import { FakePagerDuty } from '../../../pagerduty-backend/src/__testUtils__/FakePagerDuty';
import { seedPagerDuty } from '../../../pagerduty-backend/src/__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from '../../../pagerduty-backend/src/__testUtils__/startPagerDutyBackend';
import { PagerDutyClient } from './PagerDutyClient';

describe('PagerDutyClient against the PagerDuty backend and a fake PagerDuty', () => {
  const fake = new FakePagerDuty();
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  let client: PagerDutyClient;
  let billing: { id: string };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    billing = fake.addService({ name: 'Billing API', policyId: seed.policy.id });
    backend = await startPagerDutyBackend(fake, {
      entities: [component('payments', { 'pagerduty.com/service-id': seed.payments.id }), component('billing-api'), component('secret', { 'pagerduty.com/service-id': seed.secret.id })],
    });
    client = new PagerDutyClient({ discoveryApi: { getBaseUrl: async id => `${backend.url}/api/${id}` } });
    await eventually(async () => expect((await client.getEntitySummary({ kind: 'Component', namespace: 'default', name: 'payments' })).service.id).toBe(seed.payments.id));
  });
  afterAll(async () => {
    await backend?.cleanup();
    await fake.stop();
  });
  beforeEach(() => {
    fake.delayMs = 0;
  });

  it('reads an entity\'s summary in the shape the card and the tab use', async () => {
    const summary = pagerdutyEntitySummarySchema.parse(await client.getEntitySummary({ kind: 'Component', namespace: 'default', name: 'payments' }));
    expect(summary.escalationPolicy?.levels.map(l => l.level)).toEqual([1, 2]);
    expect(summary.openIncidents.map(i => i.title)).toEqual(['Card payments failing', 'Slow refunds']);
    expect(summary.analytics).toMatchObject({ meanSecondsToResolve: 5400, meanSecondsToFirstAck: 240 });
  });

  it('lists services, maps one and unmaps it again', async () => {
    const before = pagerdutyServiceListSchema.parse(await client.listServices());
    expect(before.items.find(i => i.id === billing.id)).toMatchObject({ mapping: null, suggestion: 'component:default/billing-api' });
    await client.mapService({ account: 'default', serviceId: billing.id, entityRef: 'component:default/billing-api' });
    expect((await client.listServices({ account: 'default' })).items.find(i => i.id === billing.id)?.mapping).toMatchObject({ entityRef: 'component:default/billing-api', via: 'saved' });
    await client.unmapService({ account: 'default', serviceId: billing.id });
    expect((await client.listServices()).items.find(i => i.id === billing.id)?.mapping).toBeNull();
  });

  it('triggers an incident, and gets the 400 the dialog shows for a blank title', async () => {
    const payments = { kind: 'Component', namespace: 'default', name: 'payments' };
    const blank = await client.triggerIncident(payments, { title: '  ', urgency: 'high' }).catch(e => e);
    expect(blank).toBeInstanceOf(ResponseError);
    expect(blank.statusCode).toBe(400);
    expect(blank.body.message).toBe('An incident needs a title: it is what the person paged reads first');
    // The guest has no email in the catalog: the trigger goes through the service's Events API v2 integration.
    fake.services.get(seed.payments.id)!.integrationKeys.push('c'.repeat(32));
    const triggered = pagerdutyTriggeredIncidentSchema.parse(await client.triggerIncident(payments, { title: 'Checkout down', urgency: 'low', description: 'All of it' }));
    expect(triggered).toMatchObject({ method: 'events', account: 'default', serviceId: seed.payments.id });
    expect(fake.incidents.at(-1)).toMatchObject({ title: 'Checkout down', urgency: 'low', serviceId: seed.payments.id });
  });

  it('gets the statuses and messages the error panel reads: 503 for PagerDuty down, 403 for a key without access', async () => {
    const secret = { kind: 'Component', namespace: 'default', name: 'secret' };
    fake.delayMs = 2000;
    const down = await client.getEntitySummary(secret).catch(e => e);
    expect(down).toBeInstanceOf(ResponseError);
    expect(down.statusCode).toBe(503);
    expect(down.body.message).toMatch(/PagerDuty is unreachable for account 'default'/);

    fake.delayMs = 0;
    const denied = await client.getEntitySummary(secret).catch(e => e);
    expect(denied.statusCode).toBe(403);
    expect(denied.body.message).toMatch(/API key of PagerDuty account 'default' has no access/);
  });
});
