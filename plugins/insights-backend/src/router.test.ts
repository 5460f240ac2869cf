import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import {
  INSIGHTS_METRICS,
  type InsightsBreakdownResponse,
  type InsightsComparisonResponse,
  type InsightsEventsResponse,
  type InsightsMetricsResponse,
} from '@portico/plugin-insights-common';
import { mockCredentials, mockServices } from '@portico/test-utils';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import { EventStore } from './database/EventStore';
import { migrations } from './database/migrations';
import { EventIngestor } from './ingest/EventIngestor';
import type { MetricsService } from './metrics/MetricsService';
import { createRouter } from './router';

type Call = { method: string; request: Record<string, unknown> };

/** A MetricsService answering canned values and recording what the routes asked. */
class FakeMetrics implements MetricsService {
  readonly calls: Call[] = [];
  async metrics(request: Parameters<MetricsService['metrics']>[0]): Promise<InsightsMetricsResponse> {
    this.calls.push({ method: 'metrics', request });
    const d = INSIGHTS_METRICS.deploymentFrequency;
    return {
      scope: request.scope,
      from: new Date(request.period.from).toISOString(),
      to: new Date(request.period.to).toISOString(),
      interval: request.interval,
      entityRefs: ['component:default/web-shop'],
      metrics: [
        {
          id: d.id,
          title: d.title,
          unit: d.unit,
          definition: d.definition,
          value: 1.5,
          sampleSize: 21,
          band: 'elite',
          previous: { value: null, sampleSize: 0, insufficientData: 'no production deployments' },
          series: [{ start: '2026-11-02T00:00:00.000Z', end: '2026-11-09T00:00:00.000Z', value: 1.5, sampleSize: 21 }],
        },
      ],
    };
  }
  async breakdown(request: Parameters<MetricsService['breakdown']>[0]): Promise<InsightsBreakdownResponse> {
    this.calls.push({ method: 'breakdown', request });
    return { scope: request.scope, from: 'f', to: 't', rows: [{ entityRef: 'component:default/web-shop', title: '=HYPERLINK("http://evil")', metrics: { leadTime: { value: 12.5, sampleSize: 4 } } as never }] };
  }
  async compare(request: Parameters<MetricsService['compare']>[0]): Promise<InsightsComparisonResponse> {
    this.calls.push({ method: 'compare', request });
    const m = INSIGHTS_METRICS[request.metric];
    return {
      metric: m.id,
      title: m.title,
      unit: m.unit,
      definition: m.definition,
      from: 'f',
      to: 't',
      rows: [{ groupRef: 'group:default/team-a', title: 'Team "A", the shop', entities: 2, value: 0.1, sampleSize: 10, band: 'high' }],
    };
  }
  async events(request: Parameters<MetricsService['events']>[0]): Promise<InsightsEventsResponse> {
    this.calls.push({ method: 'events', request });
    return {
      metric: request.metric,
      items: [{ type: 'deployment', id: 'run-1', source: 'ci', entityRef: 'component:default/web-shop', at: '2026-11-03T10:00:00.000Z', value: 1, reason: '+incident INC-1 opened 40 min after', event: {} }],
      nextCursor: 'page-2',
    };
  }
  async facts(): Promise<Map<string, Record<string, number>>> {
    return new Map();
  }
  async eventsWritten(): Promise<void> {}
}

describe('GET /api/insights/metrics, /breakdown, /compare, /events', () => {
  const metrics = new FakeMetrics();
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  const get = (path: string) => request(backend.server).get(`/api/insights${path}`);
  const last = () => metrics.calls[metrics.calls.length - 1];

  beforeAll(async () => {
    // The router with a fake metrics engine, mounted as the insights plugin would mount it.
    const plugin = createBackendPlugin({
      pluginId: 'insights',
      register(env) {
        env.registerInit({
          deps: { http: coreServices.httpRouter, database: coreServices.database, catalog: catalogServiceRef, auth: coreServices.auth, httpAuth: coreServices.httpAuth, permissions: coreServices.permissions, logger: coreServices.logger },
          async init({ http, database, catalog, auth, httpAuth, permissions, logger }) {
            await database.migrate(migrations);
            const ingestor = new EventIngestor({ store: new EventStore(await database.getClient()), missingEntities: async () => [], logger });
            http.use(createRouter({ ingestor, metrics, catalog, auth, httpAuth, permissions }));
          },
        });
      },
    });
    backend = await startInsightsBackend({
      features: [plugin],
      // An outsider may read no entity.
      services: [mockServices.permissions.factory((query, credentials) => (credentials.principal.type === 'user' && credentials.principal.userEntityRef === 'user:default/outsider' && query.permission.name.startsWith('catalog.entity') ? 'DENY' : 'ALLOW'))],
    });
  });
  afterAll(() => backend?.cleanup());

  it('answers the metrics of an entity over the last 30 days by week by default', async () => {
    const before = Date.now();
    const res = await get('/metrics?entityRef=web-shop').expect(200);
    expect(res.body.metrics[0]).toMatchObject({ id: 'deploymentFrequency', value: 1.5, band: 'elite' });
    const { request: asked } = last();
    expect(asked).toMatchObject({ scope: { type: 'entity', ref: 'component:default/web-shop' }, interval: 'week', token: expect.any(String) });
    const period = asked.period as { from: number; to: number };
    expect(period.to).toBeGreaterThanOrEqual(before);
    expect(period.to - period.from).toBe(30 * 86_400_000);
    expect(asked.metrics).toBeUndefined();
  });

  it('reads each scope, the range, the interval and the metrics asked for', async () => {
    await get('/metrics?group=team-a&subTeams=true&from=2026-10-01&to=2026-10-31&interval=day&metric=leadTime,changeFailureRate').expect(200);
    expect(last().request).toMatchObject({
      scope: { type: 'group', ref: 'group:default/team-a', subTeams: true },
      period: { from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z') },
      interval: 'day',
      metrics: ['leadTime', 'changeFailureRate'],
    });
    await get('/metrics?system=system:default/shop&from=2026-10-01T00:00:00%2B02:00&to=2026-10-02T00:00:00Z').expect(200);
    expect(last().request).toMatchObject({ scope: { type: 'system', ref: 'system:default/shop' }, period: { from: Date.parse('2026-09-30T22:00:00Z'), to: Date.parse('2026-10-02T00:00:00Z') } });
    await get('/metrics?domain=shop&from=2026-10-01T00:00:00+02:00&to=2026-10-02').expect(404);
    await get('/metrics?system=shop&from=2026-10-01T00:00:00+02:00&to=2026-10-02').expect(200);
    expect(last().request).toMatchObject({ period: { from: Date.parse('2026-09-30T22:00:00Z') } });
    await get('/breakdown?group=group:default/team-a').expect(200);
    expect(last()).toMatchObject({ method: 'breakdown', request: { scope: { type: 'group', ref: 'group:default/team-a', subTeams: false } } });
  });

  const bad = async (path: string, message: string | RegExp) => {
    const res = await get(path).expect(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
  };

  it('refuses no scope, two scopes, a wrong kind, a bad range and an unknown metric, naming the parameter', async () => {
    await bad('/metrics', 'query: name exactly one scope, entityRef, group, system or domain');
    await bad('/metrics?entityRef=web-shop&group=team-a', 'query: name exactly one scope, entityRef, group, system or domain (got entityRef and group)');
    await bad('/metrics?group=component:default/web-shop', 'query.group: component:default/web-shop is not a group');
    await bad('/metrics?entityRef=web-shop&subTeams=true', 'query.subTeams: applies to a group scope only');
    await bad('/metrics?entityRef=web-shop&from=2026-11-01&to=2026-10-01', /^query\.from: 2026-11-01T00:00:00\.000Z must be before to/);
    await bad('/metrics?entityRef=web-shop&from=2023-01-01&to=2026-01-01', /^query\.to: the range .* is over 2 years/);
    await bad('/metrics?entityRef=web-shop&from=yesterday', 'query.from: "yesterday" is not an ISO 8601 date (2026-12-01) or time with a zone');
    await bad('/metrics?entityRef=web-shop&from=2026-10-01T10:00:00', /^query\.from: .* is not an ISO 8601 date/);
    await bad('/metrics?entityRef=web-shop&metric=mttr', 'query.metric: "mttr" is not a metric; the metrics are deploymentFrequency, leadTime');
    await bad('/metrics?entityRef=web-shop&interval=year', /^query\.interval: /);
    await bad('/metrics?entity=web-shop', /^query: Unrecognized key: "entity"/);
    await bad('/compare?metric=leadTime,prSize', 'query.metric: name one metric');
  });

  it('answers 404 for a scope entity that does not exist or that the caller may not read', async () => {
    const missing = await get('/metrics?entityRef=component:default/ghost').expect(404);
    expect(missing.body.error.message).toBe('No entity component:default/ghost in the catalog');
    await get('/metrics?entityRef=web-shop').set('authorization', mockCredentials.user('user:default/outsider').header()).expect(404);
    await get('/compare?metric=leadTime&groups=team-a,team-zzz').expect(404);
  });

  it('compares the teams named, or every team, on one metric', async () => {
    await get('/compare?metric=leadTime&groups=team-a,group:default/team-b&subTeams=true').expect(200);
    expect(last().request).toMatchObject({ metric: 'leadTime', groups: ['group:default/team-a', 'group:default/team-b'], subTeams: true });
    await get('/compare?metric=reviewedShare').expect(200);
    expect(last().request).toMatchObject({ metric: 'reviewedShare', subTeams: false });
    expect(last().request.groups).toBeUndefined();
  });

  it('pages the events behind a number', async () => {
    const res = await get('/events?entityRef=web-shop&metric=changeFailureRate&cursor=abc&limit=20').expect(200);
    expect(res.body).toMatchObject({ metric: 'changeFailureRate', nextCursor: 'page-2' });
    expect(last().request).toMatchObject({ metric: 'changeFailureRate', cursor: 'abc', limit: 20 });
    await bad('/events?entityRef=web-shop', /^query\.metric: /);
  });

  it('answers CSV with format=csv or Accept: text/csv, with a header row', async () => {
    const res = await get('/metrics?entityRef=web-shop&format=csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="insights-metrics.csv"');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"metric","title","unit","row","start","end","value","band","sampleSize","insufficientData"');
    expect(lines[1]).toMatch(/^"deploymentFrequency","Deployment frequency","perDay","period","[^"]+","[^"]+",1\.5,"elite",21,$/);
    expect(lines[2]).toMatch(/^"deploymentFrequency","Deployment frequency","perDay","previous",,"[^"]+",,,0,"no production deployments"$/);
    expect(lines[3]).toBe('"deploymentFrequency","Deployment frequency","perDay","week","2026-11-02T00:00:00.000Z","2026-11-09T00:00:00.000Z",1.5,,21,');

    const events = await get('/events?entityRef=web-shop&metric=changeFailureRate').set('accept', 'text/csv').expect(200);
    expect(events.headers['x-next-cursor']).toBe('page-2');
    expect(events.text.split('\r\n')[1]).toBe('"changeFailureRate","deployment","ci","run-1","component:default/web-shop","2026-11-03T10:00:00.000Z",1,"\'+incident INC-1 opened 40 min after"');
  });

  it('escapes quotes and stops spreadsheet formulas in CSV cells', async () => {
    const breakdown = await get('/breakdown?group=team-a&format=csv').expect(200);
    expect(breakdown.text.split('\r\n')[1]).toMatch(/^"component:default\/web-shop","'=HYPERLINK\(""http:\/\/evil""\)",,,12\.5,4,/);
    const compare = await get('/compare?metric=leadTime&format=csv').expect(200);
    expect(compare.text.split('\r\n')[1]).toBe('"group:default/team-a","Team ""A"", the shop","leadTime","hours","f","t",2,0.1,"high",10,');
  });
});
