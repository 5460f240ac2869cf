import type { Knex } from 'knex';
import type { EntityFilter, FilterCondition, SortField } from '../service/filters';
import { deleteWhereIn, engineOf, insertMany, selectWhereIn, type Engine } from './bulk';
import { createDerivedIndexes, derivedIndexStatements, dropDerivedIndexes } from './migrations';
import { runOnSqliteThread, type SqlPlan } from './sqliteThread';
import { searchTokens } from './searchTokens';
import { yieldToEventLoop } from '../yieldToEventLoop';

/** An entity row as stored. `body` is the authored entity as JSON; uid, etag and relations are added when served. */
export interface EntityRow {
  id: string;
  entityRef: string;
  kind: string;
  provider: string;
  locationKey: string | null;
  hash: string;
  etag: string;
  body: string;
  /** Stitched relations JSON (`[{type,targetRef}]`), or null while a batch is being stitched. */
  relations?: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RelationRow {
  sourceRef: string;
  type: string;
  targetRef: string;
}

export interface SearchRow {
  key: string;
  value: string | null;
  /** The value as authored when it differs from the lower-cased `value`; null otherwise. */
  originalValue: string | null;
}

/** Everything written for one entity. */
export interface EntityWrite {
  row: EntityRow;
  namespace: string;
  name: string;
  relations: RelationRow[];
  search: SearchRow[];
  document: string;
}

export interface HistoryWrite {
  entityRef: string;
  action: 'created' | 'updated' | 'deleted';
  source: string | null;
  diff: string;
  at: number;
}

export interface ErrorRecord {
  id?: number;
  provider: string;
  locationKey: string | null;
  type: 'read' | 'parse' | 'policy' | 'validation' | 'conflict';
  entityRef: string | null;
  message: string;
  inputHash: string | null;
  at: number;
}

export interface LocationRecord {
  id: string;
  type: string;
  target: string;
  rules: string | null;
  createdAt: number;
}

export interface BatchWrite {
  upserts: EntityWrite[];
  /** Entities to remove (ids and refs). */
  deletes: Array<{ id: string; entityRef: string }>;
  history: HistoryWrite[];
}

/** What a write did not do: refs another writer inserted first (to be reported as conflicts). */
export interface BatchResult {
  skipped: string[];
}

/** See `CatalogStore.openBatch`. */
export interface BatchSession {
  write(batch: BatchWrite): Promise<BatchResult>;
  finish(): Promise<void>;
  /**
   * True once the first write has found the catalog empty: every row there is was then written by
   * this session (writes are serialised), so nothing needs looking up before the next chunk; a row
   * another instance inserts meanwhile is still caught by its unique ref and reported as skipped.
   */
  readonly firstLoad: boolean;
}

export interface QueryPage {
  filter?: EntityFilter;
  fullText?: { term: string; fields?: string[] };
  order: SortField[];
  /** Keyset: sort values of the row to continue after (or before when `direction` is 'prev'). */
  after?: { values: string[]; ref: string };
  direction?: 'next' | 'prev';
  limit: number;
  offset?: number;
}

export interface QueriedEntity {
  id: string;
  etag: string;
  entityRef: string;
  body: string;
  relations?: string | null;
  sortValues: string[];
}

const ENTITY_COLUMNS = [
  { name: 'eid', pgType: 'bigint' },
  { name: 'id', pgType: 'text' },
  { name: 'entity_ref', pgType: 'text' },
  { name: 'kind', pgType: 'text' },
  { name: 'namespace', pgType: 'text' },
  { name: 'name', pgType: 'text' },
  { name: 'provider', pgType: 'text' },
  { name: 'location_key', pgType: 'text' },
  { name: 'hash', pgType: 'text' },
  { name: 'etag', pgType: 'text' },
  { name: 'body', pgType: 'text' },
  { name: 'created_at', pgType: 'bigint' },
  { name: 'updated_at', pgType: 'bigint' },
];
const RELATION_COLUMNS = [
  { name: 'originating_id', pgType: 'bigint' },
  { name: 'source_ref', pgType: 'text' },
  { name: 'type', pgType: 'text' },
  { name: 'type_key', pgType: 'text' },
  { name: 'target_ref', pgType: 'text' },
];
const SEARCH_COLUMNS = [
  { name: 'entity_id', pgType: 'bigint' },
  { name: 'key', pgType: 'text' },
  { name: 'value', pgType: 'text' },
  { name: 'original_value', pgType: 'text' },
];
const HISTORY_COLUMNS = [
  { name: 'entity_ref', pgType: 'text' },
  { name: 'at', pgType: 'bigint' },
  { name: 'action', pgType: 'text' },
  { name: 'source', pgType: 'text' },
  { name: 'diff', pgType: 'text' },
];

/**
 * Keys that get no search rows: the entity row's own columns answer them (filters, sorting, facets and
 * full-text filters read them there), which saves three of the seventeen rows of a typical entity.
 */
export const COLUMN_KEYS: ReadonlySet<string> = new Set(['kind', 'metadata.name', 'metadata.namespace']);

/** Columns of catalog_entities that answer some keys without the search table. */
const DIRECT_COLUMNS: Record<string, string> = {
  kind: 'e.kind',
  'metadata.name': 'e.name',
  'metadata.namespace': 'e.namespace',
  'metadata.uid': 'e.id',
};

function toEntityRow(r: Record<string, unknown>): EntityRow {
  return {
    id: String(r.id),
    entityRef: String(r.entity_ref),
    kind: String(r.kind),
    provider: String(r.provider),
    locationKey: (r.location_key as string | null) ?? null,
    hash: String(r.hash),
    etag: String(r.etag),
    body: String(r.body),
    relations: (r.relations as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

type Sql = { sql: string; bindings: unknown[] };

interface SqliteConnection {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
}
const preparedByConnection = new WeakMap<SqliteConnection, Map<string, { all(...params: unknown[]): unknown[] }>>();

const THREAD_MIN = 5_000;

/** The index reads need to build the relations of a row not yet stitched (see `servedRelationsSql`). */
const SOURCE_INDEX = 'catalog_relations_source_cover_idx';

/**
 * The served relations of one entity as JSON text, aggregated over its distinct relation rows `d`
 * (`type`, `target_ref`) in the order stitching stores them: every path that builds them uses these.
 */
const RELATIONS_JSON = {
  // rows come in (type, target_ref) order from the covering index or an ORDER BY in the subquery
  sqlite: "json_group_array(json_object('type', d.type, 'targetRef', d.target_ref))",
  pg: "jsonb_agg(jsonb_build_object('type', d.type, 'targetRef', d.target_ref) ORDER BY d.type, d.target_ref)::text",
};

const STITCH_SQLITE = `UPDATE catalog_entities SET relations = (
  SELECT ${RELATIONS_JSON.sqlite}
  FROM (SELECT DISTINCT r.type, r.target_ref FROM catalog_relations r WHERE r.source_ref = catalog_entities.entity_ref) d)
WHERE entity_ref IN ({in})`;

/** The SQLite file behind a knex, if it is one. */
function sqliteFilenameOf(knex: Knex): string | undefined {
  const connection = (knex.client as { config?: { connection?: unknown } }).config?.connection;
  const filename = typeof connection === 'string' ? connection : (connection as { filename?: unknown } | undefined)?.filename;
  return typeof filename === 'string' ? filename : undefined;
}

const stitchStatements = new WeakMap<object, Map<number, { run(...p: unknown[]): unknown }>>();
/**
 * SQLite: sets the served relations JSON of `n` entities (by ref) from the relations table. The
 * covering (source_ref, type, target_ref) index yields each entity's relations already in order.
 */
function stitchStatement(conn: { prepare(sql: string): { run(...p: unknown[]): unknown } }, n: number) {
  let byCount = stitchStatements.get(conn);
  if (!byCount) stitchStatements.set(conn, (byCount = new Map()));
  let statement = byCount.get(n);
  if (!statement) {
    statement = conn.prepare(STITCH_SQLITE.replace('{in}', Array(n).fill('?').join(', ')));
    if (byCount.size > 20) byCount.clear();
    byCount.set(n, statement);
  }
  return statement;
}
const ANALYZE_MIN = 1000;
/** SQLite's default: checkpoint the WAL once it holds this many pages. */
const WAL_AUTOCHECKPOINT = 1000;
/** A first load of fewer entities leaves a WAL of a few MB: not worth a thread to copy it. */
const CHECKPOINT_THREAD_MIN = 1000;
/**
 * Copies a first load from the WAL into the file: PASSIVE does the bulk of it without blocking
 * anyone; TRUNCATE then copies what came since and empties the WAL (holding writers back only for
 * that), so reads stop consulting a WAL the size of the catalog and the file does not stay behind.
 */
const CHECKPOINT = [{ sql: 'PRAGMA wal_checkpoint(PASSIVE)' }, { sql: 'PRAGMA wal_checkpoint(TRUNCATE)' }];

/** knex queries of the catalog. No business rules: callers decide what to write. */
export class CatalogStore {
  readonly engine: Engine;
  /** Bumped on every committed write; caches of counts and facets key on it. */
  private generation = 0;
  private readonly cache = new Map<string, unknown>();

  /**
   * Whether the relations are indexed by source (not while a first load has the derived indexes
   * dropped), so that reads may build a row's relations in SQL while it is not yet stitched.
   */
  private relationsIndexed = true;

  /** The SQLite file (not in-memory) whose long statements may run on a thread of their own. */
  private readonly sqliteFile?: string;

  /** How many entities a write session must touch before its end runs on a thread. */
  private readonly threadMin: number;

  /**
   * `sqliteThreadMin`: on a SQLite file, a write session touching at least this many entities builds
   * indexes and stitches on a thread of its own (default 5,000: from about half a second of such work,
   * answering reads meanwhile is worth the thread's start; reads build the relations of rows not yet
   * stitched from the relations index, built first).
   */
  constructor(private readonly knex: Knex, options?: { chunkSize?: number; sqliteThreadMin?: number }) {
    this.engine = engineOf(knex);
    this.chunkSize = options?.chunkSize ?? 2000;
    this.threadMin = options?.sqliteThreadMin ?? THREAD_MIN;
    const filename = sqliteFilenameOf(knex);
    if (this.engine === 'sqlite' && filename && filename !== ':memory:' && !filename.startsWith('file:')) {
      this.sqliteFile = filename;
    }
  }
  private readonly chunkSize: number;

  getGeneration(): number {
    return this.generation;
  }

  private bump() {
    this.generation++;
    this.cache.clear();
  }

  private cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const generation = this.generation;
    const p = compute();
    this.cache.set(key, p);
    p.then(
      () => { if (this.generation !== generation) this.cache.delete(key); },
      () => this.cache.delete(key),
    );
    if (this.cache.size > 500) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  // ---------------------------------------------------------------- writes

  /** Writes a batch and makes it fully served (relations stitched) before returning. */
  async writeBatch(batch: BatchWrite): Promise<BatchResult> {
    const session = this.openBatch();
    const result = await session.write(batch);
    await session.finish();
    return result;
  }

  /**
   * A write session: `write` may be called many times (a provider's mutation streamed in chunks),
   * each chunk committed in its own transaction and visible at once; `finish` rebuilds what a bulk
   * load dropped and stitches the served relations of everything the session touched, once.
   */
  openBatch(): BatchSession {
    let bulk: boolean | undefined;
    let total = 0;
    let finished = false;
    const affected = new Set<string>();
    return {
      get firstLoad() {
        return bulk === true;
      },
      write: async (batch: BatchWrite): Promise<BatchResult> => {
        if (finished) throw new Error('catalog write session already finished');
        const skipped: string[] = [];
        if (batch.upserts.length + batch.deletes.length + batch.history.length === 0) return { skipped };
        if (bulk === undefined) {
          // A first load into an empty catalog builds the derived indexes once, at the end (several
          // times faster than maintaining them row by row; the first chunk says nothing of the total).
          bulk = batch.upserts.length > 0 && !(await this.knex('catalog_entities').select('eid').first());
          if (bulk) {
            await dropDerivedIndexes(this.knex);
            this.relationsIndexed = false;
          }
          // A first load writes every page once: checkpointing the WAL every 4 MB on the way would copy
          // each page twice and sync the file each time; one checkpoint at the end does it once.
          if (bulk && this.sqliteFile) await this.walAutocheckpoint(0);
        }
        total += batch.upserts.length + batch.deletes.length;
        const chunks: BatchWrite[] = [];
        for (let i = 0; i < Math.max(batch.upserts.length, batch.deletes.length, 1); i += this.chunkSize) {
          chunks.push({ upserts: batch.upserts.slice(i, i + this.chunkSize), deletes: batch.deletes.slice(i, i + this.chunkSize), history: [] });
        }
        chunks[chunks.length - 1].history = batch.history;
        try {
          for (const chunk of chunks) {
            await this.knex.transaction(trx => this.writeChunk(trx, chunk, affected, skipped, bulk === true));
            this.bump();
          }
        } catch (error) {
          if (bulk) {
            await createDerivedIndexes(this.knex);
            this.relationsIndexed = true;
          }
          if (bulk && this.sqliteFile) await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
          bulk = false;
          throw error;
        }
        return { skipped };
      },
      finish: async () => {
        if (finished) return;
        finished = true;
        if (bulk === undefined) return; // nothing was written
        const refs = [...affected];
        const checkpoint = bulk && !!this.sqliteFile;
        if (this.sqliteFile && refs.length >= this.threadMin) {
          // Index builds and stitching a large load take seconds of synchronous SQLite work: run them on
          // a thread of their own, the API answering from this connection meanwhile (right answers,
          // relations read from the relations table until stitched).
          const plan = this.finishPlan(bulk, refs, total >= ANALYZE_MIN);
          if (checkpoint) plan.push(...CHECKPOINT);
          try {
            await runOnSqliteThread(this.sqliteFile, plan, step => {
              const item = plan[step];
              if (!Array.isArray(item) && item.sql.includes(SOURCE_INDEX)) this.relationsIndexed = true;
            });
          } finally {
            if (checkpoint) await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
            this.bump();
          }
          return;
        }
        try {
          // PostgreSQL builds them side by side, leaving two connections of the pool to the API
          if (bulk) await createDerivedIndexes(this.knex, { parallel: this.engine === 'pg' ? Math.max(1, this.poolSize() - 2) : 1 });
          this.relationsIndexed = true;
        } finally {
          this.bump();
        }
        // a bulk load wrote every entity there is: PostgreSQL stitches the whole table in one pass
        await this.stitch(refs, { wholeTable: bulk });
        // fresh statistics let the planner start selective filters (spec.owner=x) from the search index
        if (total >= ANALYZE_MIN) await this.analyze();
        this.bump();
        if (checkpoint) {
          await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
          // copying a large load from the WAL into the file holds a connection for a while: not this one
          // (a small one, such as the example organisation at start-up, is left to the next commit)
          if (total >= CHECKPOINT_THREAD_MIN) await runOnSqliteThread(this.sqliteFile!, CHECKPOINT);
        }
      },
    };
  }

  /** The most connections the knex pool opens. */
  private poolSize(): number {
    const pool = (this.knex.client as { pool?: { max?: number } }).pool;
    return pool?.max ?? 1;
  }

  /** How many WAL pages make SQLite checkpoint on commit (0: never) on the main connection. */
  private async walAutocheckpoint(pages: number): Promise<void> {
    await this.knex.raw(`PRAGMA wal_autocheckpoint = ${pages}`);
  }

  /** The end of a large write on a SQLite file, as statements for `runOnSqliteThread`. */
  private finishPlan(bulk: boolean, refs: string[], analyze: boolean): SqlPlan {
    const plan: SqlPlan = [];
    if (bulk) {
      // every index before stitching: once an entity is served stitched, its filters are fast too
      for (const sql of derivedIndexStatements()) plan.push({ sql });
    }
    const STEP = 500;
    for (let i = 0; i < refs.length; i += this.chunkSize) {
      const group = [];
      for (let j = i; j < Math.min(i + this.chunkSize, refs.length); j += STEP) {
        const params = refs.slice(j, Math.min(j + STEP, i + this.chunkSize, refs.length));
        group.push({ sql: STITCH_SQLITE.replace('{in}', Array(params.length).fill('?').join(', ')), params });
      }
      plan.push(group);
    }
    if (analyze) plan.push({ sql: 'PRAGMA analysis_limit = 400' }, { sql: 'ANALYZE' });
    return plan;
  }

  /** Refreshes the planner's statistics of the catalog tables (sampled, so cheap even on large catalogs). */
  async analyze(): Promise<void> {
    if (this.engine === 'pg') {
      await this.knex.raw('ANALYZE catalog_entities, catalog_search, catalog_relations');
    } else {
      await this.knex.raw('PRAGMA analysis_limit = 400');
      await this.knex.raw('ANALYZE');
    }
  }

  /**
   * Recomputes the served relations of `refs` (entities whose own or incoming relations changed) and
   * stores them as JSON on the entity rows, so reads never join the relations table. The database
   * builds the JSON (one statement per few hundred entities); nothing crosses into JavaScript.
   */
  private async stitch(refs: string[], options?: { wholeTable?: boolean }): Promise<void> {
    const STEP = 500;
    if (this.engine === 'pg' && options?.wholeTable) {
      // one pass over all relations, grouped, instead of an index lookup per entity
      await this.knex.raw(
        `UPDATE catalog_entities e SET relations = COALESCE(agg.rel, '[]')
         FROM catalog_entities e2 LEFT JOIN (
           SELECT d.source_ref, ${RELATIONS_JSON.pg} AS rel
           FROM (SELECT DISTINCT r.source_ref, r.type, r.target_ref FROM catalog_relations r) d
           GROUP BY d.source_ref) agg ON agg.source_ref = e2.entity_ref
         WHERE e.eid = e2.eid`,
      );
      this.bump();
      return;
    }
    for (let i = 0; i < refs.length; i += this.chunkSize) {
      const part = refs.slice(i, i + this.chunkSize);
      if (this.engine === 'pg') {
        await this.knex.raw(
          `UPDATE catalog_entities e SET relations = COALESCE((
             SELECT ${RELATIONS_JSON.pg}
             FROM (SELECT DISTINCT r.type, r.target_ref FROM catalog_relations r WHERE r.source_ref = e.entity_ref) d), '[]')
           WHERE e.entity_ref = ANY(?::text[])`,
          [part] as Knex.RawBinding[],
        );
        this.bump();
        await yieldToEventLoop();
        continue;
      }
      await this.knex.transaction(async trx => {
        for (let j = 0; j < part.length; j += STEP) {
          const slice = part.slice(j, j + STEP);
          const conn = (await trx.client.acquireConnection()) as { prepare(sql: string): { run(...p: unknown[]): unknown } };
          stitchStatement(conn, slice.length).run(...slice);
        }
      });
      this.bump();
      await yieldToEventLoop();
    }
  }
  /** Repairs what an interrupted bulk load may have left (call once at startup). */
  async ensureIndexes(): Promise<void> {
    await createDerivedIndexes(this.knex);
    this.relationsIndexed = true;
    await this.analyze();
  }

  /** Integer keys for new entity rows: a sequence on PostgreSQL, MAX+1 on SQLite (one writer at a time). */
  private async allocateEids(trx: Knex.Transaction, n: number): Promise<number[]> {
    if (n === 0) return [];
    if (this.engine === 'pg') {
      const res = await trx.raw(`SELECT nextval(pg_get_serial_sequence('catalog_entities', 'eid')) AS v FROM generate_series(1, ?)`, [n]);
      return (res as { rows: Array<{ v: string }> }).rows.map(r => Number(r.v));
    }
    const row = await trx('catalog_entities').max({ m: 'eid' }).first();
    const start = Number(row?.m ?? 0) + 1;
    return Array.from({ length: n }, (_, i) => start + i);
  }

  /**
   * One transaction of a batch. An entity row whose ref another writer inserted meanwhile (two
   * instances reading the same location at once) is not written; its ref is added to `skipped`.
   */
  private async writeChunk(trx: Knex.Transaction, batch: BatchWrite, affected: Set<string>, skipped: string[], firstLoad: boolean) {
    const e = this.engine;
    const ids = [...batch.upserts.map(u => u.row.id), ...batch.deletes.map(d => d.id)];
    // a first load's rows are all new (fresh uids): there is nothing to replace
    const old = firstLoad && batch.deletes.length === 0
      ? []
      : (await selectWhereIn<{ eid: number | string }>(trx, 'catalog_entities', ['eid'], 'id', ids)).map(r => Number(r.eid));
    // whoever the replaced relations pointed from must be stitched again
    if (old.length) {
      for (const r of await selectWhereIn<{ source_ref: string }>(trx, 'catalog_relations', ['source_ref'], 'originating_id', old as unknown as string[])) {
        affected.add(r.source_ref);
      }
    }
    await deleteWhereIn(trx, e, 'catalog_relations', 'originating_id', old, 'bigint');
    await deleteWhereIn(trx, e, 'catalog_search', 'entity_id', old, 'bigint');
    await deleteWhereIn(trx, e, 'catalog_fts', e === 'pg' ? 'entity_id' : 'rowid', old, 'bigint');
    await deleteWhereIn(trx, e, 'catalog_entities', 'eid', old, 'bigint');
    const eids = await this.allocateEids(trx, batch.upserts.length);
    const inserted = await insertMany(trx, e, 'catalog_entities', ENTITY_COLUMNS, batch.upserts.map((u, i) => [
      eids[i], u.row.id, u.row.entityRef, u.row.kind, u.namespace, u.name, u.row.provider, u.row.locationKey,
      u.row.hash, u.row.etag, u.row.body, u.row.createdAt, u.row.updatedAt,
    ]), { ignoreConflicts: true });
    const written = inserted === batch.upserts.length ? undefined : new Set(await this.insertedEids(trx, eids));
    const relations: unknown[][] = [];
    const search: unknown[][] = [];
    const fts: unknown[][] = [];
    batch.upserts.forEach((u, i) => {
      const eid = eids[i];
      if (written && !written.has(eid)) {
        skipped.push(u.row.entityRef);
        return;
      }
      affected.add(u.row.entityRef);
      for (const r of u.relations) {
        affected.add(r.sourceRef);
        relations.push([eid, r.sourceRef, r.type, r.type.toLowerCase(), r.targetRef]);
      }
      for (const s of u.search) search.push([eid, s.key, s.value, s.originalValue]);
      // indexed as our own tokens, so both engines hold the same words (see searchTokens)
      fts.push([eid, searchTokens(u.document).join(' ')]);
    });
    await insertMany(trx, e, 'catalog_relations', RELATION_COLUMNS, relations);
    await insertMany(trx, e, 'catalog_search', SEARCH_COLUMNS, search);
    if (e === 'pg') {
      if (fts.length) {
        await trx.raw(
          `INSERT INTO catalog_fts (entity_id, document) SELECT id, array_to_tsvector(string_to_array(doc, ' ')) FROM unnest(?::bigint[], ?::text[]) AS t(id, doc)`,
          [fts.map(f => f[0]), fts.map(f => f[1])] as Knex.RawBinding[],
        );
      }
    } else {
      await insertMany(trx, e, 'catalog_fts', [{ name: 'rowid', pgType: 'bigint' }, { name: 'document', pgType: 'text' }], fts);
    }
    const lost = new Set(skipped);
    const history = lost.size ? batch.history.filter(h => !lost.has(h.entityRef)) : batch.history;
    await insertMany(trx, e, 'catalog_history', HISTORY_COLUMNS, history.map(h => [h.entityRef, h.at, h.action, h.source, h.diff]));
  }

  /** Which of `eids` this transaction's entity insert actually wrote. */
  private async insertedEids(trx: Knex.Transaction, eids: number[]): Promise<number[]> {
    const rows = await selectWhereIn<{ eid: number | string }>(trx, 'catalog_entities', ['eid'], 'eid', eids as unknown as string[]);
    return rows.map(r => Number(r.eid));
  }

  // ---------------------------------------------------------------- entity reads for ingestion

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
    const rows = (await this.raw(
      this.engine === 'pg'
        ? `SELECT d.source_ref, ${RELATIONS_JSON.pg} AS relations
           FROM (SELECT DISTINCT source_ref, type, target_ref FROM catalog_relations WHERE source_ref = ANY(?::text[])) d
           GROUP BY d.source_ref`
        : `SELECT d.source_ref, ${RELATIONS_JSON.sqlite} AS relations
           FROM (SELECT DISTINCT source_ref, type, target_ref FROM catalog_relations
                 WHERE source_ref IN (SELECT value FROM json_each(?)) ORDER BY source_ref, type, target_ref) d
           GROUP BY d.source_ref`,
      [this.engine === 'pg' ? refs : JSON.stringify(refs)],
    )) as Array<{ source_ref: string; relations: string }>;
    for (const r of rows) out.set(r.source_ref, r.relations);
    for (const ref of refs) if (!out.has(ref)) out.set(ref, '[]');
    return out;
  }

  /** Refs of the entities with a relation of `type` pointing to `targetRef` (e.g. children of a group). */
  async getSourcesOf(type: string, targetRef: string): Promise<string[]> {
    const rows = await this.knex('catalog_relations').distinct('source_ref').where({ type_key: type.toLowerCase(), target_ref: targetRef });
    return rows.map(r => r.source_ref as string);
  }

  // ---------------------------------------------------------------- queries

  private conditionSql(c: FilterCondition): Sql {
    const direct = DIRECT_COLUMNS[c.key];
    if (direct) {
      if (!c.values) return { sql: '1 = 1', bindings: [] };
      return { sql: `${direct} IN (${c.values.map(() => '?').join(', ')})`, bindings: c.values };
    }
    if (c.key.startsWith('relations.')) {
      const type = c.key.slice('relations.'.length);
      if (!c.values) {
        return { sql: 'e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ?)', bindings: [type] };
      }
      return {
        sql: `e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ? AND target_ref IN (${c.values.map(() => '?').join(', ')}))`,
        bindings: [type, ...c.values],
      };
    }
    if (!c.values) return { sql: 'e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ?)', bindings: [c.key] };
    return {
      sql: `e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ? AND value IN (${c.values.map(() => '?').join(', ')}))`,
      bindings: [c.key, ...c.values],
    };
  }

  private whereSql(filter?: EntityFilter, fullText?: { term: string; fields?: string[] }): Sql {
    const parts: string[] = [];
    const bindings: unknown[] = [];
    if (filter && filter.anyOf.length) {
      const ors = filter.anyOf.map(group => {
        const ands = group.allOf.map(c => {
          const s = this.conditionSql(c);
          bindings.push(...s.bindings);
          return s.sql;
        });
        return `(${ands.join(' AND ')})`;
      });
      parts.push(`(${ors.join(' OR ')})`);
    }
    if (fullText && fullText.term) {
      const like = `%${fullText.term.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
      const fields = fullText.fields?.length ? fullText.fields : undefined;
      // kind, name and namespace are matched on the entity columns (they have no search rows)
      const columns = [...COLUMN_KEYS].filter(k => !fields || fields.includes(k)).map(k => DIRECT_COLUMNS[k]);
      parts.push(
        `(e.eid IN (SELECT entity_id FROM catalog_search WHERE value LIKE ? ESCAPE '\\'${fields ? ` AND key IN (${fields.map(() => '?').join(', ')})` : ''})${
          columns.map(c => ` OR ${c} LIKE ? ESCAPE '\\'`).join('')})`,
      );
      bindings.push(like, ...(fields ?? []), ...columns.map(() => like));
    }
    return { sql: parts.length ? parts.join(' AND ') : '1 = 1', bindings };
  }

  private sortExpr(field: string): Sql {
    const direct = DIRECT_COLUMNS[field];
    if (direct) return { sql: direct, bindings: [] };
    return {
      sql: `COALESCE((SELECT MIN(s.value) FROM catalog_search s WHERE s.entity_id = e.eid AND s.key = ?), '')`,
      bindings: [field],
    };
  }

  /**
   * The served relations of row `e` as a column. On SQLite, once the relations are indexed by source,
   * a row not yet stitched gets them built by the database within the same query, in the stitched
   * form (an index lookup per row: a 1,000-entity page as fast as a stitched one). Otherwise (the
   * index is dropped during a first load; PostgreSQL, where another instance's first load may have
   * dropped it) rows not yet stitched come back null and are completed with one query per page.
   */
  private servedRelationsSql(): string {
    if (this.engine !== 'sqlite' || !this.relationsIndexed) return 'e.relations';
    // INDEXED BY: without the index the statement fails at once instead of scanning the table per row
    return `COALESCE(e.relations, (SELECT ${RELATIONS_JSON.sqlite}
      FROM (SELECT DISTINCT r.type, r.target_ref FROM catalog_relations r INDEXED BY ${SOURCE_INDEX} WHERE r.source_ref = e.entity_ref) d))`;
  }

  /** One page of entities matching a filter, ordered by `order` then entity ref, keyset-paginated. */
  async queryEntities(q: QueryPage): Promise<{ rows: QueriedEntity[]; hasMore: boolean }> {
    const where = this.whereSql(q.filter, q.fullText);
    const sorts = q.order.map(o => ({ ...this.sortExpr(o.field), order: o.order }));
    const reverse = q.direction === 'prev';
    const bindings: unknown[] = [];
    const selectSorts = sorts.map((s, i) => {
      bindings.push(...s.bindings);
      return `, ${s.sql} AS sort_${i}`;
    });
    const relationsSql = this.servedRelationsSql();
    let sql = `SELECT e.id, e.etag, e.entity_ref, e.body, ${relationsSql} AS relations${selectSorts.join('')} FROM catalog_entities e WHERE ${where.sql}`;
    bindings.push(...where.bindings);
    if (q.after) {
      // lexicographic (s0, s1, ..., ref) > (v0, v1, ..., ref) honouring each direction
      const cols = [...sorts.map((s, i) => ({ sql: s.sql, bindings: s.bindings, asc: s.order === 'asc', value: q.after!.values[i] ?? '' })),
        { sql: 'e.entity_ref', bindings: [] as unknown[], asc: true, value: q.after.ref }];
      const build = (i: number): Sql => {
        const c = cols[i];
        const forward = c.asc !== reverse;
        const op = forward ? '>' : '<';
        if (i === cols.length - 1) return { sql: `${c.sql} ${op} ?`, bindings: [...c.bindings, c.value] };
        const rest = build(i + 1);
        return {
          sql: `(${c.sql} ${op} ? OR (${c.sql} = ? AND ${rest.sql}))`,
          bindings: [...c.bindings, c.value, ...c.bindings, c.value, ...rest.bindings],
        };
      };
      const k = build(0);
      sql += ` AND ${k.sql}`;
      bindings.push(...k.bindings);
    }
    const orderBy = [...sorts.map((s, i) => `sort_${i} ${(s.order === 'asc') !== reverse ? 'ASC' : 'DESC'}`), `e.entity_ref ${reverse ? 'DESC' : 'ASC'}`];
    sql += ` ORDER BY ${orderBy.join(', ')} LIMIT ?`;
    bindings.push(q.limit + 1);
    if (q.offset) {
      sql += ' OFFSET ?';
      bindings.push(q.offset);
    }
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await this.raw(sql, bindings)) as Array<Record<string, unknown>>;
    } catch (error) {
      // another process on the same file dropped the index for a first load of its own: read the
      // relations the other way until this process has rebuilt it (its next load or restart)
      if (relationsSql === 'e.relations' || !/no such index/i.test(String((error as Error).message))) throw error;
      this.relationsIndexed = false;
      return this.queryEntities(q);
    }
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).map(r => ({
      id: String(r.id),
      etag: String(r.etag),
      entityRef: String(r.entity_ref),
      body: String(r.body),
      relations: (r.relations as string | null) ?? null,
      sortValues: sorts.map((_, i) => String(r[`sort_${i}`] ?? '')),
    }));
    if (reverse) page.reverse();
    return { rows: page, hasMore };
  }

  /** How many entities match (cached until the next write). */
  async countEntities(filter?: EntityFilter, fullText?: { term: string; fields?: string[] }): Promise<number> {
    const where = this.whereSql(filter, fullText);
    const sql = `SELECT COUNT(*) AS c FROM catalog_entities e WHERE ${where.sql}`;
    return this.cached(`count:${sql}:${JSON.stringify(where.bindings)}`, async () => {
      const rows = (await this.raw(sql, where.bindings)) as Array<{ c: number | string }>;
      return Number(rows[0]?.c ?? 0);
    });
  }

  /** Value counts of one key over the entities matching a filter (cached until the next write). */
  async facet(key: string, filter?: EntityFilter): Promise<Array<{ value: string; count: number }>> {
    const where = this.whereSql(filter);
    const filtered = where.sql !== '1 = 1';
    let sql: string;
    let bindings: unknown[];
    if (key === 'kind') {
      // from the entities table (indexed); the authored spelling comes from one sample row per kind
      sql = `SELECT e.kind AS lv, COUNT(*) AS c, MIN(e.eid) AS sample FROM catalog_entities e WHERE ${where.sql} GROUP BY e.kind`;
      bindings = where.bindings;
      return this.cached(`facet:${sql}:${JSON.stringify(bindings)}`, async () => {
        const rows = (await this.raw(sql, bindings)) as Array<{ lv: string; c: number | string; sample: number | string }>;
        const samples = await selectWhereIn<{ eid: number | string; body: string }>(this.knex, 'catalog_entities', ['eid', 'body'], 'eid', rows.map(r => Number(r.sample)) as unknown as string[]);
        const spelled = new Map(samples.map(r => [String(r.eid), (JSON.parse(r.body) as { kind: string }).kind]));
        return rows
          .map(r => ({ value: spelled.get(String(r.sample)) ?? r.lv, count: Number(r.c) }))
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      });
    } else if (COLUMN_KEYS.has(key)) {
      // name and namespace from the entity columns (they have no search rows); the authored spelling
      // from the stored JSON
      const column = DIRECT_COLUMNS[key];
      const authored = this.engine === 'pg' ? `(e.body::jsonb #>> '{metadata,${key.slice('metadata.'.length)}}')` : `json_extract(e.body, '$.${key}')`;
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
    return this.cached(`facet:${sql}:${JSON.stringify(bindings)}`, async () => {
      const rows = (await this.raw(sql, bindings)) as Array<{ value: string; c: number | string }>;
      return rows.map(r => ({ value: String(r.value), count: Number(r.c) })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    });
  }

  /** Full-text search ranked by relevance: entities holding a word that starts with each of `searchTokens(term)`. */
  async searchText(term: string, limit: number): Promise<Array<{ id: string; etag: string; entityRef: string; body: string; rank: number }>> {
    const tokens = searchTokens(term).slice(0, 10).map(t => t.slice(0, 64));
    if (tokens.length === 0) return [];
    let rows: Array<Record<string, unknown>>;
    if (this.engine === 'pg') {
      // lexemes as they are (tokens hold only letters and digits): no parser splits them differently
      const query = tokens.map(t => `'${t}':*`).join(' & ');
      rows = (await this.raw(
        `SELECT e.id, e.etag, e.entity_ref, e.body, ts_rank(f.document, q) AS rank FROM catalog_fts f, CAST(? AS tsquery) q, catalog_entities e
         WHERE f.document @@ q AND e.eid = f.entity_id ORDER BY rank DESC, e.entity_ref LIMIT ?`,
        [query, limit],
      )) as Array<Record<string, unknown>>;
    } else {
      const query = tokens.map(t => `"${t}"*`).join(' AND ');
      rows = (await this.raw(
        `SELECT e.id, e.etag, e.entity_ref, e.body, -bm25(catalog_fts) AS rank FROM catalog_fts f JOIN catalog_entities e ON e.eid = f.rowid
         WHERE catalog_fts MATCH ? ORDER BY bm25(catalog_fts), e.entity_ref LIMIT ?`,
        [`document : (${query})`, limit],
      )) as Array<Record<string, unknown>>;
    }
    return rows.map(r => ({ id: String(r.id), etag: String(r.etag), entityRef: String(r.entity_ref), body: String(r.body), rank: Number(r.rank) }));
  }

  /**
   * Runs a read. On SQLite the statement is prepared once per connection and reused: the query
   * builder and statement preparation cost more than the lookup itself on the hot read paths.
   */
  private async raw(sql: string, bindings: unknown[]): Promise<unknown[]> {
    if (this.engine === 'pg') {
      const res = await this.knex.raw(sql, bindings as Knex.RawBinding[]);
      return (res as { rows: unknown[] }).rows;
    }
    const conn = (await this.knex.client.acquireConnection()) as SqliteConnection;
    try {
      let statements = preparedByConnection.get(conn);
      if (!statements) preparedByConnection.set(conn, (statements = new Map()));
      let statement = statements.get(sql);
      if (!statement) {
        statement = conn.prepare(sql);
        if (statements.size > 200) statements.clear();
        statements.set(sql, statement);
      }
      return statement.all(...bindings.map(b => (typeof b === 'boolean' ? Number(b) : b)));
    } finally {
      await this.knex.client.releaseConnection(conn);
    }
  }

  // ---------------------------------------------------------------- history

  async getHistory(entityRef: string, limit: number): Promise<Array<HistoryWrite & { id: number }>> {
    const rows = await this.knex('catalog_history').where('entity_ref', entityRef).orderBy('id', 'desc').limit(limit);
    return rows.map(r => ({ id: Number(r.id), entityRef: r.entity_ref, action: r.action, source: r.source ?? null, diff: r.diff, at: Number(r.at) }));
  }

  // ---------------------------------------------------------------- errors

  async listErrors(options?: { provider?: string; locationKeys?: string[]; entityRef?: string }): Promise<ErrorRecord[]> {
    const q = this.knex('catalog_errors').orderBy('id');
    if (options?.provider) q.where('provider', options.provider);
    if (options?.locationKeys) q.whereIn('location_key', options.locationKeys);
    if (options?.entityRef) q.where('entity_ref', options.entityRef);
    const rows = await q;
    return rows.map(r => ({
      id: Number(r.id), provider: r.provider, locationKey: r.location_key ?? null, type: r.type,
      entityRef: r.entity_ref ?? null, message: r.message, inputHash: r.input_hash ?? null, at: Number(r.at),
    }));
  }

  /** Replaces the errors of a provider (optionally only of some types or location keys). */
  async replaceErrors(
    scope: { provider: string; types: ErrorRecord['type'][]; locationKeys?: string[]; entityRefs?: string[] },
    errors: ErrorRecord[],
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      const q = trx('catalog_errors').where('provider', scope.provider).whereIn('type', scope.types);
      if (scope.locationKeys) q.whereIn('location_key', scope.locationKeys);
      if (scope.entityRefs) q.whereIn('entity_ref', scope.entityRefs);
      await q.delete();
      await insertMany(trx, this.engine, 'catalog_errors', [
        { name: 'provider', pgType: 'text' }, { name: 'location_key', pgType: 'text' }, { name: 'type', pgType: 'text' },
        { name: 'entity_ref', pgType: 'text' }, { name: 'message', pgType: 'text' }, { name: 'input_hash', pgType: 'text' },
        { name: 'at', pgType: 'bigint' },
      ], errors.map(e => [e.provider, e.locationKey, e.type, e.entityRef, e.message, e.inputHash, e.at]));
    });
  }

  async deleteErrorsOfProvider(provider: string): Promise<void> {
    await this.knex('catalog_errors').where('provider', provider).delete();
  }

  // ---------------------------------------------------------------- locations

  async listLocations(): Promise<LocationRecord[]> {
    const rows = await this.knex('catalog_locations').orderBy('created_at').orderBy('id');
    return rows.map(r => ({ id: r.id, type: r.type, target: r.target, rules: r.rules ?? null, createdAt: Number(r.created_at) }));
  }

  async insertLocation(l: LocationRecord): Promise<void> {
    await this.knex('catalog_locations').insert({ id: l.id, type: l.type, target: l.target, rules: l.rules, created_at: l.createdAt });
  }

  async deleteLocation(id: string): Promise<boolean> {
    return (await this.knex('catalog_locations').where('id', id).delete()) > 0;
  }
}
