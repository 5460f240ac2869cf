import request from 'supertest';
import { createBackendPlugin } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { scorecardsFactCollectorsExtensionPoint, type FactCollector } from '@portico/plugin-scorecards-node';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from './__testUtils__/FakePagerDuty';
import { seedPagerDuty } from './__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from './__testUtils__/startPagerDutyBackend';

/** A stand-in scorecards plugin that keeps the collectors the PagerDuty module gives it. */
const scorecardsStandIn = (collectors: FactCollector[]) =>
  createBackendPlugin({
    pluginId: 'scorecards',
    register(env) {
      env.registerExtensionPoint(scorecardsFactCollectorsExtensionPoint, {
        addFactCollector: collector => void collectors.push(collector),
        collectNow: async () => {
          throw new Error('not in this test');
        },
      });
      env.registerInit({ deps: {}, init() {} });
    },
  });

describe('a mapping saved on the services page becomes the entity\'s annotation', () => {
  const fake = new FakePagerDuty();
  const collectors: FactCollector[] = [];
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  let billing: { id: string };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    billing = fake.addService({ name: 'Billing API', policyId: seed.policy.id });
    fake.addIncident({ serviceId: billing.id, title: 'Invoices late', status: 'triggered', urgency: 'high', createdAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), assignees: [seed.alice.id] });
    backend = await startPagerDutyBackend(fake, {
      entities: [component('billing-api'), component('payments', { 'pagerduty.com/service-id': seed.payments.id })],
      features: [scorecardsStandIn(collectors)],
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(2));
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });

  const entity = async (name: string): Promise<Entity> => (await request(backend.server).get(`/api/catalog/entities/by-name/component/default/${name}`).expect(200)).body;

  it('annotates the entity within seconds, so the summary answers and the fact collector collects for it; unmapping removes it', async () => {
    expect((await entity('billing-api')).metadata.annotations ?? {}).not.toHaveProperty('pagerduty.com/service-id');
    await request(backend.server).put(`/api/pagerduty/services/default/${billing.id}/mapping`).send({ entityRef: 'component:default/billing-api' }).expect(200);
    const mapped = await eventually(async () => {
      const e = await entity('billing-api');
      expect(e.metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': billing.id, 'pagerduty.com/saved-mapping': 'true' });
      return e;
    });
    // The default account is not named.
    expect(mapped.metadata.annotations).not.toHaveProperty('pagerduty.com/account');
    // Every reader of the annotation sees it: the catalog's filters, the summary route, the fact collector.
    const filtered = await request(backend.server).get(`/api/catalog/entities?filter=metadata.annotations.pagerduty.com/service-id=${billing.id}`).expect(200);
    expect(filtered.body.map((e: Entity) => e.metadata.name)).toEqual(['billing-api']);
    const summary = await request(backend.server).get('/api/pagerduty/entities/component/default/billing-api/summary').expect(200);
    expect(summary.body.service).toMatchObject({ id: billing.id, name: 'Billing API' });
    const [collector] = collectors;
    const facts = await collector.collect([mapped], {});
    expect(facts).toEqual([expect.objectContaining({ entityRef: 'component:default/billing-api', facts: expect.objectContaining({ 'pagerduty.hasService': true, 'pagerduty.openIncidents.high': 1 }) })]);
    // The services page still shows it as a saved mapping (it can be forgotten there).
    const list = await request(backend.server).get('/api/pagerduty/services').expect(200);
    expect(list.body.items.find((i: { id: string }) => i.id === billing.id)).toMatchObject({ mapping: { entityRef: 'component:default/billing-api', via: 'saved' } });

    await request(backend.server).delete(`/api/pagerduty/services/default/${billing.id}/mapping`).expect(204);
    // the catalog hears of it through the mapping's event, after the DELETE answered
    const unmapped = await eventually(async () => {
      const e = await entity('billing-api');
      expect(e.metadata.annotations ?? {}).not.toHaveProperty('pagerduty.com/service-id');
      expect(e.metadata.annotations ?? {}).not.toHaveProperty('pagerduty.com/saved-mapping');
      await request(backend.server).get('/api/pagerduty/entities/component/default/billing-api/summary').expect(404);
      return e;
    });
    expect(await collector.collect([unmapped], {})).toEqual([]);
  });

  it('moves the annotation when a service is mapped to another entity', async () => {
    const other = fake.addService({ name: 'other', policyId: seed.policy.id });
    await request(backend.server).put(`/api/pagerduty/services/default/${other.id}/mapping`).send({ entityRef: 'component:default/billing-api' }).expect(200);
    await eventually(async () => expect((await entity('billing-api')).metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': other.id }));
    await request(backend.server).put(`/api/pagerduty/services/default/${other.id}/mapping`).send({ entityRef: 'component:default/payments' }).expect(200);
    await eventually(async () => expect((await entity('billing-api')).metadata.annotations ?? {}).not.toHaveProperty('pagerduty.com/service-id'));
    await request(backend.server).delete(`/api/pagerduty/services/default/${other.id}/mapping`).expect(204);
  });

  it('keeps the service an entity\'s own YAML names, and the services page shows that service as mapped by annotation', async () => {
    await request(backend.server).put(`/api/pagerduty/services/default/${billing.id}/mapping`).send({ entityRef: 'component:default/payments' }).expect(200);
    await request(backend.server).post('/api/catalog/refresh').send({ entityRef: 'component:default/payments' }).expect(200);
    const payments = await entity('payments');
    expect(payments.metadata.annotations).toMatchObject({ 'pagerduty.com/service-id': seed.payments.id });
    expect(payments.metadata.annotations).not.toHaveProperty('pagerduty.com/saved-mapping');
    const list = await request(backend.server).get('/api/pagerduty/services').expect(200);
    expect(list.body.items.find((i: { id: string }) => i.id === seed.payments.id)).toMatchObject({ mapping: { entityRef: 'component:default/payments', via: 'annotation' } });
    const summary = await request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(200);
    expect(summary.body.service.id).toBe(seed.payments.id);
    await request(backend.server).delete(`/api/pagerduty/services/default/${billing.id}/mapping`).expect(204);
  });

  it('lists every saved mapping through GET /mappings, for the catalog module', async () => {
    await request(backend.server).put(`/api/pagerduty/services/default/${billing.id}/mapping`).send({ entityRef: 'component:default/billing-api' }).expect(200);
    const res = await request(backend.server).get('/api/pagerduty/mappings').expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ account: 'default', serviceId: billing.id, entityRef: 'component:default/billing-api' })]);
    await request(backend.server).delete(`/api/pagerduty/services/default/${billing.id}/mapping`).expect(204);
  });
});
