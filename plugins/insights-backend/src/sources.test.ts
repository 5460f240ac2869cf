import request from 'supertest';
import { createBackendModule } from '@portico/backend-plugin-api';
import type { DeploymentEvent, PushResult } from '@portico/plugin-insights-common';
import { insightsSourcesExtensionPoint, type InsightsBackfillContext, type InsightsSink } from '@portico/plugin-insights-node';
import { eventually } from '@portico/test-utils';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import { insightsPlugin } from './plugin';

const DAY = 86_400_000;

/** A vendor's history: 250 deployments, read 50 per page; a source resumes at the page its checkpoint names. */
const HISTORY: DeploymentEvent[] = Array.from({ length: 250 }, (_, i) => ({
  id: `deploy-${i}`,
  entityRef: i % 2 ? 'component:default/web-shop' : 'component:default/api',
  environment: 'production',
  status: 'succeeded',
  finishedAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
  source: 'vendor',
}));
const PAGE = 50;

class FakeSource {
  readonly id = 'vendor';
  /** The page at which the next run fails (the vendor going down), once. */
  failAtPage: number | undefined;
  readonly results: PushResult[] = [];
  readonly runs: InsightsBackfillContext[] = [];
  connected: InsightsSink | undefined;

  async backfill(context: InsightsBackfillContext): Promise<void> {
    this.runs.push(context);
    let page = Number((await context.checkpoint.get('page')) ?? 0);
    for (; page * PAGE < HISTORY.length; page++) {
      if (this.failAtPage === page) {
        this.failAtPage = undefined;
        throw new Error('vendor answered 503');
      }
      this.results.push(await context.sink.addDeployments(HISTORY.slice(page * PAGE, (page + 1) * PAGE)));
      await context.checkpoint.set('page', String(page + 1));
    }
    // A finished backfill starts over next time (the store keeps it idempotent).
    await context.checkpoint.set('page', '0');
  }

  connect(sink: InsightsSink): void {
    this.connected = sink;
  }
}

describe('sources on insights.sources', () => {
  const source = new FakeSource();
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  const started = Date.now();

  beforeAll(async () => {
    const module = createBackendModule({
      pluginId: 'insights',
      moduleId: 'vendor',
      register(env) {
        env.registerInit({ deps: { sources: insightsSourcesExtensionPoint }, async init({ sources }) { sources.addSource(source); } });
      },
    });
    backend = await startInsightsBackend({ features: [insightsPlugin, module], manualSchedulers: true, config: { insights: { backfillWindow: 'P30D', retention: 'P60D' } } });
  });
  afterAll(() => backend?.cleanup());

  it('schedules the backfill of each source and the retention task, once across instances', () => {
    const tasks = backend.schedulers.get('insights').tasks;
    expect(tasks.get('source:vendor:backfill')).toMatchObject({ scope: 'global', frequency: { duration: { milliseconds: 3_600_000 } } });
    expect(tasks.get('retention')).toMatchObject({ scope: 'global', frequency: { duration: { days: 1 } } });
  });

  it('connects each source with the sink once the backend has started', async () => {
    await eventually(() => expect(source.connected).toBeDefined());
    const item = { ...HISTORY[0], id: 'webhook-1' };
    expect(await source.connected!.addDeployments([item])).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('resumes a backfill that failed midway from its checkpoint, counting nothing twice', async () => {
    source.failAtPage = 3;
    await expect(backend.schedulers.triggerTask('source:vendor:backfill')).rejects.toThrow('vendor answered 503');
    expect(source.results.reduce((n, r) => n + r.accepted, 0)).toBe(3 * PAGE);
    await backend.schedulers.triggerTask('source:vendor:backfill');
    expect(source.results).toHaveLength(HISTORY.length / PAGE);
    expect(source.results.reduce((n, r) => n + r.accepted, 0)).toBe(HISTORY.length);
    expect(source.results.reduce((n, r) => n + r.duplicates, 0)).toBe(0);
    // The backfill window reaches back insights.backfillWindow from the run.
    const since = source.runs[1].since.getTime();
    expect(since).toBeGreaterThanOrEqual(started - 30 * DAY);
    expect(since).toBeLessThanOrEqual(Date.now() - 30 * DAY);
  });

  it('stores nothing twice when a whole backfill runs again', async () => {
    source.results.length = 0;
    await backend.schedulers.triggerTask('source:vendor:backfill');
    expect(source.results.reduce((n, r) => n + r.accepted, 0)).toBe(0);
    expect(source.results.reduce((n, r) => n + r.duplicates, 0)).toBe(HISTORY.length);
  });

  it('refuses a source item naming an unknown entity, like the push API', async () => {
    await expect(source.connected!.addDeployments([{ ...HISTORY[0], id: 'x', entityRef: 'component:default/ghost' }])).rejects.toThrow(
      'deployments[0].entityRef: no entity component:default/ghost in the catalog',
    );
  });

  it('names the item of a long list by its place in the whole list', async () => {
    const items = Array.from({ length: 1005 }, (_, i) => ({ ...HISTORY[0], id: `long-${i}`, ...(i === 1003 ? { status: 'done' as never } : {}) }));
    await expect(source.connected!.addDeployments(items)).rejects.toThrow(/^deployments\[1003\]\.status: /);
  });

  it('deletes events past insights.retention on the daily task', async () => {
    const old = { ...HISTORY[0], id: 'old-1', finishedAt: new Date(Date.now() - 90 * DAY).toISOString() };
    const recent = { ...HISTORY[0], id: 'recent-1', finishedAt: new Date(Date.now() - DAY).toISOString() };
    const push = () => request(backend.server).post('/api/insights/deployments').send({ deployments: [old, recent] });
    expect((await push().expect(202)).body).toEqual({ accepted: 2, duplicates: 0 });
    // the deployments counted 120 to 60 days ago: the old one only
    const counted = async () => {
      const from = new Date(Date.now() - 120 * DAY).toISOString();
      const to = new Date(Date.now() - 60 * DAY).toISOString();
      const res = await request(backend.server).get(`/api/insights/events?entityRef=${encodeURIComponent(old.entityRef)}&metric=changeFailureRate&from=${from}&to=${to}`).expect(200);
      return (res.body.items as Array<{ id: string }>).map(i => i.id);
    };
    expect(await counted()).toEqual(['old-1']);
    await backend.schedulers.triggerTask('retention');
    // its derived rows went with it: no metric counts the deleted deployment
    expect(await counted()).toEqual([]);
    // The old deployment was deleted, so it is new again; the recent one was kept.
    expect((await push().expect(202)).body).toEqual({ accepted: 1, duplicates: 1 });
  });
});
