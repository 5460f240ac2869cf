import type { Knex } from 'knex';
import type { ParsedEntityFilter } from '@portico/plugin-catalog-common';
import { selectWhereIn } from './selectWhereIn';
import type { CatalogDialect } from './CatalogDialect';
import { COLUMN_KEYS, DIRECT_COLUMNS, toEntityRow, type EntityRow, type QueriedEntity, type QueryPage } from './catalogRecords';
import { compileOwnedPageQuery, compilePageQuery, compileWhere, type EntityPermissionCriteria, type FullTextFilter } from './QueryCompiler';
import type { GenerationCache } from './GenerationCache';
import type { RelationsIndexState } from './RelationsIndexState';

/** Reads of entity rows: pages, counts and facets for the API, lookups by uid, ref and provider for ingestion. */
export class EntityReads {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: CatalogDialect,
    private readonly cache: GenerationCache,
    private readonly relationsIndex: RelationsIndexState,
  ) {}

  /**
   * The catalog's largest entity id when a count or facet was last computed: never less than the number of entities,
   * read in one index step. A count weighs this much in the cache (what it scans, whatever it finds): a small
   * catalog's counts are always current; a large one's slow counts may be served for a moment past a write.
   */
  private catalogSize = 0;
  private readonly weight = () => this.catalogSize;

  private async readCatalogSize(): Promise<void> {
    const rows = (await this.raw('SELECT MAX(eid) AS n FROM catalog_entities', [])) as Array<{ n: number | string | null }>;
    this.catalogSize = Number(rows[0]?.n ?? 0);
  }

  private raw(sql: string, bindings: unknown[]): Promise<unknown[]> {
    return this.dialect.read(this.knex, sql, bindings);
  }

  /** Lightweight listing of what a provider owns. */
  async listProviderEntities(provider: string): Promise<Array<{ id: string; entityRef: string; hash: string; locationKey: string | null }>> {
    const rows = await this.knex('catalog_entities').select('id', 'entity_ref', 'hash', 'location_key').where('provider', provider);
    return rows.map(r => ({ id: r.id, entityRef: r.entity_ref, hash: r.hash, locationKey: r.location_key ?? null }));
  }

  /** Full rows by ref (any provider). */
  async getRowsByRefs(refs: string[]): Promise<EntityRow[]> {
    const rows = await selectWhereIn<Record<string, unknown>>(this.knex, 'catalog_entities', ['*'], 'entity_ref', refs);
    return rows.map(toEntityRow);
  }

  /** Owner (provider, location) of each ref that exists, without bodies. */
  async getOwnersByRefs(refs: string[]): Promise<Map<string, { id: string; provider: string; locationKey: string | null; hash: string }>> {
    const rows = await selectWhereIn<Record<string, string | null>>(
      this.knex, 'catalog_entities', ['id', 'entity_ref', 'provider', 'location_key', 'hash'], 'entity_ref', refs,
    );
    return new Map(rows.map(r => [String(r.entity_ref), { id: String(r.id), provider: String(r.provider), locationKey: r.location_key ?? null, hash: String(r.hash) }]));
  }

  /** Rows whose stored JSON contains any of `needles`: a coarse text match (LIKE), the caller decides. */
  async rowsWithBodyContaining(needles: string[]): Promise<Array<{ id: string; entityRef: string; body: string }>> {
    if (!needles.length) return [];
    const rows = (await this.raw(
      `SELECT id, entity_ref, body FROM catalog_entities WHERE ${needles.map(() => 'body LIKE ?').join(' OR ')}`,
      needles.map(n => `%${n}%`),
    )) as Array<Record<string, unknown>>;
    return rows.map(r => ({ id: String(r.id), entityRef: String(r.entity_ref), body: String(r.body) }));
  }

  async getRowByUid(uid: string): Promise<EntityRow | undefined> {
    const [r] = (await this.raw('SELECT * FROM catalog_entities WHERE id = ?', [uid])) as Array<Record<string, unknown>>;
    return r ? toEntityRow(r) : undefined;
  }

  async getRowByRef(ref: string): Promise<EntityRow | undefined> {
    const [r] = (await this.raw('SELECT * FROM catalog_entities WHERE entity_ref = ?', [ref])) as Array<Record<string, unknown>>;
    return r ? toEntityRow(r) : undefined;
  }

  /**
   * The served relations JSON of entities not yet stitched, by ref, in the stitched form ('[]' for none),
   * built by the database in one query for all of them: one pass over the relations table even while a
   * first load has its index dropped.
   */
  async servedRelationsOf(refs: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (refs.length === 0) return out;
    const query = this.dialect.servedRelationsQuery(refs);
    const rows = (await this.raw(query.sql, query.bindings)) as Array<{ source_ref: string; relations: string }>;
    for (const r of rows) out.set(r.source_ref, r.relations);
    for (const ref of refs) if (!out.has(ref)) out.set(ref, '[]');
    return out;
  }

  /** Refs of the entities with a relation of `type` pointing to `targetRef` (e.g. children of a group). */
  async getSourcesOf(type: string, targetRef: string): Promise<string[]> {
    const rows = await this.knex('catalog_relations').distinct('source_ref').where({ type_key: type.toLowerCase(), target_ref: targetRef });
    return rows.map(r => r.source_ref as string);
  }

  /**
   * One page of entities matching a filter, ordered by `order` then entity ref, keyset-paginated. Rows
   * not yet stitched get their relations built in the query where the dialect can (see
   * `servedRelationsColumn`), else come back null and are completed with `servedRelationsOf`.
   */
  async queryEntities(q: QueryPage): Promise<{ rows: QueriedEntity[]; hasMore: boolean }> {
    const relationsSql = this.dialect.servedRelationsColumn(this.relationsIndex.indexed);
    // an owner-limited list of a kind picks its page on the relations index; exact when it fills the page
    const owned = compileOwnedPageQuery(q, relationsSql);
    const { sql, bindings, sorts } = owned ?? compilePageQuery(q, relationsSql);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await this.raw(sql, bindings)) as Array<Record<string, unknown>>;
      if (owned && rows.length <= q.limit) {
        const general = compilePageQuery(q, relationsSql);
        rows = (await this.raw(general.sql, general.bindings)) as Array<Record<string, unknown>>;
      }
    } catch (error) {
      // another process on the same file dropped the index for a first load of its own: read the
      // relations the other way until this process has rebuilt it (its next load or restart)
      if (relationsSql === 'e.relations' || !/no such index/i.test(String((error as Error).message))) throw error;
      this.relationsIndex.indexed = false;
      return this.queryEntities(q);
    }
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).map(r => ({
      id: String(r.id),
      etag: String(r.etag),
      entityRef: String(r.entity_ref),
      body: String(r.body),
      relations: (r.relations as string | null) ?? null,
      sortValues: Array.from({ length: sorts }, (_, i) => String(r[`sort_${i}`] ?? '')),
    }));
    if (q.direction === 'prev') page.reverse();
    return { rows: page, hasMore };
  }

  /** How many entities match (cached until the next write). */
  async countEntities(filter?: ParsedEntityFilter, fullText?: FullTextFilter, permission?: EntityPermissionCriteria): Promise<number> {
    const where = compileWhere(filter, fullText, permission);
    const sql = `SELECT COUNT(*) AS c FROM catalog_entities e WHERE ${where.sql}`;
    return this.cache.cached(`count:${sql}:${JSON.stringify(where.bindings)}`, async () => {
      const rows = (await this.raw(sql, where.bindings)) as Array<{ c: number | string }>;
      await this.readCatalogSize();
      return Number(rows[0]?.c ?? 0);
    }, this.weight);
  }

  /** Value counts of one key over the entities matching a filter and permission (cached until the next write). */
  async facet(key: string, filter?: ParsedEntityFilter, permission?: EntityPermissionCriteria): Promise<Array<{ value: string; count: number }>> {
    const where = compileWhere(filter, undefined, permission);
    const filtered = where.sql !== '1 = 1';
    let sql: string;
    let bindings: unknown[];
    if (key === 'kind') {
      // from the entities table (indexed); the authored spelling comes from one sample row per kind
      sql = `SELECT e.kind AS lv, COUNT(*) AS c, MIN(e.eid) AS sample FROM catalog_entities e WHERE ${where.sql} GROUP BY e.kind`;
      bindings = where.bindings;
      return this.cache.cached(`facet:${sql}:${JSON.stringify(bindings)}`, async () => {
        const rows = (await this.raw(sql, bindings)) as Array<{ lv: string; c: number | string; sample: number | string }>;
        await this.readCatalogSize();
        const samples = await selectWhereIn<{ eid: number | string; body: string }>(this.knex, 'catalog_entities', ['eid', 'body'], 'eid', rows.map(r => Number(r.sample)) as unknown as string[]);
        const spelled = new Map(samples.map(r => [String(r.eid), (JSON.parse(r.body) as { kind: string }).kind]));
        return rows
          .map(r => ({ value: spelled.get(String(r.sample)) ?? r.lv, count: Number(r.c) }))
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      }, this.weight);
    } else if (COLUMN_KEYS.has(key)) {
      // name and namespace from the entity columns (they have no search rows); the authored spelling
      // from the stored JSON
      const column = DIRECT_COLUMNS[key];
      const authored = this.dialect.authoredMetadataSql(key);
      sql = `SELECT ${column} AS lv, MIN(COALESCE(${authored}, ${column})) AS value, COUNT(*) AS c FROM catalog_entities e WHERE ${where.sql} GROUP BY ${column}`;
      bindings = where.bindings;
    } else if (key.startsWith('relations.')) {
      sql = `SELECT r.target_ref AS value, COUNT(DISTINCT r.source_ref) AS c FROM catalog_relations r WHERE r.type_key = ?${
        filtered ? ` AND r.source_ref IN (SELECT e.entity_ref FROM catalog_entities e WHERE ${where.sql})` : ''
      } GROUP BY r.target_ref`;
      bindings = [key.slice('relations.'.length), ...where.bindings];
    } else {
      sql = `SELECT s.value AS lv, MIN(COALESCE(s.original_value, s.value)) AS value, COUNT(DISTINCT s.entity_id) AS c FROM catalog_search s WHERE s.key = ? AND s.value IS NOT NULL${
        filtered ? ` AND s.entity_id IN (SELECT e.eid FROM catalog_entities e WHERE ${where.sql})` : ''
      } GROUP BY s.value`;
      bindings = [key, ...where.bindings];
    }
    return this.cache.cached(`facet:${sql}:${JSON.stringify(bindings)}`, async () => {
      const rows = (await this.raw(sql, bindings)) as Array<{ value: string; c: number | string }>;
      await this.readCatalogSize();
      return rows.map(r => ({ value: String(r.value), count: Number(r.c) })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    }, this.weight);
  }
}
