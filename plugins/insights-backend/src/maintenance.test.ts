import { describeEachDatabase, MockLogger } from '@portico/test-utils';
import { EventStore } from './database/EventStore';
import { EventIngestor } from './ingest/EventIngestor';
import { InsightsMaintenance } from './maintenance';
import { createMetricsService } from './metrics';
import { DAY, HOUR, clear, deploymentRow, fakeAuth, fakeCatalog, incidentRow, migrate } from './metrics/__testUtils__/fixtures';

const WEB = 'component:default/web-shop';
const NOW = Date.now();
const FROM = NOW - 20 * DAY;
const period = { from: FROM, to: NOW };

describeEachDatabase('InsightsMaintenance', db => {
  beforeAll(async () => {
    await migrate(db.knex);
  });
  beforeEach(async () => {
    await clear(db.knex);
  });

  const serviceWith = (config: { failureWindowMs?: number; productionEnvironments?: string[] } = {}) =>
    createMetricsService({
      db: db.knex,
      catalog: fakeCatalog(),
      auth: fakeAuth,
      config: { productionEnvironments: config.productionEnvironments ?? ['production'], failureWindowMs: config.failureWindowMs ?? 24 * HOUR },
      logger: new MockLogger(),
    });

  const values = async (service: ReturnType<typeof serviceWith>) => {
    const answer = await service.metrics({ scope: { type: 'entity', ref: WEB }, period, interval: 'week', metrics: ['deploymentFrequency', 'changeFailureRate'], token: 't' });
    return Object.fromEntries(answer.metrics.map(m => [m.id, [m.value, m.sampleSize]]));
  };

  const pushed = (id: string, finishedAt: number, extra: Record<string, unknown> = {}) => ({
    id,
    entityRef: WEB,
    environment: 'production',
    status: 'succeeded',
    finishedAt: new Date(finishedAt).toISOString(),
    source: 'ci',
    ...extra,
  });

  describe('pending updates (a write whose metrics update failed, or a crash before it ran)', () => {
    it('brings the metrics up to date when a new process starts over the same database', async () => {
      const logger = new MockLogger();
      // The first process: the metrics update of its write fails after the events were stored...
      const failing = new EventIngestor({
        store: new EventStore(db.knex),
        missingEntities: async () => [],
        metrics: {
          async eventsWritten() {
            throw new Error('connection terminated');
          },
        },
        logger,
      });
      expect(await failing.ingest('deployments', [pushed('d1', FROM + DAY), pushed('d2', FROM + 2 * DAY), pushed('d3', FROM + 3 * DAY)])).toEqual({ accepted: 3, duplicates: 0 });
      // ... then it dies right after its next write committed, before telling the metrics.
      await new EventStore(db.knex).writeIncidents([{ source: 'pd', id: 'INC-1', entity_ref: WEB, opened_at: FROM + 2 * DAY + HOUR, resolved_at: null, severity: null }]);
      // A re-send is a duplicate: it changes nothing.
      expect(await failing.ingest('deployments', [pushed('d1', FROM + DAY)])).toEqual({ accepted: 0, duplicates: 1 });

      // A new process over the same database answers from the derived rows, which never saw those writes...
      const service = serviceWith();
      expect(await values(service)).toEqual({ deploymentFrequency: [null, 0], changeFailureRate: [null, 0] });
      // ... until its start-up maintenance took the pending changes.
      const ingestor = new EventIngestor({ store: new EventStore(db.knex), missingEntities: async () => [], metrics: service, logger });
      await new InsightsMaintenance({ ingestor, metrics: service, logger }).run();
      expect(await values(service)).toEqual({ deploymentFrequency: [3 / 20, 3], changeFailureRate: [1 / 3, 3] });
      expect(await db.knex('insights_pending_updates').select()).toEqual([]);
      expect(logger.lines.some(l => l.level === 'info' && /brought the metrics up to date with 2 pending changes/.test(l.message))).toBe(true);
    });

    it('takes every pending change with the next write after a failure, and clears a write it took', async () => {
      const service = serviceWith();
      let failing = true;
      const calls: string[][] = [];
      const metrics = {
        async eventsWritten(changes: Parameters<typeof service.eventsWritten>[0]) {
          calls.push(changes.map(c => c.entityRef).sort());
          if (failing) throw new Error('database is locked');
          await service.eventsWritten(changes);
        },
      };
      const logger = new MockLogger();
      const ingestor = new EventIngestor({ store: new EventStore(db.knex), missingEntities: async () => [], metrics, logger });
      await ingestor.ingest('deployments', [pushed('a1', FROM + DAY)]);
      expect(logger.lines.some(l => l.level === 'error' && /retried with the next write: database is locked/.test(l.message))).toBe(true);
      failing = false;
      await ingestor.ingest('deployments', [pushed('b1', FROM + 2 * DAY, { entityRef: 'component:default/api' })]);
      expect(calls[1]).toEqual(['component:default/api', WEB]);
      expect(await values(service)).toMatchObject({ deploymentFrequency: [1 / 20, 1] });
      // Taken: not sent a third time.
      await ingestor.ingest('deployments', [pushed('b2', FROM + 3 * DAY, { entityRef: 'component:default/api' })]);
      expect(calls[2]).toEqual(['component:default/api']);
      expect(await db.knex('insights_pending_updates').select()).toEqual([]);
    });

    it('leaves the periodic sweep the changes a minute old or more (younger ones are being updated by their write)', async () => {
      const service = serviceWith();
      expect(await service.reconcileDefinitions!()).toBe('recorded');
      const store = new EventStore(db.knex);
      await store.writeDeployments([{ ...deploymentRow('web-shop', FROM + DAY, { id: 'old' }), version: null, commit_sha: null }], Date.now() - 2 * 60_000);
      await store.writeDeployments([{ ...deploymentRow('web-shop', FROM + 10 * DAY, { id: 'young' }), version: null, commit_sha: null }]);
      const logger = new MockLogger();
      const maintenance = new InsightsMaintenance({ ingestor: new EventIngestor({ store, missingEntities: async () => [], metrics: service, logger }), metrics: service, logger });
      await maintenance.run({ sweep: true });
      expect(await values(service)).toMatchObject({ deploymentFrequency: [1 / 20, 1] });
      expect(await db.knex('insights_pending_updates').count({ n: '*' })).toEqual([{ n: db.engine === 'pg' ? '1' : 1 }]);
      await maintenance.run();
      expect(await values(service)).toMatchObject({ deploymentFrequency: [2 / 20, 2] });
    });
  });

  describe('a changed definitions config (insights.failureWindow, insights.productionEnvironments)', () => {
    /** Three production deployments and one to `prod`; an incident 30 h after the first (in a 48 h window, not 24 h). */
    async function seed() {
      await db.knex('deployments').insert([
        deploymentRow('web-shop', FROM + DAY, { id: 'p1' }),
        deploymentRow('web-shop', FROM + 3 * DAY, { id: 'p2' }),
        deploymentRow('web-shop', FROM + 5 * DAY, { id: 'p3' }),
        deploymentRow('web-shop', FROM + 7 * DAY, { id: 'eu', environment: 'Prod' }),
      ]);
      await db.knex('incidents').insert(incidentRow('web-shop', FROM + DAY + 30 * HOUR, null, { id: 'INC-30h' }));
    }

    it('recomputes the derived rows at start when it changed, answering from the old rows until then', async () => {
      await seed();
      const before = serviceWith();
      await before.rebuildRollups!();
      expect(await values(before)).toEqual({ deploymentFrequency: [3 / 20, 3], changeFailureRate: [0, 3] });
      // Rows exist but no config is recorded (rows computed before this was kept): recomputed, then recorded.
      expect(await before.reconcileDefinitions!()).toBe('rebuilt');
      expect(await before.reconcileDefinitions!()).toBe('unchanged');

      const logger = new MockLogger();
      const after = createMetricsService({ db: db.knex, catalog: fakeCatalog(), auth: fakeAuth, config: { productionEnvironments: ['production', ' prod'], failureWindowMs: 48 * HOUR }, logger });
      expect(await values(after)).toEqual({ deploymentFrequency: [3 / 20, 3], changeFailureRate: [0, 3] });
      const maintenance = new InsightsMaintenance({ ingestor: { processPending: async () => 0 }, metrics: after, logger });
      await maintenance.run();
      expect(await values(after)).toEqual({ deploymentFrequency: [4 / 20, 4], changeFailureRate: [1 / 4, 4] });
      const events = await after.events({ scope: { type: 'entity', ref: WEB }, metric: 'changeFailureRate', period, token: 't' });
      expect(events.items.map(i => [i.id, i.reason])).toEqual([
        ['eu', 'succeeded: no incident, rollback or hotfix within 2 days after'],
        ['p3', 'succeeded: no incident, rollback or hotfix within 2 days after'],
        ['p2', 'succeeded: no incident, rollback or hotfix within 2 days after'],
        ['p1', 'failed: incident INC-30h opened 30 h after'],
      ]);
      expect(logger.lines.map(l => l.message)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('changed from productionEnvironments [production], failureWindow 86400000 ms to productionEnvironments [prod, production], failureWindow 172800000 ms'),
          expect.stringMatching(/^Insights: recomputed the derived rows of every entity in \d+ ms$/),
        ]),
      );
      // The same config written differently is the same; and a later sweep of this process does not check again.
      const same = serviceWith({ productionEnvironments: ['PROD', 'production', 'prod'], failureWindowMs: 48 * HOUR });
      expect(await same.reconcileDefinitions!()).toBe('unchanged');
      expect(await serviceWith().reconcileDefinitions!()).toBe('rebuilt');
      await maintenance.run({ sweep: true });
      // (read through a new service: each keeps its reads for a second)
      expect(await values(serviceWith())).toEqual({ deploymentFrequency: [3 / 20, 3], changeFailureRate: [0, 3] });
    });

    it('lets the updates of writes run between chunks of entities while it recomputes, instead of after all of them', async () => {
      const refs = Array.from({ length: 120 }, (_, i) => `component:default/svc-${String(i).padStart(3, '0')}`);
      await db.knex('deployments').insert(refs.map((ref, i) => ({ ...deploymentRow('x', FROM + DAY, { id: `r${i}` }), entity_ref: ref })));
      await db.knex('insights_state').insert({ key: 'definitions', value: 'an older config', updated_at: 0 });
      const service = serviceWith();
      const order: string[] = [];
      let write: Promise<void> | undefined;
      // A push lands as the first chunk's update starts.
      const onQuery = (query: { sql: string }) => {
        if (!write && /^select \* from ["`]deployments["`] where ["`]entity_ref["`] in/i.test(query.sql)) {
          write = service.eventsWritten([{ entityRef: WEB, type: 'deployment', from: FROM, to: FROM }]).then(() => void order.push('write'));
        }
      };
      db.knex.on('query', onQuery);
      try {
        await service.reconcileDefinitions!().then(result => void order.push(result));
        await write;
      } finally {
        db.knex.removeListener('query', onQuery);
      }
      expect(order).toEqual(['write', 'rebuilt']);
      expect(Number((await db.knex('insights_deploy_outcomes').count({ n: '*' }))[0]!.n)).toBe(120);
    });

    it('records the config of an empty store without recomputing, and recomputes again after a rebuild stopped midway', async () => {
      expect(await serviceWith().reconcileDefinitions!()).toBe('recorded');
      expect(await serviceWith().reconcileDefinitions!()).toBe('unchanged');
      await seed();
      const wider = serviceWith({ failureWindowMs: 48 * HOUR });
      const stopped = new AbortController();
      stopped.abort();
      expect(await wider.reconcileDefinitions!({ signal: stopped.signal })).toBe('aborted');
      expect(await wider.reconcileDefinitions!()).toBe('rebuilt');
      expect(await values(wider)).toEqual({ deploymentFrequency: [3 / 20, 3], changeFailureRate: [1 / 3, 3] });
    });
  });
});
