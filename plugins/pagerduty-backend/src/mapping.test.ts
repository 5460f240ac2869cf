import request from 'supertest';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from './__testUtils__/FakePagerDuty';
import { INTEGRATION_KEY, seedPagerDuty } from './__testUtils__/seedPagerDuty';
import { component, startPagerDutyBackend } from './__testUtils__/startPagerDutyBackend';

describe('the services page: mapping unmapped PagerDuty services to entities', () => {
  const fake = new FakePagerDuty();
  let backend: Awaited<ReturnType<typeof startPagerDutyBackend>>;
  let seed: ReturnType<typeof seedPagerDuty>;
  let billing: { id: string };
  let orphan: { id: string };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    billing = fake.addService({ name: 'Billing API', policyId: seed.policy.id });
    orphan = fake.addService({ name: 'orphan', policyId: seed.policy.id });
    backend = await startPagerDutyBackend(fake, {
      entities: [
        component('payments', { 'pagerduty.com/service-id': seed.payments.id }),
        component('billing-api'),
        component('plain'),
        component('search-ui', { 'pagerduty.com/integration-key': INTEGRATION_KEY }),
      ],
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(4));
  });
  afterAll(async () => {
    await backend.cleanup();
    await fake.stop();
  });

  it('lists the services with their mapping, suggesting a component of the same name for unmapped ones', async () => {
    const res = await request(backend.server).get('/api/pagerduty/services').expect(200);
    expect(res.body.account).toBe('default');
    const byName = Object.fromEntries(res.body.items.map((i: { name: string }) => [i.name, i]));
    expect(byName.payments).toMatchObject({ id: seed.payments.id, mapping: { entityRef: 'component:default/payments', via: 'annotation', annotation: 'pagerduty.com/service-id' }, suggestion: null });
    // An entity annotated with one of the service's integration keys maps it too.
    expect(byName.search).toMatchObject({ id: seed.search.id, mapping: { entityRef: 'component:default/search-ui', via: 'annotation', annotation: 'pagerduty.com/integration-key' }, suggestion: null });
    expect(byName['Billing API']).toMatchObject({ id: billing.id, mapping: null, suggestion: 'component:default/billing-api' });
    expect(byName.orphan).toMatchObject({ mapping: null, suggestion: null });
    // The key cannot read `secret`: PagerDuty leaves it out of the list.
    expect(byName.secret).toBeUndefined();
  });

  it('saves a choice, shows the service on that entity, and forgets it again', async () => {
    await request(backend.server).get('/api/pagerduty/entities/component/default/billing-api/summary').expect(404);
    const saved = await request(backend.server).put(`/api/pagerduty/services/default/${billing.id}/mapping`).send({ entityRef: 'component:default/billing-api' }).expect(200);
    expect(saved.body).toMatchObject({ account: 'default', serviceId: billing.id, entityRef: 'component:default/billing-api', mappedBy: expect.stringMatching(/^user:/) });
    const list = await request(backend.server).get('/api/pagerduty/services').expect(200);
    expect(list.body.items.find((i: { id: string }) => i.id === billing.id)).toMatchObject({ mapping: { entityRef: 'component:default/billing-api', via: 'saved' }, suggestion: null });
    const summary = await request(backend.server).get('/api/pagerduty/entities/component/default/billing-api/summary').expect(200);
    expect(summary.body.service).toMatchObject({ id: billing.id, name: 'Billing API' });

    await request(backend.server).delete(`/api/pagerduty/services/default/${billing.id}/mapping`).expect(204);
    await request(backend.server).delete(`/api/pagerduty/services/default/${billing.id}/mapping`).expect(404);
    // the entity keeps the saved mapping's annotation until the catalog, told by the mapping's event, refreshes it
    await eventually(async () => {
      const gone = await request(backend.server).get('/api/pagerduty/entities/component/default/billing-api/summary').expect(404);
      expect(gone.body.error.message).toMatch(/has no pagerduty.com\/service-id/);
    });
  });

  it('refuses a mapping to a service or entity that does not exist, or a malformed ref', async () => {
    const noService = await request(backend.server).put('/api/pagerduty/services/default/PNOSUCH/mapping').send({ entityRef: 'component:default/plain' }).expect(404);
    expect(noService.body.error.message).toMatch(/service PNOSUCH/);
    const noEntity = await request(backend.server).put(`/api/pagerduty/services/default/${orphan.id}/mapping`).send({ entityRef: 'component:default/nobody' }).expect(404);
    expect(noEntity.body.error.message).toBe('No entity component:default/nobody in the catalog');
    await request(backend.server).put(`/api/pagerduty/services/default/${orphan.id}/mapping`).send({ entityRef: 'nobody' }).expect(400);
    await request(backend.server).put(`/api/pagerduty/services/nowhere/${orphan.id}/mapping`).send({ entityRef: 'component:default/plain' }).expect(404);
    await request(backend.server).get('/api/pagerduty/services?account=nowhere').expect(404);
  });

  it('declares the permissions of the services page in the OpenAPI document', async () => {
    const doc = (await request(backend.server).get('/api/pagerduty/openapi.json').expect(200)).body;
    expect(doc.paths['/services'].get['x-portico-permission']).toMatchObject({ name: 'pagerduty.services.read' });
    expect(doc.paths['/services/{account}/{serviceId}/mapping'].put['x-portico-permission']).toMatchObject({ name: 'pagerduty.mapping.update' });
    expect(doc.paths['/services/{account}/{serviceId}/mapping'].delete['x-portico-permission']).toMatchObject({ name: 'pagerduty.mapping.update' });
  });
});
