import { eventually } from '@portico/test-utils';
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
import { actAsHttpAuth } from './__testUtils__/actAs';

const runbook = { metadata: { links: [{ url: 'https://wiki/runbook', type: 'runbook' }] } };
const teamB = { ...teamA, metadata: { name: 'team-b' } };
const apiSpec = { ...readinessSpec, filter: { kind: 'component', 'spec.type': 'website' } };

// What a person's home page asks: scores and initiatives filtered by their ownership refs in the query.
describe('results and initiatives by owner', () => {
  let backend: ScorecardsTestBackend;

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      features: [actAsHttpAuth],
      entities: [
        teamA,
        teamB,
        platform,
        component('payments', runbook),
        component('search'),
        component('ledger', { spec: { owner: 'team-b', lifecycle: 'experimental' } }),
        component('notes', { spec: { owner: 'user:default/jane', lifecycle: 'experimental' } }),
        component('site', { spec: { owner: 'team-b', type: 'website' } }),
        scorecard(readinessSpec),
        scorecard(apiSpec, 'websites'),
      ],
    });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').expect(200);
      expect(r.body.totalItems).toBe(4);
      const w = await request(backend.server).get('/api/scorecards/scorecards/default/websites/results').expect(200);
      expect(w.body.totalItems).toBe(1);
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('lists the scores of every entity of several owners across scorecards, with failing rules', async () => {
    const res = await request(backend.server)
      .get('/api/scorecards/results?owner=user:default/jane&owner=team-b')
      .expect(200);
    expect(res.body.totalItems).toBe(3);
    expect(res.body.items.map((i: { scorecardRef: string; entityRef: string }) => `${i.scorecardRef} ${i.entityRef}`)).toEqual([
      'scorecard:default/production-readiness component:default/ledger',
      'scorecard:default/production-readiness component:default/notes',
      'scorecard:default/websites component:default/site',
    ]);
    expect(res.body.items[0]).toMatchObject({ level: 'Bronze', owner: 'group:default/team-b', failingRules: ['has-runbook', 'coverage'] });
  });

  it('takes one owner as well, caps the items at limit and still counts them all', async () => {
    const one = await request(backend.server).get('/api/scorecards/results?owner=group:default/team-a').expect(200);
    expect(one.body.items.map((i: { entityRef: string }) => i.entityRef)).toEqual(['component:default/payments', 'component:default/search']);
    const capped = await request(backend.server).get('/api/scorecards/results?owner=team-a&owner=team-b&limit=2').expect(200);
    expect(capped.body).toMatchObject({ totalItems: 4 });
    expect(capped.body.items).toHaveLength(2);
  });

  it('refuses a request without an owner or with a malformed one', async () => {
    await request(backend.server).get('/api/scorecards/results').expect(400);
    await request(backend.server).get('/api/scorecards/results?owner=user:').expect(400);
  });

  it('lists only the initiatives that concern the owners: their entity is measured and in scope', async () => {
    const create = (body: Record<string, unknown>) =>
      request(backend.server)
        .post('/api/scorecards/initiatives')
        .send({ targetLevel: 'Silver', deadline: '2027-03-31', scorecardRef: 'production-readiness', ...body })
        .expect(201);
    await create({ title: 'Everyone to Silver' });
    await create({ title: 'Production to Silver', scope: { 'spec.lifecycle': 'production' } });
    await create({ title: 'Sites to Silver', scorecardRef: 'websites' });

    const titles = async (query: string) =>
      (await request(backend.server).get(`/api/scorecards/initiatives${query}`).expect(200)).body.items.map((i: { title: string }) => i.title).sort();
    expect(await titles('')).toEqual(['Everyone to Silver', 'Production to Silver', 'Sites to Silver']);
    expect(await titles('?owner=user:default/jane')).toEqual(['Everyone to Silver']);
    expect(await titles('?owner=team-a')).toEqual(['Everyone to Silver', 'Production to Silver']);
    expect(await titles('?owner=team-b')).toEqual(['Everyone to Silver', 'Sites to Silver']);
    expect(await titles('?owner=group:default/platform')).toEqual([]);
    expect(await titles('?owner=team-b&scorecardRef=websites')).toEqual(['Sites to Silver']);
  });
});
