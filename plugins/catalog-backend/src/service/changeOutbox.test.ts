import { builtinKinds } from '@portico/catalog-model';
import { describeEachDatabase } from '@portico/test-utils';
import type { CatalogEntitiesChangedPayload } from '@portico/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations } from '../database/migrations';
import { component } from '../__testUtils__/entities';
import { IngestionService } from './IngestionService';
import { KindRegistry } from './KindRegistry';

function kinds() {
  const k = new KindRegistry();
  for (const kind of builtinKinds) k.add(kind);
  return k;
}

const deferred = (...names: string[]) => names.map(n => ({ entity: component(n, { owner: 'group:default/team-a' }), locationKey: 'file:/x.yaml' }));

describeEachDatabase('the catalog change outbox', db => {
  let store: CatalogStore;
  const events: CatalogEntitiesChangedPayload[] = [];
  const outboxRows = async () => Number((await db.knex('catalog_change_outbox').count({ n: '*' }))[0].n);

  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
    store = new CatalogStore(db.knex, { chunkSize: 2 });
  });
  beforeEach(async () => {
    events.length = 0;
    await db.knex('catalog_change_outbox').delete();
  });

  it('records each committed chunk with the change and forgets it once the change is published', async () => {
    const ingestion = new IngestionService({ store, kinds: kinds(), onChanges: c => void events.push(c) });
    await ingestion.applyMutation('p1', { type: 'full', entities: deferred('a', 'b', 'c') });
    expect(events.flatMap(e => e.added).sort()).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
    expect(await outboxRows()).toBe(0);
  });

  it('publishes at the next start what a process that died after the commit never announced', async () => {
    // the process dies in its subscriber: the rows stay, as they would after a kill between commit and publish
    const dying = new IngestionService({
      store,
      kinds: kinds(),
      onChanges: () => {
        throw new Error('unreachable');
      },
    });
    (store as unknown as { markChangesDelivered: () => Promise<void> }).markChangesDelivered = async () => undefined;
    try {
      await dying.applyMutation('p2', { type: 'full', entities: deferred('d', 'e', 'f') });
    } finally {
      delete (store as unknown as { markChangesDelivered?: unknown }).markChangesDelivered;
    }
    expect(await outboxRows()).toBe(2); // chunks of two

    const next = new IngestionService({ store, kinds: kinds(), onChanges: c => void events.push(c) });
    // on the refresh schedule only rows older than the age given are taken: these are fresh
    expect(await next.publishUndelivered({ olderThanMs: 60_000 })).toBe(0);
    expect(events).toEqual([]);
    expect(await next.publishUndelivered()).toBe(3);
    expect(events.flatMap(e => e.updated).sort()).toEqual(['component:default/d', 'component:default/e', 'component:default/f']);
    expect(await outboxRows()).toBe(0);
    expect(await next.publishUndelivered()).toBe(0);
  });

  it('keeps the rows of changes whose publish failed (the events store unreachable) and announces them once it answers', async () => {
    let reachable = false;
    const failures: number[] = [];
    const ingestion = new IngestionService({
      store,
      kinds: kinds(),
      onChanges: c => {
        if (!reachable) throw new Error('events store unreachable');
        events.push(c);
      },
      onPublishFailed: (_error, rows) => void failures.push(rows),
    });
    await ingestion.applyMutation('p3', { type: 'full', entities: deferred('g', 'h', 'i') });
    expect(failures).toEqual([2]); // the two chunks' rows, announced together after the mutation, all kept
    expect(await outboxRows()).toBe(2);
    // still unreachable: nothing is lost and the retry stops instead of spinning
    expect(await ingestion.publishUndelivered()).toBe(0);
    expect(await outboxRows()).toBe(2);
    reachable = true;
    expect(await ingestion.publishUndelivered()).toBe(3);
    expect(events.flatMap(e => e.updated).sort()).toEqual(['component:default/g', 'component:default/h', 'component:default/i']);
    expect(await outboxRows()).toBe(0);
  });
});
