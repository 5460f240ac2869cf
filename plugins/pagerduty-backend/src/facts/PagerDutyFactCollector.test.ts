import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Entity } from '@portico/catalog-model';
import { createBackendPlugin } from '@portico/backend-plugin-api';
import { scorecardsFactCollectorsExtensionPoint, type FactCollector } from '@portico/plugin-scorecards-node';
import { MockLogger, startTestBackend } from '@portico/test-utils';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { memoryCache } from '../__testUtils__/memoryCache';
import { INTEGRATION_KEY, seedPagerDuty } from '../__testUtils__/seedPagerDuty';
import { pagerdutyIntegrationsConfigSchema } from '../integration/config';
import { PagerDutyClients } from '../integration/PagerDutyClients';
import { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { pagerdutyPlugin, pagerdutyScorecardsModule } from '../plugin';
import { createPagerDutyFactCollector, pagerdutyFacts } from './PagerDutyFactCollector';

const entity = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: {},
});

describe('PagerDuty fact collector', () => {
  const fake = new FakePagerDuty();
  let seed: ReturnType<typeof seedPagerDuty>;
  const logger = new MockLogger();
  const waits: number[] = [];
  const collector = (overrides: Record<string, unknown> = {}) => {
    const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, ...overrides }]), {
      wait: async ms => void waits.push(ms),
    });
    const cache = memoryCache();
    return createPagerDutyFactCollector({ service: new PagerDutyEntityService({ clients, cache }), clients, cache, logger });
  };

  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.delayMs = 0;
    waits.length = 0;
  });

  it('collects on-call, incident and 30-day facts for annotated entities and skips the others', async () => {
    const results = await collector().collect(
      [entity('payments', { 'pagerduty.com/service-id': seed.payments.id }), entity('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY }), entity('plain')],
      {},
    );
    expect(results.map(r => r.entityRef).sort()).toEqual(['component:default/payments', 'component:default/search']);
    const payments = results.find(r => r.entityRef === 'component:default/payments')!.facts;
    expect(payments).toEqual({
      'pagerduty.hasService': true,
      'pagerduty.escalationLevels': 2,
      'pagerduty.hasOnCall': true,
      'pagerduty.onCallCountLevel1': 2,
      'pagerduty.openIncidents.high': 1,
      'pagerduty.openIncidents.low': 1,
      'pagerduty.incidents30d': 7,
      'pagerduty.mttrHours30d': 1.5,
      'pagerduty.mttaMinutes30d': 4,
      'pagerduty.lastIncidentAt': new Date(seed.open.createdAt).toISOString(),
    });
    for (const [name, value] of Object.entries(payments)) expect(pagerdutyFacts[name as keyof typeof pagerdutyFacts].safeParse(value).success).toBe(true);
    // No analytics row for `search`: no incidents in 30 days, and no mean time to resolve to report.
    const search = results.find(r => r.entityRef === 'component:default/search')!.facts;
    expect(search).toMatchObject({ 'pagerduty.hasService': true, 'pagerduty.openIncidents.low': 1, 'pagerduty.incidents30d': 0 });
    expect(search).not.toHaveProperty('pagerduty.mttrHours30d');
  });

  it('counts every triggered and acknowledged incident, however old (PagerDuty searches one month unless told date_range=all)', async () => {
    const aged = fake.addService({ name: 'aged', policyId: seed.policy.id });
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    fake.addIncident({ serviceId: aged.id, title: 'Open for 40 days', status: 'acknowledged', urgency: 'high', createdAt: fortyDaysAgo, assignees: [] });
    const [result] = await collector().collect([entity('aged', { 'pagerduty.com/service-id': aged.id })], {});
    expect(result.facts).toMatchObject({
      'pagerduty.hasService': true,
      'pagerduty.openIncidents.high': 1,
      'pagerduty.openIncidents.low': 0,
      'pagerduty.lastIncidentAt': new Date(fortyDaysAgo).toISOString(),
    });
  });

  it('asks for the latest incident in the documented way', async () => {
    // The open incidents are read with date_range=all too; the latest incident is the read of every status.
    const latest = fake.requestsTo('/incidents').find(r => r.query['service_ids[]'] === seed.payments.id && r.query['statuses[]'] === undefined);
    expect(latest?.query).toMatchObject({ date_range: 'all', sort_by: 'created_at:desc', limit: '1' });
  });

  it('says hasService false for a service PagerDuty does not know, and leaves out a 403 and an unknown account', async () => {
    const results = await collector().collect(
      [
        entity('ghost', { 'pagerduty.com/service-id': 'PNOSUCH' }),
        entity('secret', { 'pagerduty.com/service-id': seed.secret.id }),
        entity('elsewhere', { 'pagerduty.com/service-id': seed.payments.id, 'pagerduty.com/account': 'eu' }),
      ],
      {},
    );
    expect(results).toEqual([{ entityRef: 'component:default/ghost', facts: { 'pagerduty.hasService': false } }]);
  });

  it('leaves the facts unknown, never hasService false, when something other than the service is not found (a deleted escalation policy)', async () => {
    const doomed = fake.addEscalationPolicy({ name: 'Deleted meanwhile', levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: seed.alice.id }] }] });
    const orphan = fake.addService({ name: 'orphan', policyId: doomed.id });
    fake.policies.delete(doomed.id);
    const results = await collector().collect([entity('orphan', { 'pagerduty.com/service-id': orphan.id })], {});
    expect(results).toEqual([]);
    expect(logger.lines.some(l => l.level === 'warn' && /component:default\/orphan failed: Not found in PagerDuty account 'default': escalation policy/.test(l.message))).toBe(true);
    // Any other read of the summary answering 404 (here the open incidents) is no proof that the service is gone either.
    fake.failNext({ path: /^\/incidents$/, status: 404, message: 'Not Found' });
    expect(await collector().collect([entity('payments', { 'pagerduty.com/service-id': seed.payments.id })], {})).toEqual([]);
    // The service's own 404 still is.
    expect(await collector().collect([entity('ghost', { 'pagerduty.com/service-id': 'PNOSUCH' })], {})).toEqual([{ entityRef: 'component:default/ghost', facts: { 'pagerduty.hasService': false } }]);
  });

  it('waits out a rate limit and still collects', async () => {
    fake.failNext({ path: /^\/services\//, status: 429, headers: { 'retry-after': '1' } });
    const results = await collector().collect([entity('payments', { 'pagerduty.com/service-id': seed.payments.id })], {});
    expect(waits).toEqual([1000]);
    expect(results[0].facts['pagerduty.hasService']).toBe(true);
  });

  it('collects nothing when PagerDuty is down (facts go stale, never false) and stops asking that account for the run', async () => {
    fake.delayMs = 2000;
    const before = fake.requests.length;
    const many = Array.from({ length: 20 }, (_, i) => entity(`svc-${i}`, { 'pagerduty.com/service-id': seed.payments.id }));
    const results = await collector().collect(many, {});
    expect(results).toEqual([]);
    // Four at a time: the first four time out, the rest are not asked.
    expect(fake.requests.length - before).toBeLessThanOrEqual(4);
    expect(logger.lines.some(l => l.level === 'warn' && /account 'default' not collected this run/.test(l.message))).toBe(true);
  });
});

describe('the pagerduty: section, shared by the plugin and its scorecards module', () => {
  /** A stand-in scorecards plugin that keeps the collectors it is given. */
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

  it('hands pagerduty.factsSchedule and factsFreshness to the collector, with defaults', async () => {
    const configured: FactCollector[] = [];
    const one = await startTestBackend({
      features: [pagerdutyPlugin, pagerdutyScorecardsModule, scorecardsStandIn(configured)],
      config: { pagerduty: { cache: { onCall: 'PT2M' }, factsSchedule: 'PT10M', factsFreshness: 'PT1H' } },
    });
    await one.stop();
    expect(configured.map(c => [c.id, c.schedule, c.freshness])).toEqual([['pagerduty', 'PT10M', 'PT1H']]);
    const defaults: FactCollector[] = [];
    const two = await startTestBackend({ features: [pagerdutyPlugin, pagerdutyScorecardsModule, scorecardsStandIn(defaults)] });
    await two.stop();
    expect(defaults.map(c => [c.schedule, c.freshness])).toEqual([['PT30M', 'PT2H']]);
  });

  it('fails startup naming pagerduty.factsSchedule when it is not a duration', async () => {
    await expect(
      startTestBackend({ features: [pagerdutyPlugin, pagerdutyScorecardsModule, scorecardsStandIn([])], config: { pagerduty: { factsSchedule: 'often' } } }),
    ).rejects.toThrow(/Invalid config at pagerduty\.factsSchedule: is not an ISO-8601 duration/);
  });
});

describe('the Incident readiness example scorecard', () => {
  it('reads only facts the collector declares, and is not loaded by default', () => {
    const root = path.resolve(__dirname, '../../../..');
    const scorecard = parse(fs.readFileSync(path.join(root, 'examples/scorecards/incident-readiness.yaml'), 'utf8'));
    expect(scorecard).toMatchObject({ kind: 'Scorecard', metadata: { name: 'incident-readiness', title: 'Incident readiness' } });
    const facts = scorecard.spec.rules.flatMap((r: { params: { fact?: string; expression?: string } }) =>
      r.params.fact ? [r.params.fact] : [...(r.params.expression ?? '').matchAll(/facts\["([^"]+)"\]/g)].map(m => m[1]),
    );
    expect(facts.length).toBeGreaterThanOrEqual(scorecard.spec.rules.length);
    for (const fact of facts) expect(Object.keys(pagerdutyFacts)).toContain(fact);
    expect(fs.readFileSync(path.join(root, 'examples/scorecards/location.yaml'), 'utf8')).not.toMatch(/incident-readiness/);
  });
});
