import type { Knex } from 'knex';
import { requestActivity } from '@portico/backend-plugin-api';
import { ReadThreadUnavailable, SqliteReadThread } from './SqliteReadThread';
import type { BulkColumn, CatalogDialect, Sql } from './CatalogDialect';

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/** The index reads need to build the relations of a row not yet stitched (see `servedRelationsColumn`). */
export const SOURCE_INDEX = 'catalog_relations_source_cover_idx';

/**
 * The served relations of one entity as JSON text, aggregated over its distinct relation rows `d`
 * (`type`, `target_ref`) in the order stitching stores them: every path that builds them uses this.
 */
// rows come in (type, target_ref) order from the covering index or an ORDER BY in the subquery
const RELATIONS_JSON = "json_group_array(json_object('type', d.type, 'targetRef', d.target_ref))";

const STITCH = `UPDATE catalog_entities SET relations = (
  SELECT ${RELATIONS_JSON}
  FROM (SELECT DISTINCT r.type, r.target_ref FROM catalog_relations r WHERE r.source_ref = catalog_entities.entity_ref) d)
WHERE entity_ref IN ({in})`;

/**
 * Sets the served relations JSON of `n` entities (by ref) from the relations table. The covering
 * (source_ref, type, target_ref) index yields each entity's relations already in order.
 */
export function sqliteStitchSql(n: number): string {
  return STITCH.replace('{in}', Array(n).fill('?').join(', '));
}

const SQLITE_CHUNK = 50;
const preparedByConnection = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
const stitchStatements = new WeakMap<object, Map<number, SqliteStatement>>();

function stitchStatement(conn: SqliteConnection, n: number): SqliteStatement {
  let byCount = stitchStatements.get(conn);
  if (!byCount) stitchStatements.set(conn, (byCount = new Map()));
  let statement = byCount.get(n);
  if (!statement) {
    statement = conn.prepare(sqliteStitchSql(n));
    if (byCount.size > 20) byCount.clear();
    byCount.set(n, statement);
  }
  return statement;
}

/** The SQLite file behind a knex, if it is one. */
function sqliteFilenameOf(knex: Knex): string | undefined {
  const connection = (knex.client as { config?: { connection?: unknown } }).config?.connection;
  const filename = typeof connection === 'string' ? connection : (connection as { filename?: unknown } | undefined)?.filename;
  return typeof filename === 'string' ? filename : undefined;
}

/** SQLite (better-sqlite3, in-process): prepared statements reused, FTS5, JSON1, MAX+1 keys (one writer). */
export class SqliteDialect implements CatalogDialect {
  readonly engine = 'sqlite' as const;
  readonly sqliteFile?: string;
  readonly ftsEntityColumn = 'rowid';

  private readonly readThread?: SqliteReadThread;

  constructor(knex: Knex) {
    const filename = sqliteFilenameOf(knex);
    if (filename && filename !== ':memory:' && !filename.startsWith('file:')) {
      this.sqliteFile = filename;
      this.readThread = new SqliteReadThread(filename);
    }
  }

  /**
   * The statement is prepared once per connection and reused: the query builder and statement
   * preparation cost more than the lookup itself on the hot read paths. On a SQLite file, while other HTTP requests
   * wait for this thread (more than one in flight), the read runs on a thread of its own instead (SqliteReadThread):
   * SQLite then works on the second core while this one answers the others. With one request in flight the hand-over
   * would only add its own latency.
   */
  async read(knex: Knex, sql: string, bindings: unknown[]): Promise<unknown[]> {
    const params = bindings.map(b => (typeof b === 'boolean' ? Number(b) : b));
    if (this.readThread?.usable && requestActivity.inFlight > 1 && !(knex as Knex & { isTransaction?: boolean }).isTransaction) {
      try {
        return await this.readThread.read(sql, params);
      } catch (error) {
        if (!(error instanceof ReadThreadUnavailable)) throw error;
        // run where it would have run anyway: a genuine error is reported from there
      }
    }
    const conn = (await knex.client.acquireConnection()) as SqliteConnection;
    try {
      let statements = preparedByConnection.get(conn);
      if (!statements) preparedByConnection.set(conn, (statements = new Map()));
      let statement = statements.get(sql);
      if (!statement) {
        statement = conn.prepare(sql);
        if (statements.size > 200) statements.clear();
        statements.set(sql, statement);
      }
      return statement.all(...params);
    } finally {
      await knex.client.releaseConnection(conn);
    }
  }

  async close(): Promise<void> {
    await this.readThread?.close();
  }

  /** Prepared multi-row statements: the connection is in-process, so that is the fastest path. */
  async insertMany(trx: Knex.Transaction | Knex, table: string, columns: BulkColumn[], rows: unknown[][], options?: { ignoreConflicts?: boolean }): Promise<number> {
    if (rows.length === 0) return 0;
    const cols = columns.map(c => `"${c.name}"`).join(', ');
    const onConflict = options?.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
    const conn = (await trx.client.acquireConnection()) as SqliteConnection;
    let written = 0;
    try {
      const one = `(${columns.map(() => '?').join(', ')})`;
      const full = conn.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array(SQLITE_CHUNK).fill(one).join(', ')}${onConflict}`);
      let i = 0;
      for (; i + SQLITE_CHUNK <= rows.length; i += SQLITE_CHUNK) {
        const params: unknown[] = [];
        for (let j = i; j < i + SQLITE_CHUNK; j++) for (const v of rows[j]) params.push(v ?? null);
        written += full.run(...params).changes;
      }
      if (i < rows.length) {
        const single = conn.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${one}${onConflict}`);
        for (; i < rows.length; i++) written += single.run(...rows[i].map(v => v ?? null)).changes;
      }
    } finally {
      if (!('isTransaction' in trx && trx.isTransaction)) await trx.client.releaseConnection(conn);
    }
    return written;
  }

  async deleteWhereIn(trx: Knex.Transaction | Knex, table: string, column: string, values: Array<string | number>): Promise<void> {
    for (let i = 0; i < values.length; i += 500) {
      await trx(table).whereIn(column, values.slice(i, i + 500)).delete();
    }
  }

  async allocateEids(trx: Knex.Transaction, n: number): Promise<number[]> {
    if (n === 0) return [];
    const row = await trx('catalog_entities').max({ m: 'eid' }).first();
    const start = Number(row?.m ?? 0) + 1;
    return Array.from({ length: n }, (_, i) => start + i);
  }

  async insertFts(trx: Knex.Transaction, rows: unknown[][]): Promise<void> {
    await this.insertMany(trx, 'catalog_fts', [{ name: 'rowid', pgType: 'bigint' }, { name: 'document', pgType: 'text' }], rows);
  }

  fullTextQuery(tokens: string[], limit: number, where?: Sql): Sql {
    const query = tokens.map(t => `"${t}"*`).join(' AND ');
    return {
      sql: `SELECT e.id, e.etag, e.entity_ref, e.body, e.relations, -bm25(catalog_fts) AS rank FROM catalog_fts f JOIN catalog_entities e ON e.eid = f.rowid
         WHERE catalog_fts MATCH ?${where ? ` AND (${where.sql})` : ''} ORDER BY bm25(catalog_fts), e.entity_ref LIMIT ?`,
      bindings: [`document : (${query})`, ...(where?.bindings ?? []), limit],
    };
  }

  authoredMetadataSql(key: string): string {
    return `json_extract(e.body, '$.${key}')`;
  }

  /**
   * Once the relations are indexed by source, a row not yet stitched gets them built by the database
   * within the same query, in the stitched form (an index lookup per row: a 1,000-entity page as fast
   * as a stitched one); while a first load has the index dropped they come back null.
   */
  servedRelationsColumn(relationsIndexed: boolean): string {
    if (!relationsIndexed) return 'e.relations';
    // INDEXED BY: without the index the statement fails at once instead of scanning the table per row
    return `COALESCE(e.relations, (SELECT ${RELATIONS_JSON}
      FROM (SELECT DISTINCT r.type, r.target_ref FROM catalog_relations r INDEXED BY ${SOURCE_INDEX} WHERE r.source_ref = e.entity_ref) d))`;
  }

  servedRelationsQuery(refs: string[]): Sql {
    return {
      sql: `SELECT d.source_ref, ${RELATIONS_JSON} AS relations
           FROM (SELECT DISTINCT source_ref, type, target_ref FROM catalog_relations
                 WHERE source_ref IN (SELECT value FROM json_each(?)) ORDER BY source_ref, type, target_ref) d
           GROUP BY d.source_ref`,
      bindings: [JSON.stringify(refs)],
    };
  }

  /** One transaction, a prepared statement per 500 refs. */
  async stitchChunk(knex: Knex, refs: string[]): Promise<void> {
    const STEP = 500;
    await knex.transaction(async trx => {
      for (let j = 0; j < refs.length; j += STEP) {
        const slice = refs.slice(j, j + STEP);
        const conn = (await trx.client.acquireConnection()) as SqliteConnection;
        stitchStatement(conn, slice.length).run(...slice);
      }
    });
  }

  async analyze(knex: Knex): Promise<void> {
    await knex.raw('PRAGMA analysis_limit = 400');
    await knex.raw('ANALYZE');
  }

  /** One connection writes at a time. */
  indexBuildParallelism(): number {
    return 1;
  }
}
