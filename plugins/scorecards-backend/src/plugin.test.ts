import { describeEachDatabase, eventually } from '@portico/test-utils';
import request from 'supertest';
import {
  component,
  platform,
  readinessSpec,
  scorecard,
  startScorecardsBackend,
  teamA,
  type ScorecardsTestBackend,
} from './__testUtils__/testScorecardsBackend';
import { actAs, actAsHttpAuth } from './__testUtils__/actAs';

const runbook = { metadata: { links: [{ url: 'https://wiki/runbook', type: 'runbook' }] } };

describeEachDatabase('the scorecards plugin', db => {
  let backend: ScorecardsTestBackend;

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      features: [actAsHttpAuth],
      entities: [
        teamA,
        platform,
        component('payments', runbook),
        component('search'),
        component('website', { spec: { type: 'website' } }),
        scorecard(readinessSpec),
      ],
      config: { backend: { database: db.config }, scorecards: { factTypes: { 'coverage.percent': 'number' } } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('lists the Scorecard read from the catalog', async () => {
    const res = await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards').expect(200);
      expect(r.body.items).toHaveLength(1);
      return r;
    });
    expect(res.body.items[0]).toMatchObject({
      ref: 'scorecard:default/production-readiness',
      title: 'Production readiness',
      errors: [],
      spec: { owner: 'group:default/platform' },
    });
  });

  it('serves the Scorecard as a catalog entity owned by its owner', async () => {
    const res = await request(backend.server).get('/api/catalog/entities/by-name/scorecard/default/production-readiness').expect(200);
    expect(res.body.relations).toEqual(expect.arrayContaining([{ type: 'ownedBy', targetRef: 'group:default/platform' }]));
  });

  it('evaluates on change and stores results by scorecard, with cursor pagination', async () => {
    const page1 = await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results?limit=1').expect(200);
      expect(r.body.totalItems).toBe(2);
      expect(r.body.items).toHaveLength(1);
      return r;
    });
    expect(page1.body.items[0]).toMatchObject({
      entityRef: 'component:default/payments',
      level: 'Silver',
      score: 0.75,
      owner: 'group:default/team-a',
      failingRules: ['coverage'],
    });
    const page2 = await request(backend.server)
      .get(`/api/scorecards/scorecards/default/production-readiness/results?limit=1&cursor=${page1.body.pageInfo.nextCursor}`)
      .expect(200);
    expect(page2.body.items[0]).toMatchObject({ entityRef: 'component:default/search', level: 'Bronze', failingRules: ['has-runbook', 'coverage'] });
    expect(page2.body.pageInfo).toEqual({});
    const silver = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results?level=Silver').expect(200);
    expect(silver.body.items.map((i: { entityRef: string }) => i.entityRef)).toEqual(['component:default/payments']);
  });

  it("answers an entity's levels with rule status and evidence", async () => {
    const res = await request(backend.server).get('/api/scorecards/entities/component/default/search').expect(200);
    expect(res.body.entityRef).toBe('component:default/search');
    const [card] = res.body.scorecards;
    expect(card).toMatchObject({ scorecardRef: 'scorecard:default/production-readiness', level: 'Bronze', title: 'Production readiness' });
    expect(card.rules.map((r: { ruleId: string; status: string }) => [r.ruleId, r.status])).toEqual([
      ['has-owner', 'pass'],
      ['has-runbook', 'fail'],
      ['coverage', 'unknown'],
    ]);
    expect(card.rules[1].evidence).toEqual({ 'catalog.hasRunbook': false });
    expect(card.ruleDetails[0]).toMatchObject({ id: 'has-owner', title: 'Has an owner' });
  });

  it('re-evaluates an entity after facts are pushed for it', async () => {
    const res = await request(backend.server)
      .post('/api/scorecards/facts')
      .send({ entityRef: 'component:default/payments', source: 'ci', facts: { 'coverage.percent': 91 } })
      .expect(202);
    expect(res.body).toEqual({ entityRef: 'component:default/payments', accepted: ['coverage.percent'] });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/entities/component/default/payments').expect(200);
      expect(r.body.scorecards[0].level).toBe('Gold');
    }, 15_000);
  }, 20_000);

  it('refuses facts for unknown entities and of the wrong type', async () => {
    const unknown = await request(backend.server)
      .post('/api/scorecards/facts')
      .send({ entityRef: 'component:default/nope', source: 'ci', facts: { x: 1 } })
      .expect(400);
    expect(unknown.body.error.message).toBe('entityRef: no entity component:default/nope in the catalog');
    const wrongType = await request(backend.server)
      .post('/api/scorecards/facts')
      .send({ entityRef: 'component:default/payments', source: 'ci', facts: { 'coverage.percent': 'high' } })
      .expect(400);
    expect(wrongType.body.error.message).toBe('facts.coverage.percent: "high" does not have the type declared by scorecards.factTypes');
    const catalogFact = await request(backend.server)
      .post('/api/scorecards/facts')
      .send({ entityRef: 'component:default/payments', source: 'ci', facts: { 'catalog.hasOwner': 'yes' } })
      .expect(400);
    expect(catalogFact.body.error.message).toMatch(/declared by collector catalog/);
    await request(backend.server).post('/api/scorecards/facts').send({ entityRef: 'component:default/payments', facts: {} }).expect(400);
  });

  it('re-evaluates only the changed entity when the catalog changes, and notifies a level drop', async () => {
    await backend.provider.set([
      teamA,
      platform,
      component('payments'), // lost its runbook
      component('search'),
      component('website', { spec: { type: 'website' } }),
      scorecard(readinessSpec),
    ]);
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/entities/component/default/payments').expect(200);
      expect(r.body.scorecards[0].level).toBe('Bronze');
    }, 2000);
    const notes = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/team-a').set(actAs('user:default/ada', ['group:default/team-a'])).expect(200);
    expect(notes.body.items[0]).toMatchObject({
      kind: 'level-dropped',
      recipient: 'group:default/team-a',
      title: 'payments dropped to Bronze on Production readiness',
    });
  });

  it('evaluates a whole scorecard on demand and records a trend point', async () => {
    const res = await request(backend.server).post('/api/scorecards/evaluate').send({ scorecardRef: 'scorecard:default/production-readiness' }).expect(200);
    expect(res.body.results.map((r: { entityRef: string }) => r.entityRef).sort()).toEqual(['component:default/payments', 'component:default/search']);
    const trends = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/trends').expect(200);
    expect(trends.body.items.at(-1)).toMatchObject({ total: 2, levels: { Bronze: 2 } });
    const one = await request(backend.server).post('/api/scorecards/evaluate').send({ entityRef: 'component:default/search' }).expect(200);
    expect(one.body.results).toHaveLength(1);
    await request(backend.server).post('/api/scorecards/evaluate').send({}).expect(400);
    await request(backend.server).post('/api/scorecards/evaluate').send({ scorecardRef: 'scorecard:default/nope' }).expect(404);
  });

  it('schedules due-checks, collectors and maintenance, and skips scorecards that are not due', async () => {
    expect([...backend.scheduler.tasks.keys()].sort()).toEqual([
      'scorecards-collect-catalog',
      'scorecards-evaluate-due',
      'scorecards-initiative-actions',
      'scorecards-maintenance',
    ]);
    const trends = async () => (await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/trends').expect(200)).body.items.length;
    const before = await trends();
    await backend.scheduler.triggerTask('scorecards-evaluate-due');
    expect(await trends()).toBe(before);
  });

  it('serves an OpenAPI document', async () => {
    const res = await request(backend.server).get('/api/scorecards/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/facts', '/evaluate', '/exemptions', '/initiatives', '/notifications']));
  });
});
