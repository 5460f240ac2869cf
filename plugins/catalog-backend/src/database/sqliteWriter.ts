import { Worker } from 'node:worker_threads';

/** One entity to write, with its derived rows, as plain arrays (cheap to pass between threads). */
export interface WriterUpsert {
  /** Values of `columns.entities` without the first (`eid`, allocated by the writer). */
  row: unknown[];
  entityRef: string;
  /** [source_ref, type, type_key, target_ref] */
  relations: unknown[][];
  /** [key, value, original_value] */
  search: unknown[][];
  document: string;
}

export interface WriterChunk {
  upserts: WriterUpsert[];
  /** `id` (metadata.uid) of entities to remove or replace. */
  deleteIds: string[];
  /** Values of `columns.history`. */
  history: unknown[][];
}

export interface WriterSetup {
  filename: string;
  columns: { entities: string[]; relations: string[]; search: string[]; history: string[] };
  derivedIndexes: Array<{ name: string; table: string; columns: string[] }>;
  /** The stitch UPDATE with `{in}` where the list of refs goes. */
  stitchSql: string;
}

interface Port {
  on(event: 'message', listener: (message: { id: number; op: string; args: unknown[] }) => void): void;
  postMessage(message: unknown): void;
}
interface Statement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
  pluck(on?: boolean): Statement;
}
interface Db {
  pragma(sql: string): unknown;
  prepare(sql: string): Statement;
  exec(sql: string): void;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  close(): void;
}

/**
 * The writer thread. Self-contained on purpose (no imports, no outer bindings): the worker runs its
 * source text. It owns a second connection to the catalog's SQLite file; the main thread keeps
 * reading through its own connection (WAL: readers never wait for the writer).
 */
function writerMain(setup: WriterSetup, port: Port, Database: new (filename: string) => Db): void {
  const db = new Database(setup.filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Statement>();
  const prep = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      if (statements.size > 200) statements.clear();
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const MULTI = 50;
  const IN = 500;
  const list = (n: number) => Array(n).fill('?').join(', ');
  const insert = (table: string, cols: string[], rows: unknown[][], onConflict = '') => {
    if (!rows.length) return 0;
    const names = cols.map(c => `"${c}"`).join(', ');
    const one = `(${list(cols.length)})`;
    let written = 0;
    let i = 0;
    if (rows.length >= MULTI) {
      const many = prep(`INSERT INTO "${table}" (${names}) VALUES ${Array(MULTI).fill(one).join(', ')}${onConflict}`);
      for (; i + MULTI <= rows.length; i += MULTI) {
        const params: unknown[] = [];
        for (let j = i; j < i + MULTI; j++) for (const v of rows[j]) params.push(v === undefined ? null : v);
        written += many.run(...params).changes;
      }
    }
    const single = prep(`INSERT INTO "${table}" (${names}) VALUES ${one}${onConflict}`);
    for (; i < rows.length; i++) written += single.run(...rows[i].map(v => (v === undefined ? null : v))).changes;
    return written;
  };
  const selectIn = (sql: string, values: unknown[]) => {
    const out: unknown[] = [];
    for (let i = 0; i < values.length; i += IN) {
      const part = values.slice(i, i + IN);
      out.push(...prep(sql.replace('{in}', list(part.length))).pluck().all(...part));
    }
    return out;
  };
  const runIn = (sql: string, values: unknown[]) => {
    for (let i = 0; i < values.length; i += IN) {
      const part = values.slice(i, i + IN);
      prep(sql.replace('{in}', list(part.length))).run(...part);
    }
  };

  const write = db.transaction((chunk: WriterChunk) => {
    const affected: string[] = [];
    const skipped: string[] = [];
    const ids = chunk.upserts.map(u => u.row[0]).concat(chunk.deleteIds);
    const old = selectIn('SELECT eid FROM catalog_entities WHERE id IN ({in})', ids);
    if (old.length) {
      // whoever the replaced relations pointed from must be stitched again
      for (const ref of selectIn('SELECT source_ref FROM catalog_relations WHERE originating_id IN ({in})', old)) affected.push(ref as string);
      runIn('DELETE FROM catalog_relations WHERE originating_id IN ({in})', old);
      runIn('DELETE FROM catalog_search WHERE entity_id IN ({in})', old);
      runIn('DELETE FROM catalog_fts WHERE rowid IN ({in})', old);
      runIn('DELETE FROM catalog_entities WHERE eid IN ({in})', old);
    }
    const max = Number(prep('SELECT MAX(eid) AS m FROM catalog_entities').pluck().all()[0] ?? 0);
    const eids = chunk.upserts.map((_, i) => max + 1 + i);
    const rows = chunk.upserts.map((u, i) => [eids[i], ...u.row]);
    const inserted = insert('catalog_entities', setup.columns.entities, rows, ' ON CONFLICT DO NOTHING');
    // an entity row another writer inserted first (another instance on this file) is skipped
    const written = inserted === rows.length ? undefined : new Set(selectIn('SELECT eid FROM catalog_entities WHERE eid IN ({in})', eids));
    const relations: unknown[][] = [];
    const search: unknown[][] = [];
    const fts: unknown[][] = [];
    chunk.upserts.forEach((u, i) => {
      const eid = eids[i];
      if (written && !written.has(eid)) {
        skipped.push(u.entityRef);
        return;
      }
      affected.push(u.entityRef);
      for (const r of u.relations) {
        affected.push(r[0] as string);
        relations.push([eid, ...r]);
      }
      for (const s of u.search) search.push([eid, ...s]);
      fts.push([eid, u.document]);
    });
    insert('catalog_relations', setup.columns.relations, relations);
    insert('catalog_search', setup.columns.search, search);
    insert('catalog_fts', ['rowid', 'document'], fts);
    const lost = new Set(skipped);
    insert('catalog_history', setup.columns.history, lost.size ? chunk.history.filter(h => !lost.has(h[0] as string)) : chunk.history);
    return { affected, skipped };
  });

  const ops: Record<string, (...args: never[]) => unknown> = {
    write: (chunk: WriterChunk) => write(chunk),
    dropIndexes: () => {
      for (const index of setup.derivedIndexes) db.exec(`DROP INDEX IF EXISTS ${index.name}`);
    },
    createIndexes: () => {
      for (const index of setup.derivedIndexes) {
        db.exec(`CREATE INDEX IF NOT EXISTS ${index.name} ON ${index.table} (${index.columns.map(c => `"${c}"`).join(', ')})`);
      }
    },
    stitch: (refs: string[]) => {
      db.transaction(() => runIn(setup.stitchSql, refs))();
    },
    analyze: () => {
      db.pragma('analysis_limit = 400');
      db.exec('ANALYZE');
    },
  };
  port.on('message', message => {
    try {
      port.postMessage({ id: message.id, result: ops[message.op](...(message.args as never[])) });
    } catch (error) {
      port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * Writes to a file-backed SQLite catalog on a worker thread, so that validation of the next chunk
 * (main thread) and the writes, index builds and stitching (this thread) use both cores, and the
 * API keeps answering from the main connection while a long statement runs.
 */
export class SqliteWriter {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly setup: WriterSetup) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      (${writerMain.toString()})(workerData.setup, parentPort, require(workerData.betterSqlite3));
    `;
    const worker = new Worker(source, { eval: true, workerData: { setup: this.setup, betterSqlite3: require.resolve('better-sqlite3') } });
    worker.unref(); // never keeps the process alive on its own
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) call.reject(new Error(`catalog writer: ${message.error}`));
      else call.resolve(message.result);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', code => fail(new Error(`catalog writer exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  call(op: 'write', chunk: WriterChunk): Promise<{ affected: string[]; skipped: string[] }>;
  call(op: 'dropIndexes' | 'createIndexes' | 'analyze'): Promise<void>;
  call(op: 'stitch', refs: string[]): Promise<void>;
  call(op: string, ...args: unknown[]): Promise<unknown> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // while a call is outstanding the worker keeps the process alive, so the reply arrives
      worker.ref();
      worker.postMessage({ id, op, args });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
