import { Worker } from 'node:worker_threads';
import yaml from 'js-yaml';
import { yieldToEventLoop } from '../../yieldToEventLoop';

/** One YAML document of a file: its parsed value, or why it could not be parsed, and where it starts. */
export type ParsedDocument = { line: number; value: unknown } | { line: number; error: string };

/** Files at least this large are parsed on a worker thread, while the catalog writes what came before. */
export const WORKER_PARSE_MIN_BYTES = 256 * 1024;
const CHUNK_DOCUMENTS = 500;
/** How many parsed chunks a worker may run ahead of the consumer (bounds memory on huge files). */
const WORKER_CHUNKS_AHEAD = 4;

/**
 * Splits a multi-document YAML text at `---` and `...` lines and parses each document on its own,
 * so one malformed document does not hide the others; YAML 1.2 core schema (no timestamps). Calls
 * `emit` with every `chunkSize` documents.
 *
 * Self-contained on purpose (no imports, no outer bindings): a worker thread runs its source text.
 */
function splitAndParse(
  text: string,
  fileName: string,
  load: (source: string, options: object) => unknown,
  coreSchema: unknown,
  chunkSize: number,
  emit: (chunk: ParsedDocument[]) => void,
): void {
  let out: ParsedDocument[] = [];
  // a small first chunk lets the consumer start while the rest is parsed
  let limit = Math.min(chunkSize, 100);
  const parse = (source: string, start: number) => {
    if (!source.replace(/#.*$/gm, '').trim()) return;
    try {
      const value = load(source, { schema: coreSchema, filename: fileName, json: true });
      if (value !== undefined && value !== null) out.push({ line: start + 1, value });
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
export function parseYamlDocuments(text: string, fileName: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  splitAndParse(text, fileName, yaml.load, yaml.CORE_SCHEMA, Number.MAX_SAFE_INTEGER, chunk => out.push(...chunk));
  return out;
}

/**
 * Parses a file's documents as a stream of chunks. Large files are parsed on a worker thread (the
 * other core), a few chunks ahead of the consumer, so parsing overlaps validation and writes and
 * a huge file never exists as one array of parsed documents.
 */
export async function* streamYamlDocuments(
  text: string,
  fileName: string,
  options?: { workerMinBytes?: number; chunkSize?: number },
): AsyncGenerator<ParsedDocument[]> {
  const chunkSize = options?.chunkSize ?? CHUNK_DOCUMENTS;
  if (text.length < (options?.workerMinBytes ?? WORKER_PARSE_MIN_BYTES)) {
    const chunks: ParsedDocument[][] = [];
    splitAndParse(text, fileName, yaml.load, yaml.CORE_SCHEMA, chunkSize, chunk => chunks.push(chunk));
    for (const chunk of chunks) {
      yield chunk;
      await yieldToEventLoop();
    }
    return;
  }
  yield* parseInWorker(text, fileName, chunkSize);
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
  splitAndParse(job.text, job.fileName, yaml.load, yaml.CORE_SCHEMA, job.chunkSize, chunk => {
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

/** Ends a prewarmed parser thread that no file used. */
export function releaseYamlParser(): void {
  const worker = spare;
  spare = undefined;
  void worker?.terminate();
}

function takeParserThread(): Worker {
  const worker = spare;
  spare = undefined;
  if (!worker) return startParserThread();
  worker.removeAllListeners();
  worker.ref();
  return worker;
}

async function* parseInWorker(text: string, fileName: string, chunkSize: number): AsyncGenerator<ParsedDocument[]> {
  const consumedBuffer = new SharedArrayBuffer(4);
  const consumed = new Int32Array(consumedBuffer);
  const worker = takeParserThread();
  worker.postMessage({ text, fileName, chunkSize, ahead: WORKER_CHUNKS_AHEAD, consumed: consumedBuffer });
  const queue: Array<ParsedDocument[] | null> = [];
  let failure: Error | undefined;
  let notify: (() => void) | undefined;
  const wake = () => {
    const n = notify;
    notify = undefined;
    n?.();
  };
  worker.on('message', (chunk: string | null) => {
    queue.push(chunk === null ? null : (JSON.parse(chunk) as ParsedDocument[]));
    wake();
  });
  worker.on('error', error => {
    failure = error;
    wake();
  });
  worker.on('exit', code => {
    if (code !== 0 && !failure) failure = new Error(`${fileName}: the YAML parser worker exited with code ${code}`);
    queue.push(null);
    wake();
  });
  try {
    for (;;) {
      while (!queue.length && !failure) await new Promise<void>(resolve => (notify = resolve));
      if (failure) throw failure;
      const chunk = queue.shift()!;
      if (chunk === null) return;
      Atomics.add(consumed, 0, 1); // one more chunk may come
      Atomics.notify(consumed, 0);
      yield chunk;
    }
  } finally {
    void worker.terminate();
  }
}
