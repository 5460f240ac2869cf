import { coreServices, createServiceFactory, type PermissionsService } from '@portico/backend-plugin-api';
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

const card = 'scorecard:default/production-readiness';
const inOneDay = () => new Date(Date.now() + 86_400_000).toISOString();
/** A member of group:default/platform, which owns the scorecard. */
const olivia = actAs('user:default/olivia', ['group:default/platform']);

async function levelOf(backend: ScorecardsTestBackend, name: string) {
  const r = await request(backend.server).get(`/api/scorecards/entities/component/default/${name}`).expect(200);
  return r.body.scorecards[0];
}

describe('exemptions', () => {
  let backend: ScorecardsTestBackend;

  beforeAll(async () => {
    backend = await startScorecardsBackend({ entities: [teamA, platform, component('search'), scorecard(readinessSpec)], features: [actAsHttpAuth] });
    await eventually(async () => expect((await levelOf(backend, 'search')).level).toBe('Bronze'));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('are requested with a reason and an expiry, and the owner is notified', async () => {
    const res = await request(backend.server)
      .post('/api/scorecards/exemptions')
      .send({ scorecardRef: card, entityRef: 'component:default/search', ruleId: 'has-runbook', reason: 'Runbook lives in the wiki', expiresAt: inOneDay() })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'pending', requestedBy: 'user:default/guest', ruleId: 'has-runbook', entityRef: 'component:default/search' });
    const notes = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/platform').set(olivia).expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'exemption-requested', title: 'Exemption requested for has-runbook on component:default/search' });
    // not the guest's to read
    const refused = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/platform').expect(403);
    expect(refused.body.error.message).toBe('The notifications of group:default/platform are not yours to read');
    const pending = await request(backend.server).get(`/api/scorecards/exemptions?status=pending&scorecardRef=${card}`).expect(200);
    expect(pending.body.items.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
  });

  it('refuse bad requests naming the field', async () => {
    const base = { scorecardRef: card, entityRef: 'component:default/search', ruleId: 'has-runbook', reason: 'r', expiresAt: inOneDay() };
    const cases: Array<[object, number, RegExp]> = [
      [{ ...base, ruleId: 'nope' }, 400, /^ruleId: scorecard scorecard:default\/production-readiness has no rule nope$/],
      [{ ...base, expiresAt: '2020-01-01T00:00:00Z' }, 400, /^expiresAt: must be in the future$/],
      [{ ...base, expiresAt: 'tomorrow' }, 400, /^body\.expiresAt: /],
      [{ ...base, reason: '' }, 400, /^body\.reason: /],
      [{ ...base, entityRef: 'component:default/ghost' }, 400, /^entityRef: no entity component:default\/ghost in the catalog$/],
      [{ ...base, scorecardRef: 'scorecard:default/ghost' }, 404, /^No scorecard scorecard:default\/ghost$/],
    ];
    for (const [body, status, message] of cases) {
      const res = await request(backend.server).post('/api/scorecards/exemptions').send(body).expect(status);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('count as passing once approved, marked as exempted, and notify the requester', async () => {
    const [pending] = (await request(backend.server).get('/api/scorecards/exemptions?status=pending').expect(200)).body.items;
    const res = await request(backend.server)
      .post(`/api/scorecards/exemptions/${pending.id}/decision`)
      .set(olivia)
      .send({ status: 'approved', comment: 'fine until the migration' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'approved', requestedBy: 'user:default/guest', decidedBy: 'user:default/olivia', comment: 'fine until the migration' });
    const result = await eventually(async () => {
      const r = await levelOf(backend, 'search');
      expect(r.level).toBe('Silver');
      return r;
    }, 2000);
    expect(result.rules.find((r: { ruleId: string }) => r.ruleId === 'has-runbook')).toMatchObject({ status: 'fail', exempted: true });
    const notes = await request(backend.server).get('/api/scorecards/notifications?recipient=user:default/guest').expect(200);
    expect(notes.body.items[0]).toMatchObject({ kind: 'exemption-decided', title: 'Exemption approved for has-runbook on component:default/search' });
    await request(backend.server).post(`/api/scorecards/exemptions/${pending.id}/decision`).set(olivia).send({ status: 'rejected' }).expect(400);
  });

  it('stop counting on their own when they expire', async () => {
    const res = await request(backend.server)
      .post('/api/scorecards/exemptions')
      .send({ scorecardRef: card, entityRef: 'component:default/search', ruleId: 'coverage', reason: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() })
      .expect(201);
    await request(backend.server).post(`/api/scorecards/exemptions/${res.body.id}/decision`).set(olivia).send({ status: 'approved' }).expect(200);
    await eventually(async () => expect((await levelOf(backend, 'search')).level).toBe('Gold'), 2000);
    // the scheduled check, run until the exemption has expired and the entity been evaluated without it
    await eventually(async () => {
      await backend.scheduler.triggerTask('scorecards-evaluate-due');
      expect((await levelOf(backend, 'search')).level).toBe('Silver');
    }, 10_000);
  });

  it('lists the caller’s notifications and marks them read', async () => {
    const mine = await request(backend.server).get('/api/scorecards/notifications').expect(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    await request(backend.server).post(`/api/scorecards/notifications/${mine.body.items[0].id}/read`).expect(204);
    const unread = await request(backend.server).get('/api/scorecards/notifications?unread=true').expect(200);
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(mine.body.items[0].id);
    await request(backend.server).post('/api/scorecards/notifications/nope/read').expect(404);
    const owners = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/platform').set(olivia).expect(200);
    const refused = await request(backend.server).post(`/api/scorecards/notifications/${owners.body.items[0].id}/read`).expect(403);
    expect(refused.body.error.message).toMatch(/is for group:default\/platform, not for you$/);
  });

  it('may not be decided by the one who requested them, owner or not', async () => {
    const created = await request(backend.server)
      .post('/api/scorecards/exemptions')
      .set(olivia)
      .send({ scorecardRef: card, entityRef: 'component:default/search', ruleId: 'has-runbook', reason: 'mine', expiresAt: inOneDay() })
      .expect(201);
    expect(created.body.requestedBy).toBe('user:default/olivia');
    const res = await request(backend.server).post(`/api/scorecards/exemptions/${created.body.id}/decision`).set(olivia).send({ status: 'approved' }).expect(403);
    expect(res.body.error.message).toBe(
      'user:default/olivia requested this exemption and may not decide it: another owner of scorecard:default/production-readiness must',
    );
    expect((await request(backend.server).get(`/api/scorecards/exemptions/${created.body.id}`).expect(200)).body.status).toBe('pending');
    const other = actAs('user:default/oscar', ['group:default/platform']);
    const decided = await request(backend.server).post(`/api/scorecards/exemptions/${created.body.id}/decision`).set(other).send({ status: 'rejected' }).expect(200);
    expect(decided.body).toMatchObject({ status: 'rejected', requestedBy: 'user:default/olivia', decidedBy: 'user:default/oscar' });
  });
});

describe('exemption decisions by someone other than the owner', () => {
  let backend: ScorecardsTestBackend;
  const asked: Array<{ name: string; resourceRef?: string }> = [];

  beforeAll(async () => {
    const denyDecisions = createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: (): PermissionsService => ({
        async authorize(requests) {
          asked.push(...requests.map(r => ({ name: r.permission.name, resourceRef: r.resourceRef })));
          // only deciding is denied: the catalog reads and requesting go on
          return requests.map(r => ({ result: r.permission.name === 'scorecards.exemption.decide' ? 'DENY' as const : 'ALLOW' as const }));
        },
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: 'ALLOW' as const }));
        },
      }),
    });
    backend = await startScorecardsBackend({ entities: [teamA, platform, component('search'), scorecard(readinessSpec)], features: [denyDecisions, actAsHttpAuth] });
    await eventually(async () => expect((await levelOf(backend, 'search')).level).toBe('Bronze'));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('are refused with 403 when the permission policy denies them', async () => {
    const created = await request(backend.server)
      .post('/api/scorecards/exemptions')
      .set(actAs('user:default/rita'))
      .send({ scorecardRef: card, entityRef: 'component:default/search', ruleId: 'has-runbook', reason: 'r', expiresAt: inOneDay() })
      .expect(201);
    const res = await request(backend.server).post(`/api/scorecards/exemptions/${created.body.id}/decision`).send({ status: 'approved' }).expect(403);
    expect(res.body.error.message).toBe('Only the owner of scorecard:default/production-readiness (group:default/platform) may decide its exemptions');
    expect(asked).toContainEqual({ name: 'scorecards.exemption.decide', resourceRef: card });
    expect((await request(backend.server).get(`/api/scorecards/exemptions/${created.body.id}`).expect(200)).body.status).toBe('pending');
  });
});
