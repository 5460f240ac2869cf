import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import workerThreads from 'node:worker_threads';
import {
  DEFAULT_YAML_LIMITS,
  parseAhead,
  parseYamlDocuments,
  prewarmYamlParser,
  releaseYamlParser,
  streamYamlDocuments,
  textReadAhead,
  WORKER_PARSE_MIN_BYTES,
  type ParsedDocument,
} from './yamlDocuments';

const text = [
  '# a comment before the first document',
  'kind: Component',
  'metadata: { name: a }',
  '---',
  'kind: Group',
  'metadata:',
  '  name: b',
  '--- # marker with a comment',
  '# only a comment',
  '--- { kind: API, metadata: { name: c } }',
  '---',
  'kind: [unclosed',
  '---',
  'kind: System',
  'metadata: { name: d, note: "--- not a marker" }',
  '...',
  'ignored: after the end marker is a new document',
].join('\n');

async function collect(iterable: AsyncIterable<ParsedDocument[]>) {
  const chunks: ParsedDocument[][] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

describe('YAML documents', () => {
  it('splits at marker lines, keeps line numbers and reports a malformed document without hiding the others', () => {
    const docs = parseYamlDocuments(text, 'org.yaml');
    expect(docs.map(d => ('error' in d ? `${d.line}: error` : `${d.line}: ${(d.value as { kind?: string }).kind ?? Object.keys(d.value as object)}`))).toEqual([
      '1: Component',
      '5: Group',
      '10: API',
      '13: error',
      '14: System',
      '17: ignored',
    ]);
    const error = docs.find(d => 'error' in d) as { error: string };
    expect(error.error).toMatch(/^org\.yaml:13: /);
    expect((docs[4] as { value: { metadata: { note: string } } }).value.metadata.note).toBe('--- not a marker');
  });

  it('uses the YAML 1.2 core schema: dates stay strings', () => {
    const [doc] = parseYamlDocuments('kind: Component\nmetadata: { created: 2026-01-01 }\n', 'a.yaml');
    expect((doc as { value: { metadata: { created: unknown } } }).value.metadata.created).toBe('2026-01-01');
  });

  it('parses a large file on a worker thread in chunks, with the same result as in-thread parsing', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => `kind: Component\nmetadata:\n  name: c-${i}\n  description: "Component ${i}"`);
    many[700] = 'kind: [broken';
    const big = many.join('\n---\n');
    const inThread = parseYamlDocuments(big, 'big.yaml');
    const chunks = await collect(streamYamlDocuments(big, 'big.yaml', { workerMinBytes: 0, chunkSize: 100 }));
    expect(chunks).toHaveLength(12);
    expect(chunks.flat()).toEqual(inThread);
    expect(chunks.flat()[700]).toEqual({ line: 3502, error: expect.stringMatching(/^big\.yaml:3502: /) });
    expect(chunks.flat()[1199]).toEqual({ line: 5993, value: { kind: 'Component', metadata: { name: 'c-1199', description: 'Component 1199' } } });
  });

  it('stops the worker when the consumer stops early', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `kind: Component\nmetadata: { name: c-${i} }`).join('\n---\n');
    let seen = 0;
    for await (const chunk of streamYamlDocuments(big, 'big.yaml', { workerMinBytes: 0, chunkSize: 10 })) {
      seen += chunk.length;
      if (seen >= 30) break;
    }
    expect(seen).toBe(30);
    // a second stream still works (the first worker is gone, not blocking anything)
    const chunks = await collect(streamYamlDocuments('kind: A\n', 'small.yaml', { workerMinBytes: 0 }));
    expect(chunks).toEqual([[{ line: 1, value: { kind: 'A' } }]]);
  });

  describe('limits', () => {
    const limits = { ...DEFAULT_YAML_LIMITS, maxAliases: 10, maxExpandedBytes: 1000 };

    it('keeps aliases within the limits and refuses a document past them, without hiding the others', () => {
      const docs = parseYamlDocuments([
        'base: &b { x: 1 }\ncopy: *b\nlist: [*b]',
        `list: [${Array(11).fill('*a').join(', ')}]\nx: &a 1`.replace(/^(.*)\n(.*)$/, '$2\n$1'),
        `a: &a [${Array(8).fill('abcdefghij').join(', ')}]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]`,
        'kind: After',
      ].join('\n---\n'), 'aliases.yaml', limits);
      expect(docs[0]).toEqual({ line: 1, value: { base: { x: 1 }, copy: { x: 1 }, list: [{ x: 1 }] } });
      expect(docs[1]).toEqual({ line: 6, error: 'aliases.yaml:6: more than 10 YAML aliases in one document (catalog.limits.maxYamlAliases)' });
      expect(docs[2]).toEqual({ line: 8, error: "aliases.yaml:8: the document's YAML aliases expand it past 1000 bytes (catalog.limits.maxEntityBytes)" });
      expect(docs[3]).toEqual({ line: 12, value: { kind: 'After' } });
    });

    it('parses a small file that has aliases on the worker thread, with the same result', async () => {
      const RealWorker = workerThreads.Worker;
      const started = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new RealWorker(...args));
      try {
        const text = 'a: &a [1, 2]\nb: [*a, *a]\n---\nplain: "no * alias"\n';
        const chunks = await collect(streamYamlDocuments(text, 'small.yaml', { limits }));
        expect(started).toHaveBeenCalledTimes(1);
        expect(chunks.flat()).toEqual(parseYamlDocuments(text, 'small.yaml', limits));
        await collect(streamYamlDocuments('plain: "a * b"\nurl: "https://x?a=1&b=*"\n', 'plain.yaml', { limits }));
        expect(started).toHaveBeenCalledTimes(1);
      } finally {
        started.mockRestore();
      }
    });

    it('stops a parse that makes no progress within the time limit', async () => {
      const big = Array.from({ length: 20_000 }, (_, i) => `kind: Component\nmetadata: { name: c-${i} }`).join('\n---\n');
      await expect(collect(streamYamlDocuments(big, 'slow.yaml', { workerMinBytes: 0, chunkSize: 20_000, limits: { ...limits, timeoutMs: 1 } })))
        .rejects.toThrow('slow.yaml: parsing made no progress for 1 ms (catalog.limits.parseTimeoutMs); stopped');
    }, 20_000);
  });

  describe('a parser thread started ahead of need', () => {
    const big = Array.from({ length: 600 }, (_, i) => `kind: Component\nmetadata: { name: c-${i} }`).join('\n---\n');
    let started: jest.SpyInstance;
    const RealWorker = workerThreads.Worker;
    beforeEach(() => {
      // counts the threads started; each is a real one
      started = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new RealWorker(...args));
    });
    afterEach(() => {
      releaseYamlParser();
      started.mockRestore();
    });

    it('parses the next large file, and only that one', async () => {
      prewarmYamlParser();
      prewarmYamlParser(); // one is enough
      expect(started).toHaveBeenCalledTimes(1);
      const chunks = await collect(streamYamlDocuments(big, 'big.yaml', { workerMinBytes: 0, chunkSize: 100 }));
      expect(started).toHaveBeenCalledTimes(1);
      expect(chunks.flat()).toEqual(parseYamlDocuments(big, 'big.yaml'));
      // the next file gets a thread of its own
      const again = await collect(streamYamlDocuments(big, 'big.yaml', { workerMinBytes: 0, chunkSize: 100 }));
      expect(started).toHaveBeenCalledTimes(2);
      expect(again.flat()).toHaveLength(600);
    });

    it('is ended when released unused, and the next file starts its own', async () => {
      prewarmYamlParser();
      const spare = started.mock.results[0].value as workerThreads.Worker;
      const exited = new Promise(resolve => spare.once('exit', resolve));
      releaseYamlParser();
      await exited;
      const chunks = await collect(streamYamlDocuments(big, 'big.yaml', { workerMinBytes: 0, chunkSize: 100 }));
      expect(started).toHaveBeenCalledTimes(2);
      expect(chunks.flat()).toHaveLength(600);
    });
  });

  describe('a large config file read and parsed ahead of its first read', () => {
    const docs = (prefix: string) =>
      Array.from({ length: 3000 }, (_, i) => `kind: Component\nmetadata: { name: ${prefix}-${i}, description: "${'d'.repeat(60)}" }`).join('\n---\n');
    let dir: string;
    let file: string;
    let started: jest.SpyInstance;
    const RealWorker = workerThreads.Worker;
    const options = { maxBytes: 10 * 1024 * 1024, limits: DEFAULT_YAML_LIMITS };
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-parse-ahead-'));
      file = path.join(dir, 'org.yaml');
      fs.writeFileSync(file, docs('c'));
      expect(fs.statSync(file).size).toBeGreaterThanOrEqual(WORKER_PARSE_MIN_BYTES);
      started = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new RealWorker(...args));
    });
    afterEach(() => {
      releaseYamlParser();
      started.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('gives the read the text it read and the stream the parse it started, with the same documents', async () => {
      parseAhead(file, options);
      const text = await textReadAhead(file, fs.statSync(file));
      expect(text).toBe(fs.readFileSync(file, 'utf8'));
      const worker = started.mock.results[0].value as workerThreads.Worker;
      // the thread has parsed chunks before anyone streams the file
      await new Promise(resolve => worker.once('message', resolve));
      const chunks = await collect(streamYamlDocuments(text!, file));
      expect(started).toHaveBeenCalledTimes(1);
      expect(chunks.flat()).toEqual(parseYamlDocuments(text!, file));
      // taken once: a later read of the file reads it itself
      expect(await textReadAhead(file, fs.statSync(file))).toBeUndefined();
    });

    it('is not used for a file changed since, nor for another text or file', async () => {
      parseAhead(file, options);
      const before = fs.statSync(file);
      expect(await textReadAhead(file, { size: before.size + 1, mtimeMs: before.mtimeMs })).toBeUndefined();
      expect(await textReadAhead(path.join(dir, 'other.yaml'), before)).toBeUndefined();
      const changed = docs('changed');
      const chunks = await collect(streamYamlDocuments(changed, file));
      expect(started).toHaveBeenCalledTimes(2); // the parse ahead was of other text
      expect(chunks.flat()).toEqual(parseYamlDocuments(changed, file));
      const worker = started.mock.results[0].value as workerThreads.Worker;
      const exited = new Promise(resolve => worker.once('exit', resolve));
      releaseYamlParser(); // ends the parse ahead nobody took
      await exited;
    });

    it('leaves files too large for catalog.maxFileBytes to the read', async () => {
      parseAhead(file, { ...options, maxBytes: 1000 });
      expect(await textReadAhead(file, fs.statSync(file))).toBeUndefined();
    });
  });
});
