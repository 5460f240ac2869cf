import { builtinKinds } from '@portico/catalog-model';
import { describeEachDatabase } from '@portico/test-utils';
import type { CatalogEntitiesChangedPayload } from '@portico/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations } from '../database/migrations';
import { component, group } from '../__testUtils__/entities';
import { IngestionService } from './IngestionService';
import { KindRegistry } from './KindRegistry';

function kinds() {
  const k = new KindRegistry();
  for (const kind of builtinKinds) k.add(kind);
  return k;
}

// Subscribers (scorecards' fact collectors) re-read an entity when it changes as stored, relations included.
describeEachDatabase('entities whose relations change without being written', db => {
  let store: CatalogStore;
  let ingestion: IngestionService;
  const events: CatalogEntitiesChangedPayload[] = [];
  const located = (...entities: ReturnType<typeof component>[]) => entities.map(entity => ({ entity, locationKey: 'file:/catalog.yaml' }));

  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
  });
  beforeEach(async () => {
    for (const t of ['catalog_entities', 'catalog_relations', 'catalog_search', 'catalog_fts', 'catalog_history', 'catalog_errors']) {
      await db.knex(t).delete();
    }
    events.length = 0;
    store = new CatalogStore(db.knex, { chunkSize: 2 });
    ingestion = new IngestionService({ store, kinds: kinds(), onChanges: c => { events.push(c); } });
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger'), component('web')) });
    await ingestion.applyMutation('p2', { type: 'full', entities: located(component('other')) });
    events.length = 0;
  });

  it('reports the entity at the other end of a new relation as updated', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger'), component('web', { dependsOn: ['component:ledger'] })) });
    expect(events).toHaveLength(1);
    expect(events[0].added).toEqual([]);
    expect(events[0].updated.sort()).toEqual(['component:default/ledger', 'component:default/web']);
  });

  it('reports it again when the relation is dropped, and when its source is removed', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger'), component('web', { dependsOn: ['component:ledger'] })) });
    events.length = 0;
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger'), component('web')) });
    expect(events[0].updated.sort()).toEqual(['component:default/ledger', 'component:default/web']);

    await ingestion.applyMutation('p2', { type: 'full', entities: located(component('other', { dependsOn: ['component:ledger'] })) });
    events.length = 0;
    await ingestion.removeProvider('p2');
    // team-a owned other: it lost that relation too
    expect(events).toHaveLength(1);
    expect(events[0].removed).toEqual(['component:default/other']);
    expect(events[0].updated.sort()).toEqual(['component:default/ledger', 'group:default/team-a']);
  });

  it('reports nothing more for a write that changes no relation, and never a ref that is not stored', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger', {}, { description: 'books' }), component('web')) });
    // team-a owns ledger, but that relation did not change: only ledger did
    expect(events[0].updated).toEqual(['component:default/ledger']);
    await ingestion.applyMutation('p1', { type: 'full', entities: located(group('team-a'), component('ledger', { dependsOn: ['component:nowhere'] }, { description: 'books' }), component('web')) });
    expect(events[1].updated).toEqual(['component:default/ledger']);
  });
});
