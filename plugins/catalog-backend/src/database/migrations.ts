import type { DatabaseMigration } from '@portico/backend-plugin-api';
import type { Knex } from 'knex';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { engineOf, type Engine } from './CatalogDialect';

/**
 * Indexes of the derived tables (relations, search), and the entities' kind and provider indexes (lookups only: the
 * unique ones, which keep a second copy of a ref out, stay). A bulk load into an empty catalog drops them and builds
 * them once at the end, which is several times faster than maintaining them row by row (the entities' two added
 * 22–27 ms, medians of 7, to SQLite's own work inserting the 10,000 rows of bench/catalog's load; building them
 * afterwards takes 10–19 ms, on the thread that builds the others). Until then a read by kind or provider scans the
 * table. `include`: columns carried in the index for reads that need nothing else (PostgreSQL's INCLUDE; on SQLite
 * trailing key columns, which cover the same reads).
 */
export const DERIVED_INDEXES: Array<{ name: string; table: string; columns: string[]; include?: string[] }> = [
  // covering: stitching an entity's served relations reads only this index
  { name: 'catalog_relations_source_cover_idx', table: 'catalog_relations', columns: ['source_ref', 'type', 'target_ref'] },
  // a page of one kind, in ref order; a provider's entities (created by the schema migration, as before)
  { name: 'catalog_entities_kind_idx', table: 'catalog_entities', columns: ['kind', 'entity_ref'] },
  { name: 'catalog_entities_provider_idx', table: 'catalog_entities', columns: ['provider'] },
  { name: 'catalog_relations_target_idx', table: 'catalog_relations', columns: ['type_key', 'target_ref', 'source_ref'] },
  { name: 'catalog_relations_origin_idx', table: 'catalog_relations', columns: ['originating_id'] },
  // covering: a facet (values of one key with their spelling and entity counts) and a filter read only this index;
  // at 100,000 entities on PostgreSQL a facet read the table's pages instead (0.9 s, 15,000 pages, against 0.1 s)
  { name: 'catalog_search_key_value_cover_idx', table: 'catalog_search', columns: ['key', 'value', 'entity_id'], include: ['original_value'] },
  { name: 'catalog_search_entity_idx', table: 'catalog_search', columns: ['entity_id'] },
];

/** The statements that create the derived indexes missing, in `DERIVED_INDEXES` order. */
export function derivedIndexStatements(engine: Engine): string[] {
  const quote = (columns: string[]) => columns.map(c => `"${c}"`).join(', ');
  return DERIVED_INDEXES.map(index => {
    const include = index.include ?? [];
    const columns = engine === 'pg' || !include.length ? quote(index.columns) : quote([...index.columns, ...include]);
    const suffix = engine === 'pg' && include.length ? ` INCLUDE (${quote(include)})` : '';
    return `CREATE INDEX IF NOT EXISTS ${index.name} ON ${index.table} (${columns})${suffix}`;
  });
}

/**
 * Creates any missing derived index (also repairs an interrupted bulk load). `parallel` builds up to
 * that many at once on separate connections (PostgreSQL: each build takes a SHARE lock, which do not
 * conflict); the caller leaves connections of its pool free for the API.
 */
export async function createDerivedIndexes(knex: Knex | Knex.Transaction, options?: { parallel?: number }): Promise<void> {
  const sql = derivedIndexStatements(engineOf(knex as Knex));
  if (options?.parallel && options.parallel > 1) {
    const queue = [...sql];
    const builder = async () => {
      for (let statement = queue.shift(); statement; statement = queue.shift()) await knex.raw(statement);
    };
    await Promise.all(Array.from({ length: Math.min(options.parallel, sql.length) }, builder));
    return;
  }
  for (const statement of sql) {
    await knex.raw(statement);
    await yieldToEventLoop(); // the API answers between index builds
  }
}

export async function dropDerivedIndexes(knex: Knex | Knex.Transaction): Promise<void> {
  for (const index of DERIVED_INDEXES) await knex.raw(`DROP INDEX IF EXISTS ${index.name}`);
}

function isPg(knex: Knex): boolean {
  return engineOf(knex) === 'pg';
}

/** The catalog's tables. Entities as authored; relations, search rows and full text derived from them. */
export const catalogMigrations: DatabaseMigration[] = [
  {
    name: '20261127_010_catalog_schema',
    async up(knex) {
      // replaces a development-only first draft of these tables (never released)
      for (const table of ['catalog_locations', 'catalog_errors', 'catalog_history', 'catalog_fts', 'catalog_search', 'catalog_relations', 'catalog_entities']) {
        await knex.schema.dropTableIfExists(table);
      }
      await knex.schema.createTable('catalog_entities', t => {
        // a compact integer key for the derived tables; `id` is the public metadata.uid
        t.bigIncrements('eid').primary();
        t.string('id', 64).notNullable().unique();
        t.string('entity_ref', 512).notNullable().unique();
        t.string('kind', 255).notNullable();
        t.string('namespace', 255).notNullable();
        t.string('name', 255).notNullable();
        t.string('provider', 512).notNullable();
        t.text('location_key');
        t.string('hash', 64).notNullable();
        t.string('etag', 64).notNullable();
        t.text('body').notNullable();
        t.text('relations'); // JSON of the served relations, stitched after each batch; null until then
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.index(['kind', 'entity_ref'], 'catalog_entities_kind_idx');
        t.index(['provider'], 'catalog_entities_provider_idx');
      });
      await knex.schema.createTable('catalog_relations', t => {
        t.bigInteger('originating_id').notNullable();
        t.string('source_ref', 512).notNullable();
        t.string('type', 255).notNullable();
        t.string('type_key', 255).notNullable(); // lower-case type, for `relations.<type>` filters
        t.string('target_ref', 512).notNullable();
      });
      await knex.schema.createTable('catalog_search', t => {
        t.bigInteger('entity_id').notNullable();
        t.string('key', 255).notNullable();
        t.text('value'); // lower-case; null for a key that exists with an empty/null value
        t.text('original_value');
      });
      if (isPg(knex)) {
        await knex.schema.createTable('catalog_fts', t => {
          t.bigInteger('entity_id').primary();
          t.specificType('document', 'tsvector').notNullable();
        });
        await knex.raw('CREATE INDEX catalog_fts_document_idx ON catalog_fts USING GIN (document)');
      } else {
        await knex.raw(
          // rowid = catalog_entities.eid
          "CREATE VIRTUAL TABLE catalog_fts USING fts5(document, tokenize = 'unicode61')",
        );
      }
      await createDerivedIndexes(knex);
      await knex.schema.createTable('catalog_history', t => {
        t.increments('id').primary();
        t.string('entity_ref', 512).notNullable();
        t.bigInteger('at').notNullable();
        t.string('action', 16).notNullable(); // created | updated | deleted
        t.text('source');
        t.text('diff').notNullable(); // JSON list of { path, op, from?, to? }
        t.index(['entity_ref', 'id'], 'catalog_history_ref_idx');
      });
      await knex.schema.createTable('catalog_errors', t => {
        t.increments('id').primary();
        t.string('provider', 512).notNullable();
        t.text('location_key');
        t.string('type', 16).notNullable(); // read | parse | policy | validation | conflict
        t.string('entity_ref', 512);
        t.text('message').notNullable();
        t.string('input_hash', 64);
        t.bigInteger('at').notNullable();
        t.index(['provider'], 'catalog_errors_provider_idx');
      });
      await knex.schema.createTable('catalog_locations', t => {
        t.string('id', 64).primary();
        t.string('type', 16).notNullable();
        t.text('target').notNullable();
        t.text('rules');
        t.bigInteger('created_at').notNullable();
      });
    },
    async down(knex) {
      for (const table of ['catalog_locations', 'catalog_errors', 'catalog_history', 'catalog_fts', 'catalog_search', 'catalog_relations', 'catalog_entities']) {
        await knex.schema.dropTableIfExists(table);
      }
    },
  },
  {
    name: '20261127_020_catalog_relations_covering_source_index',
    async up(knex) {
      // stitching reads (type, target_ref) by source_ref; the covering index spares a table lookup per row
      await knex.raw('DROP INDEX IF EXISTS catalog_relations_source_idx');
      await createDerivedIndexes(knex);
    },
    async down(knex) {
      await knex.raw('DROP INDEX IF EXISTS catalog_relations_source_cover_idx');
      await knex.raw('CREATE INDEX IF NOT EXISTS catalog_relations_source_idx ON catalog_relations ("source_ref")');
    },
  },
  {
    name: '20261127_030_catalog_entities_room_for_stitching',
    async up(knex) {
      // PostgreSQL: stitching writes each new entity row once more; with room left in its page the new
      // version is a heap-only update that touches no index (about twice as fast on a first load)
      if (isPg(knex)) await knex.raw('ALTER TABLE catalog_entities SET (fillfactor = 50)');
    },
    async down(knex) {
      if (isPg(knex)) await knex.raw('ALTER TABLE catalog_entities RESET (fillfactor)');
    },
  },
  {
    name: '20261206_040_catalog_fts_same_words_on_every_engine',
    async up(knex) {
      // PostgreSQL's parser kept `-5249` of `component-5249` as one word; documents are now indexed as
      // runs of letters and digits (searchTokens): split the stored words the same way
      if (!isPg(knex)) return;
      await knex.raw(`UPDATE catalog_fts SET document = COALESCE((
        SELECT array_to_tsvector(array_agg(DISTINCT word)) FROM unnest(tsvector_to_array(document)) AS lexeme,
          regexp_split_to_table(lexeme, '[^[:alnum:]]+') AS word WHERE word <> ''), ''::tsvector)`);
    },
    async down() {
      // the split words still match searches; nothing to undo
    },
  },
  {
    name: '20261206_050_catalog_change_marker',
    async up(knex) {
      // PostgreSQL: moved after every committed write, read before a cached count or facet is served, so a
      // write on one instance empties the others' caches (SQLite has one instance per data dir)
      if (isPg(knex)) await knex.raw('CREATE SEQUENCE IF NOT EXISTS catalog_change_marker');
    },
    async down(knex) {
      if (isPg(knex)) await knex.raw('DROP SEQUENCE IF EXISTS catalog_change_marker');
    },
  },
  {
    name: '20261206_060_catalog_change_outbox',
    async up(knex) {
      // what each write transaction changed, written in that transaction and deleted once published (ChangeOutbox)
      await knex.schema.createTable('catalog_change_outbox', t => {
        t.bigIncrements('id').primary();
        t.text('upserted').notNullable();
        t.text('removed').notNullable();
        t.bigInteger('created_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('catalog_change_outbox');
    },
  },
  {
    name: '20261207_070_catalog_reads_at_scale',
    async up(knex) {
      // What bench/load found at 100,000 entities on PostgreSQL (each query alone, before → after):
      // - a facet of the components read 15,000 pages of the search table and scanned the entities table for their
      //   kind (0.94 s → 0.1 s): the search index now carries each value's authored spelling, and PostgreSQL gets
      //   (kind, eid) for the entities of a kind (on SQLite every index holds the rowid, eid, already);
      // - `kind=api,spec.type=openapi` took 0.25 s: the planner took key and value for independent and expected 222
      //   rows of 3,699, so it read every matching entity and sorted them; statistics of the pair make it walk the
      //   kind's entities in order and stop at the page (5 ms);
      // - a search ranks its matches by name: (eid) INCLUDE (entity_ref) ranks them without reading each entity's
      //   row, and the page's rows are read after (0.42 s → 0.19 s for a term matching 13,000 entities).
      await knex.raw('DROP INDEX IF EXISTS catalog_search_key_value_idx');
      await createDerivedIndexes(knex);
      if (isPg(knex)) {
        await knex.raw('CREATE INDEX IF NOT EXISTS catalog_entities_kind_eid_idx ON catalog_entities (kind, eid)');
        await knex.raw('CREATE INDEX IF NOT EXISTS catalog_entities_eid_ref_idx ON catalog_entities (eid) INCLUDE (entity_ref)');
        await knex.raw('CREATE STATISTICS IF NOT EXISTS catalog_search_key_value_stats (mcv, dependencies) ON key, value FROM catalog_search');
        await knex.raw('ANALYZE catalog_search');
      }
    },
    async down(knex) {
      if (isPg(knex)) {
        await knex.raw('DROP STATISTICS IF EXISTS catalog_search_key_value_stats');
        await knex.raw('DROP INDEX IF EXISTS catalog_entities_eid_ref_idx');
        await knex.raw('DROP INDEX IF EXISTS catalog_entities_kind_eid_idx');
      }
      await knex.raw('DROP INDEX IF EXISTS catalog_search_key_value_cover_idx');
      await knex.raw('CREATE INDEX IF NOT EXISTS catalog_search_key_value_idx ON catalog_search ("key", "value", "entity_id")');
    },
  },
  {
    name: '20261208_080_catalog_shared_counts',
    async up(knex) {
      // The slow counts and facets instances computed, and who computes each next (GenerationCache's SharedValues,
      // used on PostgreSQL): with three instances at 100,000 entities each computed every slow facet itself, three
      // times per period, and facets were most of PostgreSQL's work (bench/load). Created on SQLite too (unused there,
      // one instance) so that both engines have the same tables, as `portico db copy` expects.
      await knex.schema.createTable('catalog_shared_counts', t => {
        t.text('key_hash').primary();
        t.text('value');
        t.bigInteger('as_of');
        t.integer('compute_ms');
        t.bigInteger('weight');
        t.bigInteger('lease_until').notNullable().defaultTo(0);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('catalog_shared_counts');
    },
  },
];
