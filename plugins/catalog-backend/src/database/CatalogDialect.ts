import type { Knex } from 'knex';
import { databaseEngineOf } from '@portico/backend-plugin-api';
import { PgDialect } from './PgDialect';
import { SqliteDialect } from './SqliteDialect';

/** The two engines the catalog runs on. */
export type Engine = 'sqlite' | 'pg';

/** A statement and its `?` bindings. */
export type Sql = { sql: string; bindings: unknown[] };

/** A column of a bulk insert: its name and its PostgreSQL array element type. */
export interface BulkColumn {
  name: string;
  pgType: string;
}

/**
 * Everything the catalog store does differently on SQLite and PostgreSQL (upserts, full-text search,
 * JSON functions, index builds), chosen once per store by `dialectFor`; the rooms of the store hold
 * no engine branches of their own.
 */
export interface CatalogDialect {
  readonly engine: Engine;
  /** SQLite on a file (not in memory): long end-of-load work may run on a thread with its own connection. */
  readonly sqliteFile?: string;
  /** Runs a read and returns its rows. */
  read(knex: Knex, sql: string, bindings: unknown[]): Promise<unknown[]>;
  /** Ends what the dialect started beside the knex pool (SQLite's read thread). */
  close?(): Promise<void>;
  /** Inserts many rows in as few round trips as possible; returns how many were written. */
  insertMany(trx: Knex.Transaction | Knex, table: string, columns: BulkColumn[], rows: unknown[][], options?: { ignoreConflicts?: boolean }): Promise<number>;
  /** Deletes rows whose `column` is one of `values`, in chunks that fit the engine's parameter limit. */
  deleteWhereIn(trx: Knex.Transaction | Knex, table: string, column: string, values: Array<string | number>, pgType?: 'text' | 'bigint'): Promise<void>;
  /** Integer keys for `n` new entity rows. */
  allocateEids(trx: Knex.Transaction, n: number): Promise<number[]>;
  /** The column of catalog_fts that holds the entity's eid. */
  readonly ftsEntityColumn: string;
  /** Inserts full-text rows `[eid, space-separated searchTokens]`. */
  insertFts(trx: Knex.Transaction, rows: unknown[][]): Promise<void>;
  /**
   * The ranked full-text query for `tokens` (see `searchTokens`), selecting id, etag, entity_ref, body, rank,
   * of the entities `e` that also match `where` (a filter and the caller's read permission).
   */
  fullTextQuery(tokens: string[], limit: number, where?: Sql): Sql;
  /** The authored spelling of a `metadata.*` key of row `e`, read from its stored JSON. */
  authoredMetadataSql(key: string): string;
  /**
   * The served relations of row `e` as a column of an entity query; `relationsIndexed` says whether the
   * relations are indexed by source at the moment (not while a first load has the index dropped).
   */
  servedRelationsColumn(relationsIndexed: boolean): string;
  /** The served relations of `refs` (source_ref, relations) in one query. */
  servedRelationsQuery(refs: string[]): Sql;
  /** Stitches the served relations of one chunk of refs. */
  stitchChunk(knex: Knex, refs: string[]): Promise<void>;
  /** Stitches every entity in one pass, where the engine does that faster than chunk by chunk. */
  stitchWholeTable?(knex: Knex): Promise<void>;
  /** Refreshes the planner's statistics of the catalog tables. */
  analyze(knex: Knex): Promise<void>;
  /** How many derived indexes a bulk load builds at once. */
  indexBuildParallelism(knex: Knex): number;
}

/** The engine behind a knex. */
export function engineOf(knex: Knex): Engine {
  return databaseEngineOf(knex);
}

/** The dialect of a knex. */
export function dialectFor(knex: Knex): CatalogDialect {
  return engineOf(knex) === 'pg' ? new PgDialect() : new SqliteDialect(knex);
}
