import { createTestDatabase, MockLogger, type TestDatabase } from '@portico/test-utils';
import { EventStore } from '../database/EventStore';
import { migrations } from '../database/migrations';
import type { EventsWritten } from '../metrics/MetricsService';
import { EventIngestor } from './EventIngestor';

const deployment = (id: string, entityRef: string) => ({ id, entityRef, environment: 'production', status: 'succeeded', finishedAt: '2026-11-01T10:00:00Z', source: 'ci' });

describe('EventIngestor', () => {
  let db: TestDatabase & { destroy(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    for (const m of migrations) await m.up(db.knex);
  });
  afterAll(() => db.destroy());

  it('sends the changes a failed metrics update missed again with the next write (they stay pending in the database)', async () => {
    const calls: EventsWritten[][] = [];
    let failing = true;
    const metrics = {
      async eventsWritten(changes: EventsWritten[]) {
        calls.push(changes);
        if (failing) throw new Error('database is locked');
      },
    };
    const logger = new MockLogger();
    const ingestor = new EventIngestor({ store: new EventStore(db.knex), missingEntities: async () => [], metrics, logger });
    expect(await ingestor.ingest('deployments', [deployment('1', 'web-shop')])).toEqual({ accepted: 1, duplicates: 0 });
    expect(logger.lines.some(l => l.level === 'error' && /retried with the next write: database is locked/.test(l.message))).toBe(true);
    failing = false;
    await ingestor.ingest('deployments', [deployment('2', 'api')]);
    expect(calls[1].map(c => c.entityRef).sort()).toEqual(['component:default/api', 'component:default/web-shop']);
    // Taken: not sent a third time.
    await ingestor.ingest('deployments', [deployment('3', 'api')]);
    expect(calls[2].map(c => c.entityRef)).toEqual(['component:default/api']);
    expect(await db.knex('insights_pending_updates').select()).toEqual([]);
  });

  it('does not call the metrics for a batch of duplicates only', async () => {
    const calls: EventsWritten[][] = [];
    const ingestor = new EventIngestor({ store: new EventStore(db.knex), missingEntities: async () => [], metrics: { eventsWritten: async c => void calls.push(c) }, logger: new MockLogger() });
    await ingestor.ingest('deployments', [deployment('dup', 'web-shop')]);
    expect(await ingestor.ingest('deployments', [deployment('dup', 'web-shop')])).toEqual({ accepted: 0, duplicates: 1 });
    expect(calls).toHaveLength(1);
  });
});
