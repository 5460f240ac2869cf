import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { databaseEngineOf } from '@portico/backend-plugin-api';
import { builtinKinds } from '@portico/catalog-model';
import { describeEachDatabase, MockLogger } from '@portico/test-utils';
import type { CatalogEntitiesChangedPayload, EntityProviderConnection } from '@portico/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations, DERIVED_INDEXES } from '../database/migrations';
import { component, group } from '../__testUtils__/entities';
import { IngestionService } from './IngestionService';
import { KindRegistry } from './KindRegistry';
import { ProviderRegistry } from './ProviderRegistry';

function kinds() {
  const k = new KindRegistry();
  for (const kind of builtinKinds) k.add(kind);
  return k;
}

describeEachDatabase('IngestionService', db => {
  let store: CatalogStore;
  let ingestion: IngestionService;
  const events: CatalogEntitiesChangedPayload[] = [];

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
  });

  async function served(ref: string) {
    const row = await store.getRowByRef(ref);
    if (!row) return undefined;
    const rel = JSON.parse((await store.servedRelationsOf([ref])).get(ref)!) as Array<{ type: string; targetRef: string }>;
    return { entity: JSON.parse(row.body), relations: rel.map(r => `${r.type}:${r.targetRef}`).sort() };
  }

  it('removes entities stored with keys that reach prototypes, and only those', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [component('bad'), component('good', { note: 'a constructor of "prototype" values' })].map(entity => ({ entity, locationKey: 'file:a' })) });
    // as an entity stored before such keys were refused
    const bad = (await store.getRowByRef('component:default/bad'))!;
    await db.knex('catalog_entities').where({ id: bad.id }).update({ body: bad.body.replace('"spec":{', '"spec":{"__proto__":{"polluted":"yes"},') });
    expect(await ingestion.removeEntitiesWithForbiddenKeys()).toEqual(['component:default/bad']);
    expect(await store.getRowByRef('component:default/bad')).toBeUndefined();
    expect(await store.getRowByRef('component:default/good')).toBeDefined();
    expect(await ingestion.removeEntitiesWithForbiddenKeys()).toEqual([]);
  });

  it('finishes the writes in progress on close, then refuses new ones', async () => {
    async function* slow() {
      for (let i = 0; i < 5; i++) {
        await new Promise(resolve => setTimeout(resolve, 5));
        yield [{ entity: component(`svc-${i}`), locationKey: 'file:a' }];
      }
    }
    const loading = ingestion.applyMutation('p1', { type: 'full', entities: slow() });
    const queued = ingestion.applyMutation('p2', { type: 'delta', added: [{ entity: group('team-a'), locationKey: 'file:b' }], removed: [] });
    await ingestion.close();
    // both were under way or queued before close: they completed, nothing was cut off
    expect((await loading).added).toHaveLength(5);
    expect((await queued).added).toEqual(['group:default/team-a']);
    expect(await store.countEntities()).toBe(6);
    await expect(ingestion.applyMutation('p1', { type: 'delta', added: [{ entity: component('late'), locationKey: 'file:a' }], removed: [] }))
      .rejects.toThrow(/shutting down/);
    expect(await store.getRowByRef('component:default/late')).toBeUndefined();
  });

  it('drops a provider\'s writes that arrive after close with a warning, not an error', async () => {
    const logger = new MockLogger();
    const registry = new ProviderRegistry(ingestion, logger);
    let connection: EntityProviderConnection | undefined;
    await registry.connect({ getProviderName: () => 'late-provider', async connect(c) { connection = c; } });
    await ingestion.close();
    await expect(connection!.applyMutation({ type: 'full', entities: [{ entity: component('late'), locationKey: 'file:a' }] })).resolves.toBeUndefined();
    await expect(connection!.reportErrors!({ locationKeys: ['file:a'], errors: [] })).resolves.toBeUndefined();
    expect(await store.getRowByRef('component:default/late')).toBeUndefined();
    expect(logger.lines.filter(l => l.level === 'warn').map(l => l.message)).toEqual([
      "Ignored a mutation from provider 'late-provider': the catalog is shutting down",
      "Ignored an error report from provider 'late-provider': the catalog is shutting down",
    ]);
  });

  it('stores a full mutation with relations in both directions, across chunks', async () => {
    const changes = await ingestion.applyMutation('p1', {
      type: 'full',
      entities: [
        { entity: group('team-a'), locationKey: 'file:a' },
        { entity: component('svc-1', { system: 'sys' }), locationKey: 'file:a' },
        { entity: component('svc-2', { dependsOn: ['component:svc-1'] }), locationKey: 'file:a' },
      ],
    });
    expect(changes.added.sort()).toEqual(['component:default/svc-1', 'component:default/svc-2', 'group:default/team-a']);
    const svc1 = await served('component:default/svc-1');
    expect(svc1!.entity.spec.owner).toBe('team-a'); // served as authored
    expect(svc1!.entity.metadata.uid).toEqual(expect.any(String));
    expect(svc1!.relations).toEqual([
      'dependencyOf:component:default/svc-2',
      'ownedBy:group:default/team-a',
      'partOf:system:default/sys',
    ]);
    const team = await served('group:default/team-a');
    expect(team!.relations).toEqual(['ownerOf:component:default/svc-1', 'ownerOf:component:default/svc-2']);
    expect(events).toHaveLength(1);
  });

  it('writes nothing for unchanged input and keeps the uid on change', async () => {
    const entities = [{ entity: component('svc-1'), locationKey: 'file:a' }];
    await ingestion.applyMutation('p1', { type: 'full', entities });
    const before = await store.getRowByRef('component:default/svc-1');
    const gen = store.getGeneration();
    const again = await ingestion.applyMutation('p1', { type: 'full', entities });
    expect(again).toEqual({ added: [], updated: [], removed: [] });
    expect(store.getGeneration()).toBe(gen);
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('svc-1', { lifecycle: 'deprecated' }), locationKey: 'file:a' }] });
    const after = await store.getRowByRef('component:default/svc-1');
    expect(after!.id).toBe(before!.id);
    expect(after!.etag).not.toBe(before!.etag);
    const history = await store.getHistory('component:default/svc-1', 10);
    expect(history.map(h => h.action)).toEqual(['updated', 'created']);
    expect(JSON.parse(history[0].diff)).toEqual([{ path: 'spec.lifecycle', op: 'replace', before: 'production', after: 'deprecated' }]);
  });

  it('records an invalid entity with the field and keeps the last good version', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('svc-1'), locationKey: 'file:a' }] });
    const bad = component('svc-1', { owner: 'not a ref!' });
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: bad, locationKey: 'file:a' }] });
    expect((await served('component:default/svc-1'))!.entity.spec.owner).toBe('team-a');
    const errors = await store.listErrors({ provider: 'p1' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'validation', entityRef: 'component:default/svc-1', locationKey: 'file:a' });
    expect(errors[0].message).toMatch(/^spec\.owner: /);
    // fixing it clears the error
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('svc-1', { lifecycle: 'x' }), locationKey: 'file:a' }] });
    expect(await store.listErrors({ provider: 'p1' })).toEqual([]);
  });

  it('keeps the first source of a ref and records a conflict', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('svc-1'), locationKey: 'file:a' }] });
    await ingestion.applyMutation('p2', { type: 'full', entities: [{ entity: component('svc-1', { lifecycle: 'other' }), locationKey: 'file:b' }] });
    expect((await served('component:default/svc-1'))!.entity.spec.lifecycle).toBe('production');
    const errors = await store.listErrors({ provider: 'p2' });
    expect(errors).toEqual([expect.objectContaining({ type: 'conflict', entityRef: 'component:default/svc-1' })]);
    expect(errors[0].message).toContain('already provided by p1');
  });

  it('deletes orphans by default and annotates them with orphanStrategy keep', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('a') }, { entity: component('b') }] });
    const changes = await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('a') }] });
    expect(changes.removed).toEqual(['component:default/b']);
    expect(await store.getRowByRef('component:default/b')).toBeUndefined();

    const keep = new IngestionService({ store, kinds: kinds(), orphanStrategy: 'keep' });
    await keep.applyMutation('p9', { type: 'full', entities: [{ entity: component('c') }] });
    await keep.applyMutation('p9', { type: 'full', entities: [] });
    const c = await served('component:default/c');
    expect(c!.entity.metadata.annotations).toEqual({ 'backstage.io/orphan': 'true' });
    expect(c!.relations).toEqual(['ownedBy:group:default/team-a']);
  });

  it('applies delta mutations', async () => {
    await ingestion.applyMutation('p1', { type: 'delta', added: [{ entity: component('a') }, { entity: component('b') }], removed: [] });
    await ingestion.applyMutation('p1', { type: 'delta', added: [], removed: [{ entityRef: 'component:default/a' }] });
    expect(await store.getRowByRef('component:default/a')).toBeUndefined();
    expect(await store.getRowByRef('component:default/b')).toBeDefined();
  });

  it('takes a full mutation streamed in chunks: relations across chunks, duplicates and orphans', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('old'), locationKey: 'file:a' }] });
    async function* chunks() {
      yield [{ entity: component('svc-1', { dependsOn: ['component:svc-3'] }), locationKey: 'file:a' }];
      yield [{ entity: group('team-a'), locationKey: 'file:a' }, { entity: component('svc-2'), locationKey: 'file:a' }];
      yield [{ entity: component('svc-3'), locationKey: 'file:a' }, { entity: component('svc-1'), locationKey: 'file:b' }];
    }
    const changes = await ingestion.applyMutation('p1', { type: 'full', entities: chunks() });
    expect(changes.added.sort()).toEqual(['component:default/svc-1', 'component:default/svc-2', 'component:default/svc-3', 'group:default/team-a']);
    expect(changes.removed).toEqual(['component:default/old']);
    expect(await store.getRowByRef('component:default/old')).toBeUndefined();
    // served relations are stitched on the rows once the stream ends, including those to later chunks
    const svc3 = await store.getRowByRef('component:default/svc-3');
    expect(JSON.parse(svc3!.relations!)).toEqual([
      { type: 'dependencyOf', targetRef: 'component:default/svc-1' },
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
    ]);
    const team = await store.getRowByRef('group:default/team-a');
    expect(JSON.parse(team!.relations!).map((r: { targetRef: string }) => r.targetRef).sort()).toEqual([
      'component:default/svc-1', 'component:default/svc-2', 'component:default/svc-3',
    ]);
    const errors = await store.listErrors({ provider: 'p1' });
    expect(errors).toEqual([expect.objectContaining({ type: 'conflict', entityRef: 'component:default/svc-1', locationKey: 'file:b' })]);
    expect(errors[0].message).toContain('emitted twice');
    expect(JSON.parse((await store.getRowByRef('component:default/svc-1'))!.body).spec.dependsOn).toEqual(['component:svc-3']);
  });

  it('keeps what a stream wrote and removes nothing when the stream fails midway', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('old'), locationKey: 'file:a' }] });
    async function* failing() {
      yield [{ entity: component('svc-1'), locationKey: 'file:a' }];
      throw new Error('the source went away');
    }
    await expect(ingestion.applyMutation('p1', { type: 'full', entities: failing() })).rejects.toThrow('the source went away');
    expect(await store.getRowByRef('component:default/old')).toBeDefined();
    expect(JSON.parse((await store.getRowByRef('component:default/svc-1'))!.relations!)).toEqual([{ type: 'ownedBy', targetRef: 'group:default/team-a' }]);
  });

  it('records a conflict, not a failure, when another instance inserts the same new ref first', async () => {
    await ingestion.applyMutation('p1', { type: 'full', entities: [{ entity: component('svc-1'), locationKey: 'file:a' }] });
    // a second instance that read the owners before the first one committed (it sees no owner)
    const lateStore = new CatalogStore(db.knex);
    const realOwners = lateStore.getOwnersByRefs.bind(lateStore);
    let stale = true;
    lateStore.getOwnersByRefs = async refs => {
      if (!stale) return realOwners(refs);
      stale = false;
      return new Map();
    };
    const late = new IngestionService({ store: lateStore, kinds: kinds() });
    const changes = await late.applyMutation('p2', {
      type: 'full',
      entities: [{ entity: component('svc-1', { lifecycle: 'experimental' }), locationKey: 'file:x' }, { entity: component('svc-9'), locationKey: 'file:x' }],
    });
    expect(changes.added).toEqual(['component:default/svc-9']);
    expect(JSON.parse((await store.getRowByRef('component:default/svc-1'))!.body).spec.lifecycle).toBe('production');
    expect(await store.getRowByRef('component:default/svc-9')).toBeDefined();
    const errors = await store.listErrors({ provider: 'p2' });
    expect(errors).toEqual([expect.objectContaining({ type: 'conflict', entityRef: 'component:default/svc-1' })]);
    expect(errors[0].message).toContain('already provided by p1');
    // the same source written by two instances at once is not a conflict
    stale = true;
    const twin = new IngestionService({ store: lateStore, kinds: kinds() });
    await twin.applyMutation('p1', { type: 'delta', added: [{ entity: component('svc-1', { lifecycle: 'deprecated' }), locationKey: 'file:a' }], removed: [] });
    expect(await store.listErrors({ provider: 'p1' })).toEqual([]);
  });
  it('serves the relations of rows not yet stitched in the stitched form, one query for a page', async () => {
    await ingestion.applyMutation('p1', {
      type: 'full',
      entities: [
        { entity: component('svc-1', { dependsOn: ['component:svc-2'] }), locationKey: 'file:a' },
        { entity: component('svc-2'), locationKey: 'file:a' },
        { entity: group('team-a'), locationKey: 'file:a' },
      ],
    });
    const refs = ['component:default/svc-1', 'group:default/team-a'];
    const stitched = new Map((await store.getRowsByRefs(refs)).map(r => [r.entityRef, JSON.parse(r.relations!)]));
    const built = await store.servedRelationsOf([...refs, 'component:default/nobody']);
    expect(new Map([...built].map(([ref, json]) => [ref, JSON.parse(json)]))).toEqual(new Map([...stitched, ['component:default/nobody', []]]));
    expect(built.get('component:default/svc-1')).toContain('"targetRef"');
    expect(stitched.get('group:default/team-a')).toEqual([
      { type: 'ownerOf', targetRef: 'component:default/svc-1' },
      { type: 'ownerOf', targetRef: 'component:default/svc-2' },
    ]);
  });

  it('facets and filters names, kinds and values as authored, from the columns or the search rows', async () => {
    await ingestion.applyMutation('p1', {
      type: 'full',
      entities: [
        { entity: component('Svc-Upper', {}, { title: 'Payments API', namespace: 'ops' }), locationKey: 'file:a' },
        { entity: component('svc-lower', {}, { title: 'payments api' }), locationKey: 'file:a' },
      ],
    });
    expect(await store.facet('metadata.name')).toEqual([{ value: 'svc-lower', count: 1 }, { value: 'Svc-Upper', count: 1 }]);
    expect(await store.facet('metadata.namespace')).toEqual([{ value: 'default', count: 1 }, { value: 'ops', count: 1 }]);
    // one facet value per lower-cased value, spelled as one of the entities authored it
    expect(await store.facet('metadata.title')).toEqual([{ value: 'Payments API', count: 2 }]);
    const names = async (filter: Parameters<CatalogStore['queryEntities']>[0]['filter'], fullText?: { term: string; fields?: string[] }) =>
      (await store.queryEntities({ filter, fullText, order: [], limit: 10 })).rows.map(r => r.entityRef);
    expect(await names({ anyOf: [{ allOf: [{ key: 'metadata.name', values: ['svc-upper'] }] }] })).toEqual(['component:ops/svc-upper']);
    expect(await names(undefined, { term: 'UPPER' })).toEqual(['component:ops/svc-upper']);
    expect(await names(undefined, { term: 'ops', fields: ['metadata.namespace'] })).toEqual(['component:ops/svc-upper']);
    expect(await names(undefined, { term: 'ops', fields: ['metadata.title'] })).toEqual([]);
  });

  it('records a conflict when another instance inserts a ref while a first load is streaming', async () => {
    // the first load looks up no owners (every row is its own), so the ref's unique key catches it
    const other = new IngestionService({ store: new CatalogStore(db.knex), kinds: kinds() });
    async function* chunks() {
      yield [{ entity: component('svc-1'), locationKey: 'file:a' }, { entity: group('team-a'), locationKey: 'file:a' }];
      await other.applyMutation('p2', { type: 'delta', added: [{ entity: component('svc-2', { lifecycle: 'experimental' }), locationKey: 'file:x' }], removed: [] });
      yield [{ entity: component('svc-2'), locationKey: 'file:a' }, { entity: component('svc-3'), locationKey: 'file:a' }];
    }
    const changes = await ingestion.applyMutation('p1', { type: 'full', entities: chunks() });
    expect(changes.added.sort()).toEqual(['component:default/svc-1', 'component:default/svc-3', 'group:default/team-a']);
    expect(JSON.parse((await store.getRowByRef('component:default/svc-2'))!.body).spec.lifecycle).toBe('experimental');
    expect(await store.listErrors({ provider: 'p1' })).toEqual([
      expect.objectContaining({ type: 'conflict', entityRef: 'component:default/svc-2', message: expect.stringContaining('already provided by p2') }),
    ]);
    // p2's svc-2 names team-a as its owner too
    expect((await served('group:default/team-a'))!.relations).toEqual(['ownerOf:component:default/svc-1', 'ownerOf:component:default/svc-2', 'ownerOf:component:default/svc-3']);
  });

  it('loads a large new source into a small catalog as a first load, and reports the relations it added to what was there', async () => {
    const bulkStore = new CatalogStore(db.knex);
    const seen: CatalogEntitiesChangedPayload[] = [];
    const bulk = new IngestionService({ store: bulkStore, kinds: kinds(), onChanges: c => { seen.push(c); } });
    await bulk.applyMutation('seed', {
      type: 'delta',
      added: [{ entity: group('team-a'), locationKey: 'file:seed' }, { entity: component('taken'), locationKey: 'file:seed' }],
      removed: [],
    });
    const open = bulkStore.openBatch.bind(bulkStore);
    const sessions: Array<ReturnType<CatalogStore['openBatch']>> = [];
    const spy = jest.spyOn(bulkStore, 'openBatch').mockImplementation(() => {
      const session = open();
      sessions.push(session);
      return session;
    });
    const big = [
      ...Array.from({ length: 1200 }, (_, i) => ({ entity: component(`svc-${i}`), locationKey: 'file:big' })),
      { entity: component('taken', { lifecycle: 'experimental' }), locationKey: 'file:big' },
    ];
    // streamed as a location is read: a small first chunk, so that writing starts early, then larger ones
    let firstLoadAfterFirstChunk: boolean | undefined;
    const changes = await bulk.applyMutation('big', {
      type: 'full',
      entities: (async function* () {
        yield big.slice(0, 100);
        firstLoadAfterFirstChunk = sessions[0].firstLoad;
        for (let i = 100; i < big.length; i += 500) yield big.slice(i, i + 500);
      })(),
    });

    expect(firstLoadAfterFirstChunk).toBe(false);
    expect(sessions[0].firstLoad).toBe(true); // from the 1,000th entity: indexes dropped and built once, no lookups per chunk
    expect(changes.added).toHaveLength(1200);
    // the group was there before: its ownerOf relations grew, and that is announced
    expect(changes.updated).toEqual(['group:default/team-a']);
    expect(seen.at(-1)!.updated).toEqual(['group:default/team-a']);
    // a ref another source holds is not looked up in a bulk load: the insert reports it, the first source keeps it
    expect(JSON.parse((await bulkStore.getRowByRef('component:default/taken'))!.body).spec.lifecycle).toBe('production');
    expect(await bulkStore.listErrors({ provider: 'big' })).toEqual([
      expect.objectContaining({ type: 'conflict', entityRef: 'component:default/taken', message: expect.stringContaining('already provided by seed') }),
    ]);
    expect((await served('group:default/team-a'))!.relations).toHaveLength(1201);
    expect(await bulkStore.countEntities()).toBe(1202);
    const indexes = databaseEngineOf(db.knex) === 'pg'
      ? ((await db.knex.raw("SELECT indexname AS name FROM pg_indexes WHERE tablename LIKE 'catalog_%'")) as { rows: Array<{ name: string }> }).rows
      : ((await db.knex.raw("SELECT name FROM sqlite_master WHERE type = 'index'")) as Array<{ name: string }>);
    expect(indexes.map(r => r.name)).toEqual(expect.arrayContaining(DERIVED_INDEXES.map(i => i.name)));

    // the same source again owns its rows: an ordinary write, row by row
    await bulk.applyMutation('big', { type: 'full', entities: big.map(e => e.entity.metadata.name === 'svc-0' ? { ...e, entity: component('svc-0', { lifecycle: 'deprecated' }) } : e) });
    expect(sessions[1].firstLoad).toBe(false);
    expect(JSON.parse((await bulkStore.getRowByRef('component:default/svc-0'))!.body).spec.lifecycle).toBe('deprecated');
    spy.mockRestore();
  });

  it('writes a large new source into a catalog that is not small row by row', async () => {
    const bigStore = new CatalogStore(db.knex);
    const bulk = new IngestionService({ store: bigStore, kinds: kinds() });
    await bulk.applyMutation('seed', { type: 'full', entities: Array.from({ length: 5001 }, (_, i) => ({ entity: group(`team-${i}`), locationKey: 'file:seed' })) });
    const open = bigStore.openBatch.bind(bigStore);
    const sessions: Array<ReturnType<CatalogStore['openBatch']>> = [];
    jest.spyOn(bigStore, 'openBatch').mockImplementation(() => {
      const session = open();
      sessions.push(session);
      return session;
    });
    await bulk.applyMutation('big', { type: 'full', entities: Array.from({ length: 1000 }, (_, i) => ({ entity: component(`svc-${i}`, { owner: 'team-1' }), locationKey: 'file:big' })) });
    expect(sessions[0].firstLoad).toBe(false);
    expect(await bigStore.countEntities()).toBe(6001);
  });
});

describe('IngestionService (SQLite file in WAL mode)', () => {
  let dir: string;
  let knex: Knex;
  let store: CatalogStore;
  let ingestion: IngestionService;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-catalog-writer-'));
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'catalog.sqlite') }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await knex.raw('PRAGMA journal_mode = WAL');
    for (const m of catalogMigrations) await m.up(knex);
    // the end of a load this size (indexes, stitching) runs on a thread of its own
    store = new CatalogStore(knex, { chunkSize: 50, sqliteThreadMin: 100 });
    ingestion = new IngestionService({ store, kinds: kinds() });
  });
  afterAll(async () => {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bulk-loads a stream, serves stitched relations, answers reads meanwhile, then updates and removes', async () => {
    const components = Array.from({ length: 600 }, (_, i) => ({ entity: component(`svc-${i}`, { dependsOn: i ? [`component:svc-${i - 1}`] : [] }), locationKey: 'file:a' }));
    async function* chunks() {
      for (let i = 0; i < components.length; i += 100) yield components.slice(i, i + 100);
      yield [{ entity: group('team-a'), locationKey: 'file:a' }];
    }
    const loading = ingestion.applyMutation('p1', { type: 'full', entities: chunks() });
    // requests are answered between the chunks of a big load
    const counts: number[] = [];
    const autocheckpoints = new Set<number>();
    let done = false;
    void loading.finally(() => (done = true));
    while (!done) {
      counts.push(await store.countEntities());
      autocheckpoints.add((await knex.raw('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint);
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const changes = await loading;
    expect(changes.added).toHaveLength(601);
    expect(counts.length).toBeGreaterThan(0);
    // the load does not checkpoint the WAL on the way; afterwards SQLite's default is back
    expect(autocheckpoints).toContain(0);
    expect((await knex.raw('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint).toBe(1000);
    // copied into the file once, at the end; after it only the few pages of the outbox rows marked delivered
    expect(fs.statSync(path.join(dir, 'catalog.sqlite-wal')).size).toBeLessThan(64 * 1024);
    expect(await knex('catalog_change_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await store.countEntities()).toBe(601);
    const svc = await store.getRowByRef('component:default/svc-10');
    expect(JSON.parse(svc!.relations!)).toEqual([
      { type: 'dependencyOf', targetRef: 'component:default/svc-11' },
      { type: 'dependsOn', targetRef: 'component:default/svc-9' },
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
    ]);
    // every index dropped for the bulk load is back (built on the thread), the entities' kind and provider ones too
    const indexes = (await knex.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'catalog_%'")).map((r: { name: string }) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(DERIVED_INDEXES.map(i => i.name)));
    expect(DERIVED_INDEXES.map(i => i.name)).toEqual(expect.arrayContaining(['catalog_entities_kind_idx', 'catalog_entities_provider_idx']));
    // and the planner reads a kind in ref order from its index again
    const plan = (await knex.raw("EXPLAIN QUERY PLAN SELECT entity_ref FROM catalog_entities WHERE kind = 'component' ORDER BY entity_ref")) as Array<{ detail: string }>;
    expect(plan.map(p => p.detail).join(' ')).toMatch(/catalog_entities_kind_idx/);
    const page = await store.queryEntities({ filter: { anyOf: [{ allOf: [{ key: 'spec.dependson', values: ['component:svc-41'] }] }] }, order: [], limit: 10 });
    expect(page.rows.map(r => r.entityRef)).toEqual(['component:default/svc-42']);

    const next = await ingestion.applyMutation('p1', {
      type: 'full',
      entities: [...components.slice(0, 599), { entity: component('svc-599', { lifecycle: 'deprecated' }), locationKey: 'file:a' }],
    });
    // svc-599 no longer depends on svc-598, which so lost its dependencyOf: both changed as stored
    expect(next).toEqual({ added: [], updated: ['component:default/svc-599', 'component:default/svc-598'], removed: ['group:default/team-a'] });
    const after = await store.getRowByRef('component:default/svc-0');
    // relations to a target that is gone stay, as in Backstage (the owner is still named in the spec)
    expect(JSON.parse(after!.relations!)).toEqual([
      { type: 'dependencyOf', targetRef: 'component:default/svc-1' },
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
    ]);
    expect(await store.getRowByRef('group:default/team-a')).toBeUndefined();
    expect((await store.getHistory('component:default/svc-599', 10)).map(h => h.action)).toEqual(['updated', 'created']);
  });

  it('builds the relations of a row not yet stitched in the query that reads it, once they are indexed', async () => {
    const page = () => store.queryEntities({ filter: { anyOf: [{ allOf: [{ key: 'metadata.name', values: ['svc-10'] }] }] }, order: [], limit: 10 });
    const stitched = (await page()).rows[0].relations;
    expect(JSON.parse(stitched!)).toContainEqual({ type: 'dependsOn', targetRef: 'component:default/svc-9' });
    await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: null });
    try {
      expect((await page()).rows[0].relations).toBe(stitched);
    } finally {
      await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: stitched });
    }
  });

  it('reads relations the other way when another process on the file has dropped the relations index', async () => {
    const page = () => store.queryEntities({ filter: { anyOf: [{ allOf: [{ key: 'metadata.name', values: ['svc-10'] }] }] }, order: [], limit: 10 });
    const stitched = (await page()).rows[0].relations;
    await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: null });
    await knex.raw('DROP INDEX catalog_relations_source_cover_idx'); // as a first load elsewhere would
    try {
      expect((await page()).rows[0].relations).toBeNull(); // completed by the caller, one query per page
    } finally {
      await store.ensureIndexes();
      await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: stitched });
    }
    await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: null });
    expect((await page()).rows[0].relations).toBe(stitched); // built in SQL again once the index is back
    await knex('catalog_entities').where({ entity_ref: 'component:default/svc-10' }).update({ relations: stitched });
  });

  it('leaves rows not yet stitched to the caller while a first load has the relations index dropped', async () => {
    const file = path.join(dir, 'first-load.sqlite');
    const fresh = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    try {
      await fresh.raw('PRAGMA journal_mode = WAL');
      for (const m of catalogMigrations) await m.up(fresh);
      const freshStore = new CatalogStore(fresh, { sqliteThreadMin: 2 });
      const session = freshStore.openBatch();
      const write = (ref: string, relations: Array<{ sourceRef: string; type: string; targetRef: string }>) => ({
        row: { id: `uid-${ref}`, entityRef: ref, kind: 'component', provider: 'p1', locationKey: null, hash: 'h', etag: 'e', body: '{}', createdAt: 1, updatedAt: 1 },
        namespace: 'default', name: ref.split('/')[1], relations, search: [], document: '',
      });
      await session.write({
        upserts: [
          write('component:default/a', [{ sourceRef: 'component:default/a', type: 'dependsOn', targetRef: 'component:default/b' }]),
          write('component:default/b', [{ sourceRef: 'component:default/b', type: 'dependencyOf', targetRef: 'component:default/a' }]),
        ],
        deletes: [],
        history: [],
      });
      expect(session.firstLoad).toBe(true);
      // no index to build them from: a subquery per row would scan the relations table each time
      const during = await freshStore.queryEntities({ order: [], limit: 10 });
      expect(during.rows.map(r => r.relations)).toEqual([null, null]);
      await session.finish(); // on a thread: index, then stitching
      const after = await freshStore.queryEntities({ order: [], limit: 10 });
      expect(after.rows.map(r => JSON.parse(r.relations!))).toEqual([
        [{ type: 'dependsOn', targetRef: 'component:default/b' }],
        [{ type: 'dependencyOf', targetRef: 'component:default/a' }],
      ]);
    } finally {
      await fresh.destroy();
    }
  });

  it('records a conflict when a second instance on the same file inserts a ref the first one wrote meanwhile', async () => {
    const other = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'catalog.sqlite') }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    const otherStore = new CatalogStore(other);
    try {
      const realOwners = otherStore.getOwnersByRefs.bind(otherStore);
      let stale = true;
      otherStore.getOwnersByRefs = async refs => {
        if (!stale) return realOwners(refs);
        stale = false;
        return new Map(); // read before the first instance committed svc-1
      };
      const late = new IngestionService({ store: otherStore, kinds: kinds() });
      const changes = await late.applyMutation('p2', {
        type: 'delta',
        added: [{ entity: component('svc-1', { lifecycle: 'experimental' }), locationKey: 'file:x' }, { entity: component('new-one'), locationKey: 'file:x' }],
        removed: [],
      });
      expect(changes.added).toEqual(['component:default/new-one']);
      expect(JSON.parse((await store.getRowByRef('component:default/svc-1'))!.body).spec.lifecycle).toBe('production');
      expect(await store.listErrors({ provider: 'p2' })).toEqual([expect.objectContaining({ type: 'conflict', entityRef: 'component:default/svc-1' })]);
    } finally {
      await other.destroy();
    }
  });
});
