import type { Knex } from 'knex';
import type { CatalogDialect } from './CatalogDialect';
import { searchTokens } from './searchTokens';

export interface FullTextHit {
  id: string;
  etag: string;
  entityRef: string;
  body: string;
  rank: number;
}

/** Full-text search over catalog_fts, which holds each entity's `searchTokens` on both engines. */
export class FullTextSearch {
  constructor(private readonly knex: Knex, private readonly dialect: CatalogDialect) {}

  /** Ranked by relevance: entities holding a word that starts with each of `searchTokens(term)`. */
  async searchText(term: string, limit: number): Promise<FullTextHit[]> {
    const tokens = searchTokens(term).slice(0, 10).map(t => t.slice(0, 64));
    if (tokens.length === 0) return [];
    const query = this.dialect.fullTextQuery(tokens, limit);
    const rows = (await this.dialect.read(this.knex, query.sql, query.bindings)) as Array<Record<string, unknown>>;
    return rows.map(r => ({ id: String(r.id), etag: String(r.etag), entityRef: String(r.entity_ref), body: String(r.body), rank: Number(r.rank) }));
  }
}
