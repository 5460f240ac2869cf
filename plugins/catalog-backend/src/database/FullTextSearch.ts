import type { Knex } from 'knex';
import type { CatalogDialect } from './CatalogDialect';
import { compileWhere, type EntityPermissionCriteria } from './QueryCompiler';
import type { ParsedEntityFilter } from '@portico/plugin-catalog-common';
import { searchTokens } from './searchTokens';

export interface FullTextHit {
  id: string;
  etag: string;
  entityRef: string;
  body: string;
  /** The stitched relations JSON; null while the entity's batch is being stitched (read from the relations then). */
  relations: string | null;
  rank: number;
}

/** Full-text search over catalog_fts, which holds each entity's `searchTokens` on both engines. */
export class FullTextSearch {
  constructor(private readonly knex: Knex, private readonly dialect: CatalogDialect) {}

  /**
   * Ranked by relevance: entities holding a word that starts with each of `searchTokens(term)`, among
   * those matching `filter` and `permission` (applied in the query, so `limit` counts only those).
   */
  async searchText(term: string, limit: number, options?: { filter?: ParsedEntityFilter; permission?: EntityPermissionCriteria }): Promise<FullTextHit[]> {
    const tokens = searchTokens(term).slice(0, 10).map(t => t.slice(0, 64));
    if (tokens.length === 0) return [];
    const where = options?.filter || options?.permission ? compileWhere(options.filter, undefined, options.permission) : undefined;
    const query = this.dialect.fullTextQuery(tokens, limit, where);
    const rows = (await this.dialect.read(this.knex, query.sql, query.bindings)) as Array<Record<string, unknown>>;
    return rows.map(r => ({
      id: String(r.id),
      etag: String(r.etag),
      entityRef: String(r.entity_ref),
      body: String(r.body),
      relations: typeof r.relations === 'string' ? r.relations : null,
      rank: Number(r.rank),
    }));
  }
}
