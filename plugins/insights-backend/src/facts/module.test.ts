import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { coreServices, createBackendPlugin, createRouteRegistry, extensionPointRuntimeMethods, type EventsService } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { INSIGHTS_FACTS } from '@portico/plugin-insights-common';
import { scorecardsFactCollectorsExtensionPoint, type FactCollector, type ScorecardsFactCollectorsExtensionPoint } from '@portico/plugin-scorecards-node';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { registerFactsRoute } from '../metrics/factsRouter';
import type { MetricsService } from '../metrics/MetricsService';
import { INSIGHTS_METRICS_CHANGED_TOPIC } from '../metrics/topics';
import { insightsFactSchemas } from './InsightsFactCollector';
import { insightsScorecardsModule } from './module';

const component = (name: string) => ({ apiVersion: 'portico.dev/v1', kind: 'Component', metadata: { name, namespace: 'default' }, spec: {} }) as Entity;

describe('insightsScorecardsModule', () => {
  const collectors: FactCollector[] = [];
  const collectedNow: string[] = [];
  const asked: string[][] = [];
  let events: EventsService;
  let backend: TestBackend;

  /** The insights plugin's facts route over a stub engine: web-shop has enough data, billing has none. */
  const insightsStandIn = createBackendPlugin({
    pluginId: 'insights',
    register(env) {
      env.registerInit({
        deps: { http: coreServices.httpRouter, httpAuth: coreServices.httpAuth, bus: coreServices.events },
        async init({ http, httpAuth, bus }) {
          events = bus;
          const routes = createRouteRegistry({ pluginId: 'insights', title: 'insights', description: 'test', httpAuth });
          const metrics = {
            async facts(entityRefs: string[]) {
              asked.push(entityRefs);
              return new Map(entityRefs.map(ref => [ref, ref.endsWith('web-shop') ? { [INSIGHTS_FACTS.deploysPerWeek]: 3.5, [INSIGHTS_FACTS.changeFailureRate]: 0.1 } : {}]));
            },
          } as unknown as MetricsService;
          registerFactsRoute(routes, metrics);
          http.use(routes.router);
        },
      });
    },
  });

  const scorecardsStandIn = createBackendPlugin({
    pluginId: 'scorecards',
    register(env) {
      const point: ScorecardsFactCollectorsExtensionPoint & { [extensionPointRuntimeMethods]: readonly string[] } = {
        addFactCollector: collector => void collectors.push(collector),
        collectNow: async (entityRef, options) => {
          collectedNow.push(`${entityRef} ${options?.collector}`);
          if (entityRef.endsWith('ghost')) throw new Error('not in the catalog');
          return { entityRef, collectors: ['insights'], changed: true };
        },
        [extensionPointRuntimeMethods]: ['collectNow'],
      };
      env.registerExtensionPoint(scorecardsFactCollectorsExtensionPoint, point);
      env.registerInit({ deps: {}, init() {} });
    },
  });

  beforeAll(async () => {
    backend = await startTestBackend({ features: [insightsStandIn, insightsScorecardsModule, scorecardsStandIn] });
  });
  afterAll(async () => {
    await backend.stop();
  });

  it('adds a collector of the six facts that collects on catalog changes', () => {
    expect(collectors.map(c => [c.id, c.collectOnChange, c.filter, Object.keys(c.facts).sort()])).toEqual([['insights', true, { kind: 'component' }, Object.values(INSIGHTS_FACTS).sort()]]);
  });

  it('reads the 30-day values through the insights API, leaving facts without enough data absent', async () => {
    const facts = await collectors[0]!.collect([component('web-shop'), component('billing')], {});
    expect(facts).toEqual([
      { entityRef: 'component:default/web-shop', facts: { 'insights.deploysPerWeek': 3.5, 'insights.changeFailureRate': 0.1 } },
      { entityRef: 'component:default/billing', facts: {} },
    ]);
    expect(asked.at(-1)).toEqual(['component:default/web-shop', 'component:default/billing']);
  });

  it('collects at once the entities a write changed, skipping those the catalog does not know', async () => {
    await events.publish({ topic: INSIGHTS_METRICS_CHANGED_TOPIC, payload: { entityRefs: ['component:default/ghost', 'component:default/web-shop'] } });
    await eventually(() => expect(collectedNow).toEqual(['component:default/ghost insights', 'component:default/web-shop insights']));
  });

  it('refuses the facts route to users (it is for the scorecards plugin)', async () => {
    const response = await fetch(`${backend.url}/api/insights/facts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entityRefs: ['component:default/web-shop'] }) });
    expect(response.status).toBe(403);
  });

  it('declares value schemas that refuse nonsense (a share above 1)', () => {
    expect(insightsFactSchemas[INSIGHTS_FACTS.reviewedShare]!.safeParse(1.5).success).toBe(false);
    expect(insightsFactSchemas[INSIGHTS_FACTS.leadTimeHours]!.safeParse(12.5).success).toBe(true);
  });
});

describe('the Delivery health example scorecard', () => {
  it('reads only insights facts, and is not loaded by default', () => {
    const root = path.resolve(__dirname, '../../../..');
    const scorecard = parse(fs.readFileSync(path.join(root, 'examples/scorecards/delivery-health.yaml'), 'utf8'));
    expect(scorecard).toMatchObject({ kind: 'Scorecard', metadata: { name: 'delivery-health', title: 'Delivery health' } });
    const facts = scorecard.spec.rules.map((r: { params: { fact: string } }) => r.params.fact);
    expect(facts.length).toBe(scorecard.spec.rules.length);
    for (const fact of facts) expect(Object.values(INSIGHTS_FACTS)).toContain(fact);
    expect(new Set(scorecard.spec.rules.map((r: { level: string }) => r.level))).toEqual(new Set(scorecard.spec.levels.map((l: { name: string }) => l.name)));
    expect(fs.readFileSync(path.join(root, 'examples/scorecards/location.yaml'), 'utf8')).not.toMatch(/delivery-health/);
  });
});
