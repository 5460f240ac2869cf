import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = 1');
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size > 200) statements.clear();
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...params) });
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
`;

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** Why a read did not run on the thread: the caller runs it on the main connection instead. */
export class ReadThreadUnavailable extends Error {}

/**
 * A worker thread with its own connection to a SQLite file (WAL: it reads the last committed state, never waiting for
 * the writer) that answers the catalog's reads while the main thread is busy. better-sqlite3 is synchronous: under
 * concurrent requests a third of the main thread went to SQLite executing reads (bench/load, 10,000 entities), while
 * the second core idled; here those statements run beside the main thread's JavaScript. Started at the first read
 * sent to it; `close` ends it. A thread that fails or exits sends every read back to the caller
 * (`ReadThreadUnavailable`), as does a statement that fails on the thread (an index dropped by a bulk load that began
 * meanwhile): the main connection runs it and reports a real error itself.
 */
export class SqliteReadThread {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken = false;

  constructor(private readonly filename: string) {}

  /** Whether reads may be sent here (false once the thread failed or was closed). */
  get usable(): boolean {
    return !this.broken;
  }

  read(sql: string, params: unknown[]): Promise<unknown[]> {
    const worker = this.start();
    if (!worker) return Promise.reject(new ReadThreadUnavailable('the read thread is not running'));
    const id = this.nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref(); // a read in flight keeps the process alive until answered
      worker.postMessage({ id, sql, params });
    });
  }

  async close(): Promise<void> {
    this.broken = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the read thread was closed');
    await worker?.terminate();
  }

  private start(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker) return this.worker;
    const worker = new Worker(SOURCE, { eval: true, workerData: { filename: this.filename, betterSqlite3: require.resolve('better-sqlite3') } });
    worker.unref();
    worker.on('message', (message: { id: number; rows?: unknown[]; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) waiting.reject(new ReadThreadUnavailable(message.error));
      else waiting.resolve(message.rows ?? []);
    });
    const fail = (reason: string) => {
      this.broken = true;
      if (this.worker === worker) this.worker = undefined;
      this.failAll(reason);
    };
    worker.once('error', error => fail(`the read thread failed: ${error.message}`));
    worker.once('exit', code => fail(`the read thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(new ReadThreadUnavailable(reason));
  }
}
