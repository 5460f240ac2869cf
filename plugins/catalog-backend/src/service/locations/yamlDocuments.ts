import fs from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import yaml from 'js-yaml';
import { InputError } from '@portico/errors';
import { yieldToEventLoop } from '../../yieldToEventLoop';

/** One YAML document of a file: its parsed value, or why it could not be parsed, and where it starts. */
export type ParsedDocument = { line: number; value: unknown } | { line: number; error: string };

/** Files at least this large are parsed on a worker thread, while the catalog writes what came before. */
export const WORKER_PARSE_MIN_BYTES = 256 * 1024;

/** What one YAML document may cost (`catalog.limits`). */
export interface YamlLimits {
  /** Most aliases (`*name`) in one document. */
  maxAliases: number;
  /** Largest size of one document as JSON, aliases expanded, in bytes. */
  maxExpandedBytes: number;
  /** Longest a parse on the worker thread may go without progress before the thread is stopped, in ms. */
  timeoutMs: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliases: 1000, maxExpandedBytes: 1024 * 1024, timeoutMs: 10_000 };

/** An alias node (`*name` where a node starts): files that may have one are parsed on the worker thread. */
const MAY_HAVE_ALIAS = /(?:^|[\s[{,])\*[^\s,[\]{}]/;
const CHUNK_DOCUMENTS = 500;
/** How many parsed chunks a worker may run ahead of the consumer (bounds memory on huge files). */
const WORKER_CHUNKS_AHEAD = 4;

/**
 * Splits a multi-document YAML text at `---` and `...` lines and parses each document on its own,
 * so one malformed document does not hide the others; YAML 1.2 core schema (no timestamps). Calls
 * `emit` with every `chunkSize` documents.
 *
 * js-yaml shares an aliased node rather than copying it, so an alias bomb parses quickly into a small
 * graph whose expansion (as JSON, or walked as a tree) is huge: a document may hold at most
 * `maxAliases` aliases, and one that has any is measured as JSON, stopping at `maxExpandedBytes`.
 *
 * Self-contained on purpose (no imports, no outer bindings): a worker thread runs its source text.
 */
function splitAndParse(
  text: string,
  fileName: string,
  load: (source: string, options: object) => unknown,
  coreSchema: unknown,
  chunkSize: number,
  limits: { maxAliases: number; maxExpandedBytes: number },
  emit: (chunk: ParsedDocument[]) => void,
): void {
  let out: ParsedDocument[] = [];
  // a small first chunk lets the consumer start while the rest is parsed
  let limit = Math.min(chunkSize, 100);
  /** Whether `value` as JSON stays within `budget.left` bytes; counts down and stops once past it. */
  const fitsAsJson = (value: unknown, budget: { left: number }): boolean => {
    if (typeof value === 'string') budget.left -= value.length + 2;
    else if (value === null || typeof value !== 'object') budget.left -= String(value).length;
    else if (Array.isArray(value)) {
      budget.left -= value.length + 2;
      for (const item of value) if (budget.left < 0 || !fitsAsJson(item, budget)) return false;
    } else {
      budget.left -= 2;
      for (const key of Object.keys(value)) {
        budget.left -= key.length + 4;
        if (budget.left < 0 || !fitsAsJson((value as Record<string, unknown>)[key], budget)) return false;
      }
    }
    return budget.left >= 0;
  };
  const parse = (source: string, start: number) => {
    if (!source.replace(/#.*$/gm, '').trim()) return;
    let aliases = 0;
    // an alias closes a node without giving it a kind (empty nodes have a null result)
    const listener = source.includes('*')
      ? (event: string, state: { kind: unknown; result: unknown; line: number }) => {
        if (event !== 'close' || state.kind !== null || state.result === null || ++aliases <= limits.maxAliases) return;
        const reason = `more than ${limits.maxAliases} YAML aliases in one document (catalog.limits.maxYamlAliases)`;
        throw Object.assign(new Error(reason), { reason, mark: { line: state.line } });
      }
      : undefined;
    try {
      const value = load(source, { schema: coreSchema, filename: fileName, json: true, listener });
      if (aliases > 0 && !fitsAsJson(value, { left: limits.maxExpandedBytes })) {
        const line = start + 1;
        out.push({ line, error: `${fileName}:${line}: the document's YAML aliases expand it past ${limits.maxExpandedBytes} bytes (catalog.limits.maxEntityBytes)` });
      } else if (value !== undefined && value !== null) out.push({ line: start + 1, value });
    } catch (error) {
      const e = error as { reason?: string; message: string; mark?: { line: number } };
      const line = e.mark ? start + e.mark.line + 1 : start + 1;
      out.push({ line, error: `${fileName}:${line}: ${e.reason ?? String(e.message).split('\n')[0]}` });
    }
    if (out.length >= limit) {
      emit(out);
      out = [];
      limit = chunkSize;
    }
  };
  // documents are slices of the text between marker lines; no per-line strings are kept
  let docStart = 0; // offset where the current document's text starts
  let docLine = 0; // 0-based line it starts at
  let prefix = ''; // content after a `--- ` marker on the marker's own line
  let pos = 0;
  let line = 0;
  const flush = (end: number) => {
    const body = end > docStart ? text.slice(docStart, end) : '';
    const source = prefix ? (body ? `${prefix}\n${body}` : prefix) : body;
    if (source) parse(source.endsWith('\n') ? source.slice(0, -1) : source, docLine);
    prefix = '';
  };
  while (pos <= text.length) {
    let next = text.indexOf('\n', pos);
    if (next === -1) next = text.length;
    const c = text.charCodeAt(pos);
    if (c === 45 /* - */ && text.startsWith('---', pos) && (next === pos + 3 || /\s/.test(text[pos + 3]))) {
      flush(pos);
      const rest = text.slice(pos + 3, next).trim();
      docStart = next + 1;
      docLine = line + 1;
      if (rest && !rest.startsWith('#')) {
        prefix = rest;
        docLine = line;
      }
    } else if (c === 46 /* . */ && text.startsWith('...', pos) && !text.slice(pos + 3, next).trim()) {
      flush(pos);
      docStart = next + 1;
      docLine = line + 1;
    }
    pos = next + 1;
    line++;
  }
  flush(text.length);
  if (out.length) emit(out);
}

/** Parses every document of a text at once, on this thread. */
export function parseYamlDocuments(text: string, fileName: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  splitAndParse(text, fileName, yaml.load, yaml.CORE_SCHEMA, Number.MAX_SAFE_INTEGER, limits, chunk => out.push(...chunk));
  return out;
}

/**
 * Parses a file's documents as a stream of chunks. Large files, and files that may hold aliases,
 * are parsed on a worker thread (the other core) that is stopped when it makes no progress for
 * `limits.timeoutMs`; it runs a few chunks ahead of the consumer, so parsing overlaps validation and
 * writes and a huge file never exists as one array of parsed documents.
 */
export async function* streamYamlDocuments(
  text: string,
  fileName: string,
  options?: { workerMinBytes?: number; chunkSize?: number; limits?: YamlLimits },
): AsyncGenerator<ParsedDocument[]> {
  const chunkSize = options?.chunkSize ?? CHUNK_DOCUMENTS;
  const limits = options?.limits ?? DEFAULT_YAML_LIMITS;
  if (text.length < (options?.workerMinBytes ?? WORKER_PARSE_MIN_BYTES) && !MAY_HAVE_ALIAS.test(text)) {
    const chunks: ParsedDocument[][] = [];
    splitAndParse(text, fileName, yaml.load, yaml.CORE_SCHEMA, chunkSize, limits, chunk => chunks.push(chunk));
    for (const chunk of chunks) {
      yield chunk;
      await yieldToEventLoop();
    }
    return;
  }
  const parse = (await takeParseAhead(text, fileName, chunkSize, limits)) ?? new WorkerParse(takeParserThread(), text, fileName, chunkSize, limits);
  yield* parseInWorker(parse, limits.timeoutMs);
}

/**
 * The worker loads js-yaml, waits for its file, then parses and posts chunk after chunk; once it is
 * `ahead` chunks in front of the consumer it blocks (Atomics.wait) until the consumer counts one
 * more chunk taken.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const yaml = require(workerData.jsYaml);
const splitAndParse = ${splitAndParse.toString()};
parentPort.once('message', job => {
  const consumed = new Int32Array(job.consumed);
  let sent = 0;
  splitAndParse(job.text, job.fileName, yaml.load, yaml.CORE_SCHEMA, job.chunkSize, job.limits, chunk => {
    parentPort.postMessage(JSON.stringify(chunk)); // JSON text crosses threads faster than a structured clone
    sent++;
    for (;;) {
      const taken = Atomics.load(consumed, 0);
      if (sent - taken < job.ahead) break;
      Atomics.wait(consumed, 0, taken);
    }
  });
  parentPort.postMessage(null);
});
`;

function startParserThread(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, workerData: { jsYaml: require.resolve('js-yaml') } });
}

/** A parser thread started ahead of need, not yet given a file. */
let spare: Worker | undefined;

/**
 * Starts a parser thread now, so that its start-up (a fresh V8 isolate and js-yaml, about 50 ms) runs
 * on the other core while the caller does other work, such as migrations before the first read. The
 * next large file uses it; `releaseYamlParser` ends it if none came. It never keeps the process alive.
 */
export function prewarmYamlParser(): void {
  if (spare) return;
  const worker = startParserThread();
  worker.unref();
  const forget = () => {
    if (spare === worker) spare = undefined;
  };
  worker.once('error', forget);
  worker.once('exit', forget);
  spare = worker;
}

/** A file read and being parsed before anyone asked (`parseAhead`). */
interface ParseAhead {
  size: number;
  mtimeMs: number;
  text: string;
  parse: WorkerParse;
}

/** The file `parseAhead` is reading or parsing, until a read takes it or `releaseYamlParser` ends it. */
let ahead: { file: string; ready: Promise<ParseAhead | undefined> } | undefined;

/**
 * Reads a large file named in config and starts parsing it on the parser thread now, while the plugin
 * starts (migrations, the other plugins): the catalog's first read of it then finds its first chunks parsed
 * instead of waiting for a cold parser (the consumer's thread idled ~0.1 s at the start of a 10,000-entity
 * load). The read takes the text with `textReadAhead` if the file is unchanged, and `streamYamlDocuments`
 * the parse of that very text; what nobody takes, `releaseYamlParser` ends. Files under
 * `WORKER_PARSE_MIN_BYTES` or over `maxBytes` are left to the read.
 */
export function parseAhead(file: string, options: { maxBytes: number; limits: YamlLimits }): void {
  if (ahead) return;
  prewarmYamlParser(); // the thread starts while the file is read
  const entry = { file, ready: readAhead(file, options).catch(() => undefined) };
  ahead = entry;
  void entry.ready.then(started => {
    if (ahead !== entry) void started?.parse.worker.terminate(); // released while it was read
  });
}

async function readAhead(file: string, options: { maxBytes: number; limits: YamlLimits }): Promise<ParseAhead | undefined> {
  const before = await fs.stat(file);
  if (!before.isFile() || before.size < WORKER_PARSE_MIN_BYTES || before.size > options.maxBytes) return undefined;
  const text = await fs.readFile(file, 'utf8');
  const after = await fs.stat(file);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined; // written while read
  const parse = new WorkerParse(takeParserThread(), text, file, CHUNK_DOCUMENTS, options.limits);
  parse.worker.unref(); // as a prewarmed thread: it never keeps the process alive until a read takes it
  return { size: after.size, mtimeMs: after.mtimeMs, text, parse };
}

/**
 * The text `parseAhead` read of `file`, if the file still has the size and modification time it had then
 * (waits for a read in progress). Reading it again would cost the consumer's thread the decoding, and the
 * parse ahead is only taken for the very same text.
 */
export async function textReadAhead(file: string, stat: { size: number; mtimeMs: number }): Promise<string | undefined> {
  if (ahead?.file !== file) return undefined;
  const started = await ahead.ready;
  return started && started.size === stat.size && started.mtimeMs === stat.mtimeMs ? started.text : undefined;
}

/** The parse ahead of exactly this text, file and chunking, taken out of the way; undefined otherwise. */
async function takeParseAhead(text: string, fileName: string, chunkSize: number, limits: YamlLimits): Promise<WorkerParse | undefined> {
  if (ahead?.file !== fileName) return undefined;
  const started = await ahead.ready;
  if (!started || started.text !== text) return undefined; // another read of the file: leave it for release
  ahead = undefined;
  const { parse } = started;
  if (parse.chunkSize === chunkSize && parse.limits.maxAliases === limits.maxAliases && parse.limits.maxExpandedBytes === limits.maxExpandedBytes) {
    parse.worker.ref();
    return parse;
  }
  void parse.worker.terminate();
  return undefined;
}

/** Ends a prewarmed parser thread, and a parse ahead, that no file used. */
export function releaseYamlParser(): void {
  const worker = spare;
  spare = undefined;
  void worker?.terminate();
  const pending = ahead;
  ahead = undefined;
  void pending?.ready.then(started => started?.parse.worker.terminate());
}

function takeParserThread(): Worker {
  const worker = spare;
  spare = undefined;
  if (!worker) return startParserThread();
  worker.removeAllListeners();
  worker.ref();
  return worker;
}

/** A parse running on a worker thread: the chunks it has posted, and how it ended. */
class WorkerParse {
  readonly queue: Array<ParsedDocument[] | null> = [];
  /** Chunks posted by the worker, and taken by the consumer (which lets the worker run ahead). */
  received = 0;
  taken = 0;
  failure?: Error;
  /** The consumer waiting for the next chunk. */
  notify?: () => void;
  /** Called on each chunk once a consumer watches the parse's progress. */
  onChunk?: () => void;
  readonly consumed = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    readonly worker: Worker,
    text: string,
    readonly fileName: string,
    readonly chunkSize: number,
    readonly limits: YamlLimits,
  ) {
    const { maxAliases, maxExpandedBytes } = limits;
    worker.postMessage({ text, fileName, chunkSize, ahead: WORKER_CHUNKS_AHEAD, consumed: this.consumed.buffer, limits: { maxAliases, maxExpandedBytes } });
    worker.on('message', (chunk: string | null) => {
      this.received++;
      this.onChunk?.();
      this.queue.push(chunk === null ? null : (JSON.parse(chunk) as ParsedDocument[]));
      this.wake();
    });
    worker.on('error', error => {
      this.failure = error;
      this.wake();
    });
    worker.on('exit', code => {
      if (code !== 0 && !this.failure) this.failure = new Error(`${fileName}: the YAML parser worker exited with code ${code}`);
      this.queue.push(null);
      this.wake();
    });
  }

  wake(): void {
    const n = this.notify;
    this.notify = undefined;
    n?.();
  }
}

async function* parseInWorker(parse: WorkerParse, timeoutMs: number): AsyncGenerator<ParsedDocument[]> {
  const { worker, fileName, queue, consumed } = parse;
  // the parse must make progress: a chunk within timeoutMs, unless it waits for the consumer
  let watchdog: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(watchdog);
    const due = Date.now() + timeoutMs;
    watchdog = setTimeout(() => {
      if (parse.received - parse.taken >= WORKER_CHUNKS_AHEAD) return arm(); // blocked on the consumer, not parsing
      if (Date.now() - due > 1000) return arm(); // this thread was busy: the worker's messages may be waiting
      parse.failure = new InputError(`${fileName}: parsing made no progress for ${timeoutMs} ms (catalog.limits.parseTimeoutMs); stopped`);
      void worker.terminate();
      parse.wake();
    }, timeoutMs);
  };
  arm();
  parse.onChunk = arm;
  try {
    for (;;) {
      while (!queue.length && !parse.failure) await new Promise<void>(resolve => (parse.notify = resolve));
      if (parse.failure) throw parse.failure;
      const chunk = queue.shift()!;
      if (chunk === null) return;
      parse.taken++;
      if (parse.received - parse.taken === WORKER_CHUNKS_AHEAD - 1) arm(); // the worker parses again from now
      Atomics.add(consumed, 0, 1); // one more chunk may come
      Atomics.notify(consumed, 0);
      yield chunk;
    }
  } finally {
    clearTimeout(watchdog);
    void worker.terminate();
  }
}
