import { catalogConditions } from '@portico/plugin-catalog-backend';
import { eventually, mockServices } from '@portico/test-utils';
import request from 'supertest';
import { actAs, actAsHttpAuth } from './__testUtils__/actAs';
import { component, readinessSpec, scorecard, startScorecardsBackend, teamA, type ScorecardsTestBackend } from './__testUtils__/testScorecardsBackend';

const teamB = { ...teamA, metadata: { name: 'team-b' } };

// Issue 14: scores are about catalog entities, so a user whose role reads only what they own (IS_ENTITY_OWNER)
// sees scores, facts and history of those entities only, as the catalog shows them.
describe('scores follow the catalog read decision', () => {
  let backend: ScorecardsTestBackend;
  const ownerOnly = mockServices.permissions.factory((request, credentials) => {
    const principal = credentials.principal;
    if (request.permission.name !== 'catalog.entity.read' || principal.type !== 'user' || principal.userEntityRef !== 'user:default/bea') {
      return 'ALLOW';
    }
    return {
      result: 'CONDITIONAL',
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: catalogConditions.isEntityOwner({ claims: principal.ownershipEntityRefs }),
    };
  });
  const bea = actAs('user:default/bea', ['group:default/team-b']);

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      features: [actAsHttpAuth, ownerOnly],
      entities: [
        teamA,
        teamB,
        component('payments'),
        component('search'),
        component('ledger', { spec: { owner: 'team-b' } }),
        component('site', { spec: { owner: 'team-b' } }),
        scorecard(readinessSpec),
      ],
    });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').expect(200);
      expect(r.body.totalItems).toBe(4);
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it("lists a scorecard's results of the entities the caller may read, all of them for an unconditional reader", async () => {
    const all = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').expect(200);
    expect(all.body.items.map((i: { entityRef: string }) => i.entityRef).sort()).toEqual([
      'component:default/ledger',
      'component:default/payments',
      'component:default/search',
      'component:default/site',
    ]);
    const own = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').set(bea).expect(200);
    expect(own.body.items.map((i: { entityRef: string }) => i.entityRef).sort()).toEqual(['component:default/ledger', 'component:default/site']);
    expect(own.body.totalItems).toBe(2);
  });

  it("keeps another team's scores out of /results even when the caller asks for that owner", async () => {
    const asked = await request(backend.server).get('/api/scorecards/results?owner=group:default/team-a').set(bea).expect(200);
    expect(asked.body).toEqual({ items: [], totalItems: 0 });
    const own = await request(backend.server).get('/api/scorecards/results?owner=group:default/team-b').set(bea).expect(200);
    expect(own.body.items.map((i: { entityRef: string }) => i.entityRef).sort()).toEqual(['component:default/ledger', 'component:default/site']);
  });

  it("answers 404 for an entity's scores, facts and rule history that the caller may not read", async () => {
    for (const path of [
      '/api/scorecards/entities/component/default/payments',
      '/api/scorecards/entities/component/default/payments/facts',
      '/api/scorecards/scorecards/default/production-readiness/entities/component/default/payments/history',
    ]) {
      const refused = await request(backend.server).get(path).set(bea).expect(404);
      expect(refused.body.error.message).toBe("No entity 'component:default/payments' that you may read");
      await request(backend.server).get(path).expect(200);
    }
    const own = await request(backend.server).get('/api/scorecards/entities/component/default/ledger').set(bea).expect(200);
    expect(own.body.scorecards).toHaveLength(1);
    await request(backend.server).get('/api/scorecards/entities/component/default/ledger/facts').set(bea).expect(200);
  });
});
