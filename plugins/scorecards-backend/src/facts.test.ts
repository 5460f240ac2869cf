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

describe('facts', () => {
  let backend: ScorecardsTestBackend;

  beforeAll(async () => {
    backend = await startScorecardsBackend({
      entities: [teamA, platform, component('search'), scorecard(readinessSpec)],
      config: { scorecards: { factRetention: 'PT1S' } },
    });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/entities/component/default/search').expect(200);
      expect(r.body.scorecards).toHaveLength(1);
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const push = (value: unknown) =>
    request(backend.server)
      .post('/api/scorecards/facts')
      .send({ entityRef: 'component:default/search', source: 'ci', facts: { 'coverage.percent': value } })
      .expect(202);

  it('keeps the history of a fact, newest first, with its source', async () => {
    await push(70);
    await push(75);
    const res = await request(backend.server).get('/api/scorecards/entities/component/default/search/facts?name=coverage.percent').expect(200);
    expect(res.body.items.map((f: { value: number; source: string }) => [f.value, f.source])).toEqual([
      [75, 'ci'],
      [70, 'ci'],
    ]);
    const latest = await request(backend.server).get('/api/scorecards/entities/component/default/search/facts').expect(200);
    expect(latest.body.items.find((f: { name: string }) => f.name === 'coverage.percent')).toMatchObject({ value: 75 });
    expect(latest.body.items.find((f: { name: string }) => f.name === 'catalog.hasOwner')).toMatchObject({ value: true, source: 'catalog' });
  });

  it('prunes history older than scorecards.factRetention but keeps the latest value', async () => {
    const history = async () => {
      await backend.scheduler.triggerTask('scorecards-maintenance');
      const res = await request(backend.server).get('/api/scorecards/entities/component/default/search/facts?name=coverage.percent').expect(200);
      return res.body.items.map((f: { value: number }) => f.value);
    };
    // once the first test's values are past the retention (PT1S), maintenance prunes their history; the latest stays
    await eventually(async () => expect(await history()).toEqual([]));
    const kept = await request(backend.server).get('/api/scorecards/entities/component/default/search/facts').expect(200);
    expect(kept.body.items.find((f: { name: string }) => f.name === 'coverage.percent')).toMatchObject({ value: 75 });
    await push(90);
    expect(await history()).toEqual([90]);
    const latest = await request(backend.server).get('/api/scorecards/entities/component/default/search/facts').expect(200);
    expect(latest.body.items.find((f: { name: string }) => f.name === 'catalog.hasOwner')).toMatchObject({ value: true });
  });

  it('refuses a body without facts or source, naming the field', async () => {
    const noFacts = await request(backend.server).post('/api/scorecards/facts').send({ entityRef: 'component:default/search', source: 'ci', facts: {} }).expect(400);
    expect(noFacts.body.error.message).toBe('body.facts: must name at least one fact');
    const noSource = await request(backend.server).post('/api/scorecards/facts').send({ entityRef: 'component:default/search', facts: { a: 1 } }).expect(400);
    expect(noSource.body.error.message).toMatch(/^body\.source: /);
    const badRef = await request(backend.server).post('/api/scorecards/facts').send({ entityRef: 'search', source: 'ci', facts: { a: 1 } }).expect(400);
    expect(badRef.body.error.message).toMatch(/^entityRef: Entity reference "search" had missing or empty kind/);
  });
});
