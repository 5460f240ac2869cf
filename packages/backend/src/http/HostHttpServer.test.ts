import http from 'node:http';
import zlib from 'node:zlib';
import { requestActivity } from '@portico/backend-plugin-api';
import { capturingLogger, type CapturedLine } from '../__testUtils__/testBackend';
import { HostHttpServer } from './HostHttpServer';

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** A GET whose body is kept as bytes, with the request's own headers. */
function getRaw(url: string, headers: Record<string, string>): Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('HostHttpServer', () => {
  it('compresses API answers for clients that accept it, and nothing else', async () => {
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger([]) });
    const page = { items: Array.from({ length: 200 }, (_, i) => ({ kind: 'Component', metadata: { name: `service-${i}` } })) };
    const text = JSON.stringify(page);
    server.router.get('/api/x/page', (_req, res) => void res.json(page));
    server.router.get('/api/x/small', (_req, res) => void res.json({ ok: true }));
    let more!: () => void;
    server.router.get('/api/x/events', (_req, res) => {
      res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      res.write(`data: ${'x'.repeat(2000)}\n\n`);
      more = () => res.end('data: last\n\n');
    });
    await server.listen();
    const url = (path: string) => `http://127.0.0.1:${server.port}/api/x/${path}`;
    try {
      const gzip = await getRaw(url('page'), { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gzip.headers.vary).toMatch(/accept-encoding/i);
      expect(zlib.gunzipSync(gzip.body).toString()).toBe(text);
      expect(gzip.body.length).toBeLessThan(text.length / 5);

      const br = await getRaw(url('page'), { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(zlib.brotliDecompressSync(br.body).toString()).toBe(text);

      // a client that does not ask gets the JSON as it is; so does one asking for a small answer
      const plain = await getRaw(url('page'), {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(text);
      const small = await getRaw(url('small'), { 'accept-encoding': 'gzip' });
      expect(small.headers['content-encoding']).toBeUndefined();
      expect(small.body.toString()).toBe('{"ok":true}');

      // an event stream is never held back: its first event arrives while the stream is still open
      const first = await new Promise<{ headers: http.IncomingHttpHeaders; chunk: string; res: http.IncomingMessage }>((resolve, reject) => {
        http
          .get(url('events'), { headers: { 'accept-encoding': 'gzip' }, agent: false }, res => {
            res.once('data', c => resolve({ headers: res.headers, chunk: String(c), res }));
          })
          .on('error', reject);
      });
      expect(first.headers['content-encoding']).toBeUndefined();
      expect(first.chunk).toContain('data: xxx');
      const rest = new Promise<string>(resolve => {
        let body = '';
        first.res.on('data', c => (body += c));
        first.res.on('end', () => resolve(body));
      });
      more();
      expect(await rest).toContain('data: last');
    } finally {
      await server.close();
    }
  });

  it('drops a GC sample instead of throwing when Object.prototype is polluted (prom-client checks labels with for...in)', () => {
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger([]) });
    const gc = server.metrics.getSingleMetric('nodejs_gc_duration_seconds') as unknown as { observe(labels: object, value: number): void };
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      // what prom-client's PerformanceObserver calls on every GC
      expect(() => gc.observe({ kind: 'minor' }, 0.001)).not.toThrow();
    } finally {
      delete proto.polluted;
    }
    gc.observe({ kind: 'minor' }, 0.001);
  });

  it('counts the requests in flight for background work on the same thread (requestActivity), aborted ones included', async () => {
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger([]) });
    let arrived!: () => void;
    const arrival = new Promise<void>(resolve => (arrived = resolve));
    let answer!: () => void;
    server.router.get('/api/x/slow', (_req, res) => {
      answer = () => void res.json({ ok: true });
      arrived();
    });
    let hung!: () => void;
    const hangArrival = new Promise<void>(resolve => (hung = resolve));
    server.router.get('/api/x/never', () => hung());
    await server.listen();
    const agent = new http.Agent({ keepAlive: false });
    try {
      const before = requestActivity.inFlight;
      const response = get(`http://127.0.0.1:${server.port}/api/x/slow`, agent);
      await arrival;
      expect(requestActivity.inFlight).toBe(before + 1);
      const quiet = requestActivity.quiet(60_000);
      answer();
      expect((await response).status).toBe(200);
      await quiet; // ended by the response, not by the 60 s
      expect(requestActivity.inFlight).toBe(before);
      // a client that goes away before the answer ends its request too
      const aborted = http.get(`http://127.0.0.1:${server.port}/api/x/never`, { agent });
      aborted.on('error', () => undefined);
      await hangArrival;
      expect(requestActivity.inFlight).toBe(before + 1);
      const ended = requestActivity.quiet(60_000);
      aborted.destroy();
      await ended;
      expect(requestActivity.inFlight).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('sends JSON without an ETag and never answers it with a 304', async () => {
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger([]) });
    server.router.get('/api/x/page', (_req, res) => void res.json({ items: Array.from({ length: 200 }, (_, i) => ({ i })) }));
    await server.listen();
    const agent = new http.Agent({ keepAlive: false });
    try {
      const first = await get(`http://127.0.0.1:${server.port}/api/x/page`, agent);
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBeUndefined();
      const again = await new Promise<number>((resolve, reject) =>
        http
          .get(`http://127.0.0.1:${server.port}/api/x/page`, { agent, headers: { 'if-none-match': 'W/"anything"' } }, res => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject),
      );
      expect(again).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('closes a keep-alive connection as soon as the request in flight has been answered', async () => {
    const lines: CapturedLine[] = [];
    const server = new HostHttpServer({ port: 0, host: '127.0.0.1', bodyLimit: '1mb', logger: capturingLogger(lines) });
    // Neither the keep-alive timeout nor the drain timeout can end the close within the test's own timeout.
    server.server.keepAliveTimeout = 600_000;
    let arrived!: () => void;
    const requestArrived = new Promise<void>(resolve => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    server.router.get('/api/x/wait', async (_req, res) => {
      arrived();
      await gate;
      res.json({ done: true });
    });
    await server.listen();
    const agent = new http.Agent({ keepAlive: true });
    try {
      const inFlight = get(`http://127.0.0.1:${server.port}/api/x/wait`, agent);
      await requestArrived;
      const closing = server.close(600_000);
      release();
      expect((await inFlight).body).toBe('{"done":true}');
      // Without dropping the connection, close() would wait for the keep-alive or the drain timeout (10 min).
      await closing;
      expect(lines.filter(line => line.level === 'warn')).toEqual([]);
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
