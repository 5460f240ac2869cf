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
import { actAs, actAsHttpAuth } from './__testUtils__/actAs';

const runbook = { metadata: { links: [{ url: 'https://wiki/runbook', type: 'runbook' }] } };
const teamB = { ...teamA, metadata: { name: 'team-b' } };

describe('initiatives', () => {
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
        scorecard(readinessSpec),
      ],
    });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/scorecards/default/production-readiness/results').expect(200);
      expect(r.body.totalItems).toBe(3);
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('show progress toward the target level and who is still below it', async () => {
    const created = await request(backend.server)
      .post('/api/scorecards/initiatives')
      .send({ title: 'Runbooks everywhere', scorecardRef: 'scorecard:default/production-readiness', targetLevel: 'Silver', deadline: '2027-03-31' })
      .expect(201);
    expect(created.body).toMatchObject({ title: 'Runbooks everywhere', targetLevel: 'Silver', createdBy: 'user:default/guest', deadline: '2027-03-31T00:00:00.000Z' });
    const progress = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
    expect(progress.body).toMatchObject({ total: 3, atOrAbove: 1, share: 0.3333 });
    expect(progress.body.failing).toEqual([
      { entityRef: 'component:default/ledger', level: 'Bronze', owner: 'group:default/team-b' },
      { entityRef: 'component:default/search', level: 'Bronze', owner: 'group:default/team-a' },
    ]);
    expect(progress.body.history.at(-1)).toMatchObject({ total: 3, atOrAbove: 1 });
  });

  it('narrow to a scope', async () => {
    const created = await request(backend.server)
      .post('/api/scorecards/initiatives')
      .send({ title: 'Production first', scorecardRef: 'production-readiness', targetLevel: 'Silver', scope: { 'spec.lifecycle': 'production' }, deadline: '2027-01-31T00:00:00Z' })
      .expect(201);
    const progress = await request(backend.server).get(`/api/scorecards/initiatives/${created.body.id}`).expect(200);
    expect(progress.body).toMatchObject({ total: 2, atOrAbove: 1, share: 0.5 });
    const list = await request(backend.server).get('/api/scorecards/initiatives').expect(200);
    expect(list.body.items.map((i: { title: string }) => i.title)).toEqual(['Production first', 'Runbooks everywhere']);
  });

  it('remind the owners of failing entities, once per interval', async () => {
    await backend.scheduler.triggerTask('scorecards-maintenance');
    const teamBNotes = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/team-b').set(actAs('user:default/bea', ['group:default/team-b'])).expect(200);
    expect(teamBNotes.body.items).toEqual([
      expect.objectContaining({ kind: 'initiative-reminder', title: 'Runbooks everywhere: 1 of your entities are below Silver', body: 'Reach Silver by 2027-03-31: component:default/ledger' }),
    ]);
    await backend.scheduler.triggerTask('scorecards-maintenance');
    const again = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/team-b').set(actAs('user:default/bea', ['group:default/team-b'])).expect(200);
    expect(again.body.items).toHaveLength(1);
  });

  it('refuse an unknown level, a bad deadline and a scope that cannot match', async () => {
    const base = { title: 't', scorecardRef: 'scorecard:default/production-readiness', targetLevel: 'Silver', deadline: '2027-01-01' };
    const level = await request(backend.server).post('/api/scorecards/initiatives').send({ ...base, targetLevel: 'Platinum' }).expect(400);
    expect(level.body.error.message).toBe('targetLevel: scorecard scorecard:default/production-readiness has no level Platinum (levels: Bronze, Silver, Gold)');
    await request(backend.server).post('/api/scorecards/initiatives').send({ ...base, deadline: 'soon' }).expect(400);
    const scope = await request(backend.server).post('/api/scorecards/initiatives').send({ ...base, scope: { kind: [] } }).expect(400);
    expect(scope.body.error.message).toBe('scope.kind is an empty list and can never match');
    await request(backend.server).get('/api/scorecards/initiatives/nope').expect(404);
  });

  it('can be deleted', async () => {
    const list = await request(backend.server).get('/api/scorecards/initiatives').expect(200);
    await request(backend.server).delete(`/api/scorecards/initiatives/${list.body.items[0].id}`).expect(204);
    await request(backend.server).delete(`/api/scorecards/initiatives/${list.body.items[0].id}`).expect(404);
  });
});
