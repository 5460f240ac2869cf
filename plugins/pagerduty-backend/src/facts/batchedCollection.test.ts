import type { Entity } from '@portico/catalog-model';
import { MockLogger } from '@portico/test-utils';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { memoryCache } from '../__testUtils__/memoryCache';
import { seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { pagerdutyIntegrationsConfigSchema } from '../integration/config';
import { PagerDutyClients } from '../integration/PagerDutyClients';
import { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { createPagerDutyFactCollector } from './PagerDutyFactCollector';

describe('collecting the facts of many services in batches', () => {
  const fake = new FakePagerDuty();
  let seed: ReturnType<typeof seedPagerDuty>;
  const entities: Entity[] = [];

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    const quiet = fake.addEscalationPolicy({ name: 'Quiet escalation', levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: seed.carol.id }] }] });
    const annotate = (name: string, id: string) => entities.push({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, annotations: { 'pagerduty.com/service-id': id } }, spec: {} });
    annotate('payments', seed.payments.id);
    annotate('search', seed.search.id);
    annotate('ghost', 'PGHOST99');
    // Open for 40 days: PagerDuty leaves it out of a GET /incidents without date_range=all (one month by default).
    const aged = fake.addService({ name: 'aged', policyId: quiet.id });
    fake.addIncident({ serviceId: aged.id, title: 'Open for 40 days', status: 'triggered', urgency: 'high', createdAt: new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), assignees: [] });
    annotate('aged', aged.id);
    for (let i = 0; i < 60; i++) {
      const service = fake.addService({ name: `svc-${i}`, policyId: i % 2 ? seed.policy.id : quiet.id });
      if (i % 7 === 0) fake.addIncident({ serviceId: service.id, title: `Down ${i}`, status: i % 14 ? 'triggered' : 'resolved', urgency: i % 3 ? 'high' : 'low', createdAt: `2026-11-${String(10 + (i % 15)).padStart(2, '0')}T10:00:00Z`, assignees: [] });
      if (i % 5 === 0) fake.setMetrics(service.id, { totalIncidents: i, meanSecondsToResolve: 600 + i, meanSecondsToFirstAck: 60 + i, highUrgency: 1 });
      annotate(`svc-${i}`, service.id);
    }
  });
  afterAll(() => fake.stop());

  const collect = async (batchFrom: number) => {
    const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key' }]));
    const cache = memoryCache();
    const collector = createPagerDutyFactCollector({ service: new PagerDutyEntityService({ clients, cache }), clients, cache, logger: new MockLogger(), batchFrom });
    const before = fake.requests.length;
    const facts = await collector.collect(entities, {});
    return { facts: Object.fromEntries(facts.map(f => [f.entityRef, f.facts])), requests: fake.requests.length - before };
  };

  it('gives every entity the facts it gets service by service, with a fraction of the requests', async () => {
    const one = await collect(Infinity);
    const batched = await collect(1);
    expect(batched.facts).toEqual(one.facts);
    expect(Object.keys(batched.facts)).toHaveLength(64);
    expect(batched.facts['component:default/aged']).toMatchObject({ 'pagerduty.openIncidents.high': 1, 'pagerduty.openIncidents.low': 0 });
    expect(batched.facts['component:default/ghost']).toEqual({ 'pagerduty.hasService': false });
    expect(batched.facts['component:default/payments']).toMatchObject({ 'pagerduty.escalationLevels': 2, 'pagerduty.onCallCountLevel1': 2, 'pagerduty.openIncidents.high': 1, 'pagerduty.incidents30d': 7 });
    expect(batched.facts['component:default/svc-7']).toMatchObject({ 'pagerduty.openIncidents.high': 1, 'pagerduty.lastIncidentAt': '2026-11-17T10:00:00.000Z' });
    expect(batched.facts['component:default/svc-1']).not.toHaveProperty('pagerduty.lastIncidentAt');
    // About four requests a service one by one; a handful of listings and the services the listings did not cover.
    expect(one.requests).toBeGreaterThan(150);
    expect(batched.requests).toBeLessThan(one.requests / 4);
  });
});
