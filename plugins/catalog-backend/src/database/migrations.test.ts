import knexFactory, { type Knex } from 'knex';
import { describeEachDatabase } from '@portico/test-utils';
import { catalogMigrations, createDerivedIndexes, DERIVED_INDEXES, dropDerivedIndexes } from './migrations';
import { PgDialect } from './PgDialect';

describe('derived indexes', () => {
  let knex: Knex;
  beforeAll(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    for (const m of catalogMigrations) await m.up(knex);
  });
  afterAll(() => knex.destroy());

  const present = async () =>
    ((await knex.raw("SELECT name FROM sqlite_master WHERE type = 'index'")) as Array<{ name: string }>)
      .map(r => r.name)
      .filter(name => DERIVED_INDEXES.some(i => i.name === name));

  it('rebuilds every dropped index, letting the event loop run between them', async () => {
    await dropDerivedIndexes(knex);
    expect(await present()).toEqual([]);
    // what a request arriving during the rebuild would see: some indexes built, others not yet
    const built = new Set<string>();
    knex.on('query-response', (_response: unknown, query: { sql: string }) => {
      const m = /CREATE INDEX IF NOT EXISTS (\w+)/.exec(query.sql);
      if (m) built.add(m[1]);
    });
    const seen: number[] = [];
    let building = true;
    const watch = () => {
      if (!building) return;
      seen.push(built.size);
      setImmediate(watch);
    };
    setImmediate(watch);
    await createDerivedIndexes(knex);
    building = false;
    expect((await present()).sort()).toEqual(DERIVED_INDEXES.map(i => i.name).sort());
    // the event loop turned while some, but not all, indexes existed
    expect(seen.some(n => n > 0 && n < DERIVED_INDEXES.length)).toBe(true);
  });
});

describeEachDatabase('derived indexes built side by side', db => {
  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
  });

  it('builds no more at once than asked, so the rest of the pool stays free for the API', async () => {
    await dropDerivedIndexes(db.knex);
    let running = 0;
    let most = 0;
    const started = (query: { sql: string }) => {
      if (/^CREATE INDEX/.test(query.sql)) most = Math.max(most, ++running);
    };
    const ended = (_response: unknown, query: { sql: string }) => {
      if (/^CREATE INDEX/.test(query.sql)) running--;
    };
    db.knex.on('query', started).on('query-response', ended);
    try {
      await createDerivedIndexes(db.knex, { parallel: 2 });
    } finally {
      db.knex.off('query', started).off('query-response', ended);
    }
    // PostgreSQL runs at most two at a time; SQLite has one connection, so one at a time. (On empty
    // tables a build can end before the next starts, so two at once is not guaranteed to be seen.)
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(db.engine === 'pg' ? 2 : 1);
    const names = db.engine === 'pg'
      ? (await db.knex.raw("SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'catalog_%'")).rows
      : await db.knex.raw("SELECT name FROM sqlite_master WHERE type = 'index'");
    expect((names as Array<{ name: string }>).map(r => r.name)).toEqual(expect.arrayContaining(DERIVED_INDEXES.map(i => i.name)));
  });
});

describeEachDatabase('full-text words indexed before words were split alike', db => {
  it('splits the words PostgreSQL stored whole (`-5249`, `v1.2`) as search splits them now', async () => {
    const split = catalogMigrations.find(m => m.name === '20261206_040_catalog_fts_same_words_on_every_engine')!;
    for (const m of catalogMigrations) if (m !== split) await m.up(db.knex);
    if (db.engine !== 'pg') {
      await split.up(db.knex); // nothing to do on SQLite
      return;
    }
    await db.knex.raw("INSERT INTO catalog_fts (entity_id, document) VALUES (1, to_tsvector('simple', 'component-5249 Ledger v1.2')), (2, ''::tsvector)");
    await split.up(db.knex);
    const rows = (await db.knex.raw('SELECT entity_id, document::text AS words FROM catalog_fts ORDER BY entity_id')).rows;
    expect(rows).toEqual([{ entity_id: '1', words: "'2' '5249' 'component' 'ledger' 'v1'" }, { entity_id: '2', words: '' }]);
  });
});

describeEachDatabase('counts and facets read indexes only', db => {
  const facetSql =
    'SELECT s.value AS lv, MIN(COALESCE(s.original_value, s.value)) AS value, COUNT(DISTINCT s.entity_id) AS c FROM catalog_search s ' +
    "WHERE s.key = 'spec.type' AND s.value IS NOT NULL AND s.entity_id IN (SELECT e.eid FROM catalog_entities e WHERE e.kind IN ('component')) GROUP BY s.value";
  const plan = async (sql: string): Promise<string> => {
    if (db.engine === 'pg') {
      // a handful of rows would be read from the table anyway: ask the planner what it does when it may not
      return db.knex.transaction(async trx => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        await trx.raw('SET LOCAL enable_bitmapscan = off');
        return ((await trx.raw(`EXPLAIN ${sql}`)).rows as Array<{ 'QUERY PLAN': string }>).map(r => r['QUERY PLAN']).join('\n');
      });
    }
    return ((await db.knex.raw(`EXPLAIN QUERY PLAN ${sql}`)) as Array<{ detail: string }>).map(r => r.detail).join('\n');
  };

  it('migrates a catalog with the old search index to the covering ones, which a facet of a kind reads alone', async () => {
    const covering = catalogMigrations.find(m => m.name === '20261207_070_catalog_reads_at_scale')!;
    for (const m of catalogMigrations) if (m !== covering) await m.up(db.knex);
    // a catalog migrated before 070 had the search index without the authored spelling
    await db.knex.raw('DROP INDEX IF EXISTS catalog_search_key_value_cover_idx');
    await db.knex.raw('CREATE INDEX catalog_search_key_value_idx ON catalog_search ("key", "value", "entity_id")');
    const before = await plan(facetSql);
    await covering.up(db.knex);
    const after = await plan(facetSql);
    if (db.engine === 'pg') {
      expect(before).toMatch(/Index Scan using catalog_search_key_value_idx|Seq Scan on catalog_search/);
      expect(after).toMatch(/Index Only Scan using catalog_search_key_value_cover_idx/);
      expect(after).toMatch(/Index Only Scan using catalog_entities_kind_eid_idx/);
      // a search ranks its matches from the index, then reads the page's rows
      const search = new PgDialect().fullTextQuery(['payment'], 21);
      expect(await plan(db.knex.raw(search.sql, search.bindings as Knex.RawBinding[]).toString())).toMatch(/Index Only Scan using catalog_entities_eid_ref_idx/);
      // the planner knows that a key's values are not spread over every key
      const stats = await db.knex.raw("SELECT stxname FROM pg_statistic_ext WHERE stxname = 'catalog_search_key_value_stats'");
      expect(stats.rows).toHaveLength(1);
    } else {
      expect(before).not.toMatch(/COVERING INDEX catalog_search/);
      expect(after).toMatch(/USING COVERING INDEX catalog_search_key_value_cover_idx/);
    }
    expect(after).not.toMatch(/catalog_search_key_value_idx/);
  });
});
