import { applyConditions, type PermissionCondition, type PermissionCriteria } from '@portico/backend-plugin-api';
import { builtinKinds, type Entity } from '@portico/catalog-model';
import { describeEachDatabase } from '@portico/test-utils';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations } from '../database/migrations';
import { catalogConditions, catalogPermissionRules, toEntityPermissionQuery } from '../permissions/rules';
import { component } from '../__testUtils__/entities';
import { EntityQueries } from './EntityQueries';
import { IngestionService } from './IngestionService';
import { KindRegistry } from './KindRegistry';

const TOTAL = 10_000;
const TYPES = ['service', 'website', 'library'];

/** 10,000 components: every tenth owned by team-a, some public, some deprecated. */
function entities(): Entity[] {
  return Array.from({ length: TOTAL }, (_, i) => {
    const name = `svc-${String(i).padStart(5, '0')}`;
    const annotations = i % 97 === 0 ? { 'portico.dev/visibility': 'Public' } : undefined;
    return component(
      name,
      { owner: `team-${'abcdefghij'[i % 10]}`, type: TYPES[i % 3], lifecycle: i % 7 === 0 ? 'deprecated' : 'production' },
      { title: `Service ${i}`, ...(annotations ? { annotations } : {}) },
    );
  });
}

// Owned by team-a (or alice), or public; and not deprecated: a little under 10% of the catalog.
const conditions: PermissionCriteria<PermissionCondition> = {
  allOf: [
    {
      anyOf: [
        catalogConditions.isEntityOwner({ claims: ['user:default/alice', 'group:default/team-a'] }),
        catalogConditions.hasAnnotation({ annotation: 'portico.dev/visibility', value: 'public' }),
      ],
    },
    { not: catalogConditions.hasSpec({ key: 'lifecycle', value: 'deprecated' }) },
  ],
};

describeEachDatabase('reads under a conditional catalog.entity.read decision', db => {
  const permission = toEntityPermissionQuery(conditions);
  let queries: EntityQueries;
  /** The refs the conditions allow, found by applying them to every served entity one by one. */
  let permitted: string[];
  let served: Entity[];

  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
    const kinds = new KindRegistry();
    for (const kind of builtinKinds) kinds.add(kind);
    const store = new CatalogStore(db.knex);
    const ingestion = new IngestionService({ store, kinds });
    await ingestion.applyMutation('test', { type: 'full', entities: entities().map(entity => ({ entity, locationKey: 'file:/catalog.yaml' })) });
    queries = new EntityQueries(store);
    const refs = entities().map(e => `component:default/${e.metadata.name}`);
    served = (await queries.getByRefs(refs)).map(text => JSON.parse(text) as Entity);
    permitted = served.filter(e => applyConditions(catalogPermissionRules, conditions, e)).map(e => `component:default/${e.metadata.name}`);
  }, 120_000);

  it('allows about a tenth of the catalog (the fixture is what the test means it to be)', () => {
    expect(served).toHaveLength(TOTAL);
    expect(permitted.length).toBeGreaterThan(800);
    expect(permitted.length).toBeLessThan(1000);
  });

  it('pages by-query with cursors to the end, counting only the permitted entities', async () => {
    const seen: string[] = [];
    let page = await queries.queryEntities({ limit: 100, order: [{ field: 'metadata.name', order: 'asc' }], permission, fields: ['metadata.name'] });
    for (let pages = 1; ; pages++) {
      expect(page.totalItems).toBe(permitted.length);
      seen.push(...page.items.map(text => `component:default/${(JSON.parse(text) as Entity).metadata.name}`));
      if (!page.pageInfo.nextCursor) break;
      expect(pages).toBeLessThan(20);
      page = await queries.queryEntities({ limit: 100, cursor: page.pageInfo.nextCursor, permission, fields: ['metadata.name'] });
    }
    expect(seen).toEqual(permitted);
    // and back: the previous page of the last one
    const back = await queries.queryEntities({ limit: 100, cursor: page.pageInfo.prevCursor!, permission, fields: ['metadata.name'] });
    expect(back.items.map(text => `component:default/${(JSON.parse(text) as Entity).metadata.name}`)).toEqual(seen.slice(-100 - page.items.length, -page.items.length));
  });

  it('applies the permission with a filter and a full-text filter', async () => {
    const result = await queries.queryEntities({
      limit: 10_000,
      filter: { anyOf: [{ allOf: [{ key: 'spec.type', values: ['website'] }] }] },
      fullText: { term: 'svc-00' },
      permission,
    });
    const expected = served.filter(e => permitted.includes(`component:default/${e.metadata.name}`) && e.spec?.type === 'website' && e.metadata.name.startsWith('svc-00'));
    expect(result.totalItems).toBe(expected.length);
    expect(result.items.map(text => (JSON.parse(text) as Entity).metadata.name)).toEqual(expected.map(e => e.metadata.name));
  });

  it('counts facets over the permitted entities only', async () => {
    const facets = await queries.facets(['spec.type', 'kind', 'relations.ownedBy', 'metadata.name'], undefined, permission);
    const allowed = served.filter(e => permitted.includes(`component:default/${e.metadata.name}`));
    const count = (values: string[]) =>
      [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
        .map(([value, n]) => ({ value, count: n }))
        .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    expect(facets['spec.type']).toEqual(count(allowed.map(e => String(e.spec?.type))));
    expect(facets.kind).toEqual([{ value: 'Component', count: permitted.length }]);
    expect(facets['relations.ownedBy']).toEqual(count(allowed.map(e => `group:default/${String(e.spec?.owner)}`)));
    expect(facets['metadata.name']).toHaveLength(permitted.length);
  });

  it('searches among the permitted entities, the limit counting only those', async () => {
    const result = await queries.search('service', 500, ['component'], permission);
    expect(result.items).toHaveLength(500);
    for (const item of result.items) expect(permitted).toContain(item.entityRef);
    const one = await queries.search('svc-00001', 10, undefined, permission);
    expect(one.items).toEqual([]);
    const mine = await queries.search(permitted[3].slice('component:default/'.length), 10, undefined, permission);
    expect(mine.items.map(i => i.entityRef)).toEqual([permitted[3]]);
  });

  it('answers by-refs with null for the entities the caller may not read', async () => {
    const refs = ['component:default/svc-00000', permitted[0], 'component:default/svc-00001', 'component:default/ghost', permitted[5]];
    const items = (await queries.getByRefs(refs, ['metadata.name'], undefined, permission)).map(text => JSON.parse(text));
    expect(items).toEqual([
      permitted.includes(refs[0]) ? { metadata: { name: 'svc-00000' } } : null,
      { metadata: { name: permitted[0].slice('component:default/'.length) } },
      null,
      null,
      { metadata: { name: permitted[5].slice('component:default/'.length) } },
    ]);
  });

  it('lists /entities with offset and keyset paging inside the permitted set', async () => {
    const first = await queries.listEntities({ limit: 600, permission, fields: ['metadata.name'] });
    const rest = await queries.listEntities({ limit: 600, after: first.next, permission, fields: ['metadata.name'] });
    expect(rest.next).toBeUndefined();
    const names = [...first.items, ...rest.items].map(text => `component:default/${(JSON.parse(text) as Entity).metadata.name}`);
    expect(names).toEqual(permitted);
  });

  it('reads nothing for a policy whose owner claims are empty', async () => {
    const none = toEntityPermissionQuery(catalogConditions.isEntityOwner({ claims: [] }));
    const result = await queries.queryEntities({ limit: 10, permission: none });
    expect(result).toMatchObject({ items: [], totalItems: 0 });
  });
});
