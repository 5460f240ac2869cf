import type { Entity } from '@portico/catalog-model';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { memoryCache } from '../__testUtils__/memoryCache';
import { runAction } from '../__testUtils__/runAction';
import { INTEGRATION_KEY, seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { pagerdutyIntegrationsConfigSchema } from '../integration/config';
import { PagerDutyClients } from '../integration/PagerDutyClients';
import { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { PagerDutyIncidentService } from '../service/PagerDutyIncidentService';
import { PagerDutyServiceCreator } from '../service/PagerDutyServiceCreator';
import { createChangeEventAction, createIncidentAction, createServiceAction } from './pagerdutyActions';

describe('PagerDuty scaffolder actions', () => {
  const fake = new FakePagerDuty();
  let seed: ReturnType<typeof seedPagerDuty>;
  let clients: PagerDutyClients;
  const entities = new Map<string, Entity>();
  const readEntity = async (ref: string) => entities.get(ref);
  const component = (name: string, annotations: Record<string, string>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, annotations }, spec: {} });

  const actions = () => {
    const incidents = new PagerDutyIncidentService(new PagerDutyEntityService({ clients, cache: memoryCache() }));
    return { incident: createIncidentAction(incidents, readEntity), service: createServiceAction(new PagerDutyServiceCreator(clients)), change: createChangeEventAction(incidents, readEntity) };
  };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
    clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, eventsBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500 }]));
    entities.set('component:default/payments', component('payments', { 'pagerduty.com/service-id': seed.payments.id }));
    entities.set('component:default/search', component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }));
    entities.set('component:default/plain', component('plain', {}));
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.tokens = ['good-key'];
    fake.readOnlyTokens.clear();
  });

  describe('pagerduty:incident:create', () => {
    it('triggers through the Events API v2 with the entity\'s integration key, urgency as severity', async () => {
      const before = fake.incidents.length;
      const { outputs } = await runAction(actions().incident, { entityRef: 'component:default/search', title: '  Index lag  ', urgency: 'high', description: 'Searches are 10 minutes behind' });
      expect(outputs).toMatchObject({ method: 'events', account: 'default', dedupKey: expect.any(String) });
      const event = fake.events.at(-1)!;
      expect(event.path).toBe('/v2/enqueue');
      expect(event.body).toMatchObject({
        routing_key: INTEGRATION_KEY,
        event_action: 'trigger',
        payload: { summary: 'Index lag', severity: 'critical', source: 'portico', custom_details: { description: 'Searches are 10 minutes behind', entity: 'component:default/search', 'triggered by': 'user:default/guest' } },
      });
      expect(fake.incidents.slice(before)).toEqual([expect.objectContaining({ serviceId: seed.search.id, title: 'Index lag', urgency: 'high', status: 'triggered' })]);
    });

    it('creates through REST POST /incidents as the user named by `from`, with the urgency as chosen', async () => {
      const { outputs } = await runAction(actions().incident, { serviceId: seed.payments.id, title: 'Refunds failing', urgency: 'low', from: seed.alice.email, description: 'All refunds answer 500' });
      const created = fake.incidents.at(-1)!;
      expect(created).toMatchObject({ serviceId: seed.payments.id, title: 'Refunds failing', urgency: 'low' });
      expect(created.description).toContain('All refunds answer 500');
      expect(outputs).toEqual({ method: 'rest', account: 'default', serviceId: seed.payments.id, incidentId: created.id, incidentNumber: created.number, incidentUrl: `https://acme.pagerduty.com/incidents/${created.id}` });
      const sent = fake.requestsTo('/incidents').filter(r => r.method === 'POST').at(-1)!;
      expect(sent.headers.from).toBe(seed.alice.email);
    });

    it('refuses a blank title before sending anything', async () => {
      const sent = fake.requests.length;
      await expect(runAction(actions().incident, { entityRef: 'component:default/search', title: '   ' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/needs a title/) });
      expect(fake.requests.length).toBe(sent);
    });

    it('says what to do when the service has no integration key and no `from` is given', async () => {
      await expect(runAction(actions().incident, { entityRef: 'component:default/payments', title: 'Down' })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(new RegExp(`service ${seed.payments.id} of account 'default' has no Events API v2 integration key.*from: their email`)),
      });
    });

    it('refuses an entity without a PagerDuty annotation, and input naming no service or two', async () => {
      await expect(runAction(actions().incident, { entityRef: 'component:default/plain', title: 'Down' })).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringMatching(/has no pagerduty.com\/service-id/) });
      await expect(runAction(actions().incident, { title: 'Down' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/exactly one of entityRef, serviceId or integrationKey/) });
      await expect(runAction(actions().incident, { serviceId: seed.payments.id, integrationKey: INTEGRATION_KEY, title: 'Down' })).rejects.toMatchObject({ name: 'InputError' });
    });

    it('names PagerDuty\'s reason when it refuses: a read-only key, an unknown user', async () => {
      fake.readOnlyTokens.add('good-key');
      await expect(runAction(actions().incident, { serviceId: seed.payments.id, title: 'Down', from: seed.alice.email })).rejects.toMatchObject({
        statusCode: 403,
        message: expect.stringMatching(/is not allowed creating an incident on service .* \(a read-only key cannot write\)/),
      });
      fake.readOnlyTokens.clear();
      await expect(runAction(actions().incident, { serviceId: seed.payments.id, title: 'Down', from: 'nobody@acme.example' })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/PagerDuty rejected an incident on service .*nobody@acme.example is not a user/),
      });
    });

    it('does not page twice when a resumed run repeats the step', async () => {
      const checkpoints = new Map<string, unknown>();
      const before = fake.events.length;
      await runAction(actions().incident, { integrationKey: INTEGRATION_KEY, title: 'Once' }, { checkpoints });
      const again = await runAction(actions().incident, { integrationKey: INTEGRATION_KEY, title: 'Once' }, { checkpoints });
      expect(fake.events.length).toBe(before + 1);
      expect(again.outputs.method).toBe('events');
    });

    it('sends nothing in a dry run', async () => {
      const sent = fake.requests.length;
      const { outputs } = await runAction(actions().incident, { entityRef: 'component:default/search', title: 'Down' }, { dryRun: true });
      expect(outputs).toEqual({ method: 'events', account: 'default' });
      expect(fake.requests.length).toBe(sent);
    });
  });

  describe('pagerduty:service:create', () => {
    it('creates an escalation policy from levels, the service on it and an integration key, and outputs the ids', async () => {
      const { outputs } = await runAction(actions().service, {
        name: 'checkout',
        description: 'The checkout service',
        escalationPolicy: { levels: [{ delayMinutes: 15, targets: [{ type: 'schedule', id: seed.primary }] }, { delayMinutes: 30, targets: [{ type: 'user', id: seed.carol.id }] }] },
        createIntegrationKey: true,
      });
      const service = [...fake.services.values()].find(s => s.name === 'checkout')!;
      const policy = fake.policies.get(service.policyId)!;
      expect(policy).toMatchObject({ name: 'checkout escalation', levels: [{ delayMinutes: 15, targets: [{ type: 'schedule', id: seed.primary }] }, { delayMinutes: 30, targets: [{ type: 'user', id: seed.carol.id }] }] });
      expect(outputs).toEqual({
        serviceId: service.id,
        serviceUrl: `https://acme.pagerduty.com/service-directory/${service.id}`,
        escalationPolicyId: policy.id,
        integrationKey: service.integrationKeys[0],
        account: 'default',
      });
      expect(service.integrationKeys[0]).toHaveLength(32);
    });

    it('uses an existing escalation policy', async () => {
      const { outputs } = await runAction(actions().service, { name: 'ledger', escalationPolicyId: seed.policy.id });
      expect(fake.services.get(outputs.serviceId as string)).toMatchObject({ name: 'ledger', policyId: seed.policy.id });
      expect(outputs.integrationKey).toBeUndefined();
    });

    it('refuses a request without an escalation policy, or with an empty level, before creating anything', async () => {
      const sent = fake.requests.length;
      await expect(runAction(actions().service, { name: 'nopolicy' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/needs an escalation policy/) });
      await expect(runAction(actions().service, { name: 'empty', escalationPolicy: { levels: [{ delayMinutes: 5, targets: [] }] } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/every level at least one/) });
      expect(fake.requests.length).toBe(sent);
    });

    it('says PagerDuty\'s reason for a name that is taken', async () => {
      await expect(runAction(actions().service, { name: 'payments', escalationPolicyId: seed.policy.id })).rejects.toMatchObject({
        name: 'InputError',
        message: "PagerDuty rejected the service 'payments' (PagerDuty: Invalid Input Provided: Name has already been taken)",
      });
    });

    it('creates nothing twice when a resumed run repeats the step', async () => {
      const checkpoints = new Map<string, unknown>();
      const input = { name: 'resumed', escalationPolicy: { levels: [{ delayMinutes: 10, targets: [{ type: 'user', id: seed.alice.id }] }] } };
      const first = await runAction(actions().service, input, { checkpoints });
      const second = await runAction(actions().service, input, { checkpoints });
      expect(second.outputs).toEqual(first.outputs);
      expect([...fake.services.values()].filter(s => s.name === 'resumed')).toHaveLength(1);
      expect([...fake.policies.values()].filter(p => p.name === 'resumed escalation')).toHaveLength(1);
    });
  });

  describe('pagerduty:change-event', () => {
    it('sends a change event with the service\'s integration key, found from its id', async () => {
      const withKey = fake.addService({ name: 'keyed', policyId: seed.policy.id, integrationKeys: ['b'.repeat(32)] });
      const { outputs } = await runAction(actions().change, { serviceId: withKey.id, summary: 'Deploy keyed v2', source: 'ci', links: [{ href: 'https://ci.example/runs/7', text: 'Run 7' }] });
      expect(outputs).toEqual({ account: 'default', serviceId: withKey.id });
      expect(fake.events.at(-1)).toEqual({ path: '/v2/change/enqueue', body: { routing_key: 'b'.repeat(32), payload: { summary: 'Deploy keyed v2', source: 'ci' }, links: [{ href: 'https://ci.example/runs/7', text: 'Run 7' }] } });
      expect(fake.changeEvents.at(-1)).toMatchObject({ serviceId: withKey.id, summary: 'Deploy keyed v2' });
    });

    it('refuses a blank summary, and says PagerDuty refused an unknown key', async () => {
      await expect(runAction(actions().change, { integrationKey: INTEGRATION_KEY, summary: ' ' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/needs a summary/) });
      await expect(runAction(actions().change, { integrationKey: 'f'.repeat(32), summary: 'Deploy' })).rejects.toMatchObject({
        name: 'InputError',
        message: 'PagerDuty rejected a change event for the integration key (PagerDuty: Event object is invalid: Invalid routing key)',
      });
    });
  });
});
