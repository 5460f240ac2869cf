import request from 'supertest';
import { ResponseError } from '@portico/errors';
import { eventually } from '@portico/test-utils';
// The backend's own test backend and example organisation, so the client and the routes it calls cannot drift apart.
import insightsFeatures from '@portico/plugin-insights-backend';
import { startInsightsBackend } from '../../../insights-backend/src/__testUtils__/startInsightsBackend';
import { InsightsClient } from './InsightsClient';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('InsightsClient against the insights backend', () => {
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  let client: InsightsClient;
  const team = { type: 'group' as const, ref: 'group:default/team-a', subTeams: false };

  beforeAll(async () => {
    backend = await startInsightsBackend({ features: [insightsFeatures] });
    client = new InsightsClient({ discoveryApi: { getBaseUrl: async id => `${backend.url}/api/${id}` } });
    const now = Date.now();
    const deployments = [1, 2, 3, 4, 5, 6].map(day => ({
      id: `d${day}`,
      entityRef: day % 2 ? 'component:default/web-shop' : 'component:default/api',
      environment: 'production',
      status: 'succeeded',
      finishedAt: new Date(now - day * DAY).toISOString(),
      source: 'ci',
    }));
    const pullRequests = deployments.map((d, i) => ({
      id: `pr${i}`,
      entityRef: d.entityRef,
      number: i + 1,
      createdAt: new Date(Date.parse(d.finishedAt) - 20 * HOUR).toISOString(),
      firstReviewAt: new Date(Date.parse(d.finishedAt) - 18 * HOUR).toISOString(),
      mergedAt: new Date(Date.parse(d.finishedAt) - 2 * HOUR).toISOString(),
      additions: 30,
      deletions: 5,
      deployedIn: d.id,
      source: 'ci',
    }));
    const incidents = [{ id: 'INC-1', entityRef: 'component:default/web-shop', openedAt: new Date(now - 3 * DAY + HOUR).toISOString(), resolvedAt: new Date(now - 3 * DAY + 3 * HOUR).toISOString(), source: 'pd' }];
    expect((await request(backend.server).post('/api/insights/deployments').send({ deployments })).status).toBe(202);
    expect((await request(backend.server).post('/api/insights/pull-requests').send({ pullRequests })).status).toBe(202);
    expect((await request(backend.server).post('/api/insights/incidents').send({ incidents })).status).toBe(202);
    await eventually(async () => expect((await client.getMetrics({ scope: team, metrics: ['deploymentFrequency'] })).metrics[0].value).not.toBeNull());
  });
  afterAll(async () => {
    await backend?.cleanup();
  });

  it('reads a team\'s metrics in the shape the tiles and charts use', async () => {
    const answer = await client.getMetrics({ scope: team, interval: 'week' });
    // a team owns its components and the system they make up
    expect(answer.entityRefs.sort()).toEqual(['component:default/api', 'component:default/web-shop', 'system:default/shop']);
    const byId = Object.fromEntries(answer.metrics.map(m => [m.id, m]));
    expect(byId.deploymentFrequency.value).toBeGreaterThan(0);
    expect(byId.deploymentFrequency.series.length).toBeGreaterThan(0);
    expect(byId.timeToRestore.value).toBeCloseTo(2);
  });

  it('reads the breakdown, the comparison and the events behind a number', async () => {
    const breakdown = await client.getBreakdown({ scope: team });
    expect(breakdown.rows.map(r => r.entityRef).sort()).toEqual(['component:default/api', 'component:default/web-shop', 'system:default/shop']);
    const comparison = await client.compareTeams({ metric: 'deploymentFrequency' });
    expect(comparison.rows.map(r => r.groupRef)).toContain('group:default/team-a');
    const events = await client.getEvents({ scope: team, metric: 'changeFailureRate' });
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.find(i => i.id === 'd3')?.reason).toBeTruthy();
  });

  it('gets the 400 the error panel shows for a refused period', async () => {
    const error = await client.getMetrics({ scope: team, from: '2026-02-01', to: '2026-01-01' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.message).toMatch(/from|to/);
  });

  it('links CSV downloads the backend answers as text/csv', async () => {
    const url = new URL(await client.getCsvUrl('breakdown', new URLSearchParams({ group: team.ref })));
    const res = await request(backend.server).get(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.split('\n')[0]).toContain(',');
  });
});
