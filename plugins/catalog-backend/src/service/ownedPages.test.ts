import { builtinKinds, type Entity } from '@portico/catalog-model';
import { describeEachDatabase } from '@portico/test-utils';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations } from '../database/migrations';
import { compileOwnedPageQuery } from '../database/QueryCompiler';
import { catalogConditions, toEntityPermissionQuery } from '../permissions/rules';
import { component } from '../__testUtils__/entities';
import { EntityQueries } from './EntityQueries';
import { IngestionService } from './IngestionService';
import { KindRegistry } from './KindRegistry';

// The owner-limited list of a kind picks its page on the relations index (compileOwnedPageQuery); these check that
// it answers exactly what the general query answers: every page, both directions, with and without a kind, and
// when a relation names an entity that does not exist.
const api = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name },
  spec: { type: 'openapi', lifecycle: 'production', owner, definition: 'openapi: 3.0.0' },
});

function entities(): Entity[] {
  const components = Array.from({ length: 600 }, (_, i) => component(`svc-${String(i).padStart(4, '0')}`, { owner: i % 3 === 0 ? 'team-a' : i % 50 === 1 ? 'user:default/alice' : 'team-b' }));
  const apis = Array.from({ length: 60 }, (_, i) => api(`api-${String(i).padStart(3, '0')}`, i % 2 ? 'team-a' : 'team-b'));
  return [...components, ...apis];
}

const claims = ['user:default/alice', 'group:default/team-a'];
const permission = toEntityPermissionQuery(catalogConditions.isEntityOwner({ claims }));
const kindFilter = { anyOf: [{ allOf: [{ key: 'kind', values: ['component'] }] }] };

describe('compileOwnedPageQuery', () => {
  const page = { order: [], limit: 10, permission };
  it('takes an owner-limited list of a kind in ref order, and nothing else', () => {
    expect(compileOwnedPageQuery({ ...page, filter: kindFilter }, 'e.relations')?.sql).toContain('ORDER BY r.source_ref ASC LIMIT ?');
    expect(compileOwnedPageQuery(page, 'e.relations')).toBeDefined();
    expect(compileOwnedPageQuery({ ...page, fullText: { term: 'svc' } }, 'e.relations')).toBeUndefined();
    expect(compileOwnedPageQuery({ ...page, order: [{ field: 'metadata.name', order: 'asc' }] }, 'e.relations')).toBeUndefined();
    expect(compileOwnedPageQuery({ ...page, offset: 10 }, 'e.relations')).toBeUndefined();
    expect(compileOwnedPageQuery({ ...page, filter: { anyOf: [{ allOf: [{ key: 'spec.type', values: ['service'] }] }] } }, 'e.relations')).toBeUndefined();
    expect(compileOwnedPageQuery({ ...page, permission: { anyOf: [permission, { key: 'kind', values: ['api'] }] } }, 'e.relations')).toBeUndefined();
    expect(compileOwnedPageQuery({ ...page, permission: { key: 'relations.ownedby', values: [] } }, 'e.relations')).toBeUndefined();
  });

  it('escapes LIKE wildcards of a kind', () => {
    const q = compileOwnedPageQuery({ ...page, filter: { anyOf: [{ allOf: [{ key: 'kind', values: ['my_kind%'] }] }] } }, 'e.relations')!;
    expect(q.bindings).toContain('my\\_kind\\%:%');
  });
});

describeEachDatabase('owner-limited pages', db => {
  let queries: EntityQueries;
  let owned: { component: string[]; all: string[] };

  const refsOf = (items: string[]) => items.map(text => {
    const e = JSON.parse(text) as Entity;
    return `${e.kind.toLowerCase()}:default/${e.metadata.name}`;
  });

  /** Every page forward, then every page back from the last, as refs. */
  async function walk(filter?: typeof kindFilter, limit = 25) {
    const forward: string[][] = [];
    let page = await queries.queryEntities({ limit, filter, permission });
    forward.push(refsOf(page.items));
    while (page.pageInfo.nextCursor) {
      page = await queries.queryEntities({ limit, cursor: page.pageInfo.nextCursor, permission });
      forward.push(refsOf(page.items));
      expect(forward.length).toBeLessThan(100);
    }
    const backward: string[][] = [forward[forward.length - 1]];
    while (page.pageInfo.prevCursor) {
      page = await queries.queryEntities({ limit, cursor: page.pageInfo.prevCursor, permission });
      backward.unshift(refsOf(page.items));
      expect(backward.length).toBeLessThan(100);
    }
    return { forward, backward, total: page.totalItems };
  }

  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
    const kinds = new KindRegistry();
    for (const kind of builtinKinds) kinds.add(kind);
    const store = new CatalogStore(db.knex);
    await new IngestionService({ store, kinds }).applyMutation('test', {
      type: 'full',
      entities: entities().map(entity => ({ entity, locationKey: 'file:/catalog.yaml' })),
    });
    // as after a large load: statistics, and on PostgreSQL a VACUUM (outside any transaction) that lets the
    // relations index answer the page's refs by itself
    await store.analyze();
    queries = new EntityQueries(store);
    const ownedBy = (e: Entity) => ['group:default/team-a', 'user:default/alice'].includes(String(e.spec?.owner).includes(':') ? String(e.spec?.owner) : `group:default/${e.spec?.owner}`);
    const refOf = (e: Entity) => `${e.kind.toLowerCase()}:default/${e.metadata.name}`;
    const mine = entities().filter(ownedBy);
    owned = { component: mine.filter(e => e.kind === 'Component').map(refOf).sort(), all: mine.map(refOf).sort() };
  }, 120_000);

  it('pages the owned entities of a kind exactly, forward and back', async () => {
    expect(owned.component.length).toBe(200 + 8);
    const { forward, backward, total } = await walk(kindFilter);
    expect(total).toBe(owned.component.length);
    expect(forward.flat()).toEqual(owned.component);
    expect(forward.every((p, i) => p.length === 25 || i === forward.length - 1)).toBe(true);
    expect(backward).toEqual(forward);
  });

  it('pages every owned entity without a kind filter', async () => {
    const { forward, total } = await walk(undefined, 40);
    expect(total).toBe(owned.all.length);
    expect(forward.flat()).toEqual(owned.all);
  });

  it('stays exact when an ownedBy relation names an entity that does not exist', async () => {
    const { originating_id } = await db.knex('catalog_relations').first('originating_id');
    // between svc-0003 and svc-0006 (both team-a's), so the ghost would take a place on the first page
    await db.knex('catalog_relations').insert(
      ['component:default/svc-0004x', 'component:default/svc-0005x'].map(source_ref => ({
        originating_id,
        source_ref,
        type: 'ownedBy',
        type_key: 'ownedby',
        target_ref: 'group:default/team-a',
      })),
    );
    const { forward, backward } = await walk(kindFilter, 10);
    expect(forward.flat()).toEqual(owned.component);
    expect(forward.every((p, i) => p.length === 10 || i === forward.length - 1)).toBe(true);
    expect(backward).toEqual(forward);
  });
});
