import type { AuditEventRecord } from '@portico/permission-common';
import { describeEachDatabase } from '@portico/test-utils';
import { auditMigrations, AuditStore } from './AuditStore';

const event = (n: number, fields: Partial<AuditEventRecord> = {}): AuditEventRecord => ({
  id: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  time: new Date(Date.UTC(2026, 11, 6, 7, n)).toISOString(),
  plugin: 'catalog',
  action: 'catalog.entity.delete',
  actor: 'user:default/alice',
  actorType: 'user',
  outcome: 'succeeded',
  severity: 'low',
  ...fields,
});

describeEachDatabase('AuditStore', db => {
  let store: AuditStore;
  beforeAll(async () => {
    for (const migration of auditMigrations) await migration.up(db.knex);
    store = new AuditStore(db.knex);
    for (let n = 1; n <= 7; n++) {
      await store.insert(
        event(n, {
          actor: n % 2 ? 'user:default/alice' : 'user:default/bob',
          action: n <= 5 ? 'catalog.entity.delete' : 'scaffolder.task.cancel',
          resourceRef: n === 3 ? 'component:default/search' : undefined,
          outcome: n === 4 ? 'denied' : 'succeeded',
          status: n === 4 ? 403 : undefined,
          meta: n === 2 ? { reason: 'cleanup', nested: { list: [1, 2] } } : undefined,
        }),
      );
    }
  });

  it('reads events newest first, page by page with the cursor', async () => {
    const first = await store.query({ limit: 3 });
    expect(first.items.map(e => e.id.slice(-1))).toEqual(['7', '6', '5']);
    const second = await store.query({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map(e => e.id.slice(-1))).toEqual(['4', '3', '2']);
    const third = await store.query({ limit: 3, cursor: second.nextCursor });
    expect(third.items.map(e => e.id.slice(-1))).toEqual(['1']);
    expect(third.nextCursor).toBeUndefined();
    expect(second.items[0]).toEqual(event(4, { actor: 'user:default/bob', outcome: 'denied', status: 403 }));
    expect(second.items[2].meta).toEqual({ reason: 'cleanup', nested: { list: [1, 2] } });
  });

  it('filters by actor, action (exact or prefix), resource, outcome and time', async () => {
    const ids = async (query: Parameters<AuditStore['query']>[0]) => (await store.query(query)).items.map(e => Number(e.id.slice(-1)));
    expect(await ids({ limit: 50, actor: 'user:default/bob' })).toEqual([6, 4, 2]);
    expect(await ids({ limit: 50, action: 'scaffolder.task.cancel' })).toEqual([7, 6]);
    expect(await ids({ limit: 50, action: 'scaffolder.*' })).toEqual([7, 6]);
    expect(await ids({ limit: 50, action: 'scaffolder_*' })).toEqual([]);
    expect(await ids({ limit: 50, resource: 'component:default/search' })).toEqual([3]);
    expect(await ids({ limit: 50, outcome: 'denied' })).toEqual([4]);
    expect(await ids({ limit: 50, since: new Date(Date.UTC(2026, 11, 6, 7, 5)) })).toEqual([7, 6, 5]);
    expect(await ids({ limit: 1, actor: 'user:default/alice', cursor: (await store.query({ limit: 1, actor: 'user:default/alice' })).nextCursor })).toEqual([5]);
  });

  it('removes the events older than the retention window, in batches, and keeps the rest', async () => {
    for (let n = 20; n <= 24; n++) await store.insert(event(n, { time: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString() }));
    expect(await store.deleteOlderThan(new Date(Date.UTC(2026, 0, 1)), 2)).toBe(5);
    expect((await store.query({ limit: 50 })).items.map(e => Number(e.id.slice(-2)))).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(await store.deleteOlderThan(new Date(Date.UTC(2026, 0, 1)))).toBe(0);
  });

  it('refuses a cursor it did not give out', async () => {
    await expect(store.query({ limit: 5, cursor: 'bogus' })).rejects.toThrow('query.cursor');
  });
});
