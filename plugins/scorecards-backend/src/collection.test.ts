import { createBackendModule } from '@portico/backend-plugin-api';
import { stringifyEntityRef } from '@portico/catalog-model';
import { eventually } from '@portico/test-utils';
import request from 'supertest';
import { z } from 'zod';
import { scorecardsFactCollectorsExtensionPoint, type ScorecardsFactCollectorsExtensionPoint } from './extensions';
import { component, platform, readinessSpec, scorecard, startScorecardsBackend, teamA, type ScorecardsTestBackend } from './__testUtils__/testScorecardsBackend';

describe('fact collection', () => {
  let backend: ScorecardsTestBackend;
  let collectors: ScorecardsFactCollectorsExtensionPoint | undefined;
  const counted: string[] = [];
  // a collector that runs only on its schedule or when asked
  const counterModule = createBackendModule({
    pluginId: 'scorecards',
    moduleId: 'counter',
    register(env) {
      env.registerInit({
        deps: { points: scorecardsFactCollectorsExtensionPoint },
        async init({ points }) {
          collectors = points;
          points.addFactCollector({
            id: 'counter',
            filter: { kind: 'component' },
            facts: { 'counter.runs': z.number() },
            async collect(entities) {
              return entities.map(e => {
                const ref = stringifyEntityRef(e);
                counted.push(ref);
                return { entityRef: ref, facts: { 'counter.runs': counted.filter(r => r === ref).length } };
              });
            },
          });
        },
      });
    },
  });

  const facts = async (name: string) => {
    const res = await request(backend.server).get(`/api/scorecards/entities/component/default/${name}/facts`).expect(200);
    return Object.fromEntries((res.body.items as Array<{ name: string; value: unknown }>).map(f => [f.name, f.value]));
  };

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      entities: [teamA, platform, component('ledger'), component('web'), scorecard(readinessSpec)],
      features: [counterModule],
    });
    await eventually(async () => expect(await facts('ledger')).toMatchObject({ 'catalog.relationCount': 1 }));
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('re-collects an entity whose relations changed although it was not written', async () => {
    // web starts to depend on ledger: ledger gains dependencyOf web, as stored
    await backend.provider.set([teamA, platform, component('ledger'), component('web', { spec: { dependsOn: ['component:ledger'] } }), scorecard(readinessSpec)]);
    await eventually(async () => expect(await facts('ledger')).toMatchObject({ 'catalog.relationCount': 2 }));
    // and loses it again
    await backend.provider.set([teamA, platform, component('ledger'), component('web'), scorecard(readinessSpec)]);
    await eventually(async () => expect(await facts('ledger')).toMatchObject({ 'catalog.relationCount': 1 }));
    expect(counted).toEqual([]); // the counter does not collect on change
  });

  it('offers collectNow on the collector extension point once the plugin runs', async () => {
    const result = await collectors!.collectNow('component:default/ledger');
    expect(result).toEqual({ entityRef: 'component:default/ledger', collectors: ['catalog', 'counter'], changed: true });
    expect(await facts('ledger')).toMatchObject({ 'counter.runs': 1 });
    expect(await collectors!.collectNow('component:ledger', { collector: 'counter' })).toEqual({
      entityRef: 'component:default/ledger',
      collectors: ['counter'],
      changed: true,
    });
    await expect(collectors!.collectNow('component:default/ledger', { collector: 'nope' })).rejects.toThrow(
      "collector: no fact collector 'nope' (known: catalog, counter)",
    );
    await expect(collectors!.collectNow('component:default/gone')).rejects.toThrow("No entity 'component:default/gone' in the catalog");
    // registering is over: adding a collector now is refused, not silently ignored
    expect(() => collectors!.addFactCollector({ id: 'late', facts: {}, collect: async () => [] })).toThrow(/after its owner plugin 'scorecards' began initialising/);
  });

  it('collects on POST /collect and re-evaluates the entity when a fact changed', async () => {
    const res = await request(backend.server).post('/api/scorecards/collect').send({ entityRef: 'component:default/web', collector: 'counter' }).expect(200);
    expect(res.body).toEqual({ entityRef: 'component:default/web', collectors: ['counter'], changed: true });
    expect(await facts('web')).toMatchObject({ 'counter.runs': 1 });
    const all = await request(backend.server).post('/api/scorecards/collect').send({ entityRef: 'component:web' }).expect(200);
    expect(all.body.collectors).toEqual(['catalog', 'counter']);
    await eventually(async () => {
      const scored = await request(backend.server).get('/api/scorecards/entities/component/default/web').expect(200);
      expect(scored.body.scorecards[0].level).toBe('Bronze');
    });
  });

  it('answers a bad request naming the problem', async () => {
    const unknown = await request(backend.server).post('/api/scorecards/collect').send({ entityRef: 'component:default/web', collector: 'nope' }).expect(400);
    expect(unknown.body.error.message).toBe("collector: no fact collector 'nope' (known: catalog, counter)");
    const missing = await request(backend.server).post('/api/scorecards/collect').send({ entityRef: 'component:default/gone' }).expect(404);
    expect(missing.body.error.message).toBe("No entity 'component:default/gone' in the catalog");
    const bad = await request(backend.server).post('/api/scorecards/collect').send({ entityRef: 'web' }).expect(400);
    expect(bad.body.error.message).toMatch(/^body\.entityRef: /);
    await request(backend.server).post('/api/scorecards/collect').send({}).expect(400);
  });
});
