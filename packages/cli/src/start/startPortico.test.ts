import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { ConfigError } from '@portico/errors';
import { createBackend, loadConfig } from '@portico/backend';
import { createAppPlugin } from './appPlugin';
import { loadFeaturesFromConfig } from './loadFeatures';
import { startPortico } from './startPortico';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'portico-cli-'));
}

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function get(
  url: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<{ status: number; type?: string; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

const fakePlugin = (id: string) => `module.exports = { default: {
  $$type: '@portico/BackendFeature', featureType: 'plugin', pluginId: '${id}',
  getRegistration() { return { type: 'plugin', pluginId: '${id}', extensionPoints: [], init: { deps: {}, init() {} } }; },
} };`;

describe('portico start', () => {
  it('loads the packages listed in backend.plugins from the working directory', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'node_modules/fake-plugin/package.json'), '{"name":"fake-plugin","main":"index.js"}');
    write(path.join(cwd, 'node_modules/fake-plugin/index.js'), fakePlugin('fake'));
    write(
      path.join(cwd, 'app-config.yaml'),
      'backend:\n  listen: { port: 0, host: 127.0.0.1 }\n  database: { client: better-sqlite3, connection: ":memory:" }\n  plugins: [fake-plugin]\n',
    );
    const backend = await startPortico({ configPaths: [], cwd });
    try {
      const ready = await get(`http://127.0.0.1:${backend.port}/readyz`);
      expect(JSON.parse(ready.body).plugins.fake).toEqual({ status: 'started' });
    } finally {
      await backend.stop();
    }
  });

  it('names the entry of backend.plugins that is missing or not a feature', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'node_modules/not-a-plugin/index.js'), 'module.exports = { hello: 1 };');
    const missing = await loadConfig({ config: { backend: { plugins: ['nowhere-to-be-found'] } } });
    await expect(loadFeaturesFromConfig(missing, cwd)).rejects.toThrow(
      "Invalid config at backend.plugins[0] ('nowhere-to-be-found'): cannot find package 'nowhere-to-be-found'",
    );
    const wrong = await loadConfig({ config: { backend: { plugins: ['not-a-plugin'] } } });
    const error = await loadFeaturesFromConfig(wrong, cwd).catch(e => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("backend.plugins[0] ('not-a-plugin'): its default export must be a backend plugin");
  });

  it('refuses a config with an unknown database client, naming the key', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'bad.yaml'), 'backend:\n  database:\n    client: mongo\n');
    await expect(startPortico({ configPaths: ['bad.yaml'], cwd })).rejects.toThrow(/backend\.database\.client/);
  });

  it('serves the built app with a SPA fallback and the frontend config, leaving /api alone', async () => {
    const dist = tempDir();
    write(path.join(dist, 'index.html'), '<!doctype html><title>Portico</title>');
    write(path.join(dist, 'assets/main.js'), 'console.log(1)');
    write(path.join(dist, 'api/unknown'), 'a file of the app under api/');
    const backend = createBackend({
      config: {
        app: { title: 'Acme portal' },
        backend: { baseUrl: 'http://portal.test', listen: { port: 0, host: '127.0.0.1' }, database: { connection: ':memory:' } },
        secret: { token: 'never shown' },
      },
    });
    backend.add(createAppPlugin(dist));
    await backend.start();
    const base = `http://127.0.0.1:${backend.port}`;
    try {
      expect((await get(`${base}/assets/main.js`)).body).toBe('console.log(1)');
      const deepLink = await get(`${base}/catalog/default/component/api`);
      expect(deepLink.status).toBe(200);
      expect(deepLink.body).toContain('<title>Portico</title>');
      // The host sends no ETags for generated bodies; files still revalidate (Last-Modified, and ETags from express.static).
      expect(deepLink.headers['last-modified']).toEqual(expect.any(String));
      expect((await get(`${base}/catalog/default/component/api`, { 'if-modified-since': deepLink.headers['last-modified']! })).status).toBe(304);
      const asset = await get(`${base}/assets/main.js`);
      expect(asset.headers.etag).toEqual(expect.any(String));
      // hashed by content: kept a year without asking again; a missing one is not answered with index.html
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const gone = await get(`${base}/assets/gone-1a2b3c.js`);
      expect(gone.status).toBe(404);
      expect(gone.body).not.toContain(dist);
      expect((await get(`${base}/assets/main.js`, { 'if-none-match': asset.headers.etag! })).status).toBe(304);
      expect((await get(`${base}/app-config.json`)).headers.etag).toBeUndefined();
      expect(JSON.parse((await get(`${base}/app-config.json`)).body)).toEqual({
        app: { title: 'Acme portal' },
        backend: { baseUrl: 'http://portal.test' },
      });
      fs.rmSync(path.join(dist, 'index.html'));
      const rebuilding = await get(`${base}/catalog`);
      expect(rebuilding.status).toBe(404);
      expect(JSON.parse(rebuilding.body)).toEqual({ error: { name: 'NotFoundError', message: 'No route for GET /catalog', requestId: expect.any(String) } });
      // /api paths never reach the app's files (nor cost a stat of their path)
      const api = await get(`${base}/api/unknown`);
      expect(api.status).toBe(404);
      expect(JSON.parse(api.body).error.name).toBe('NotFoundError');
    } finally {
      await backend.stop();
    }
  });

  it("sends the build's brotli or gzip copy of an asset to a browser that accepts it, with the asset's type", async () => {
    const dist = tempDir();
    const script = `console.log(${JSON.stringify('portico '.repeat(300))});`;
    write(path.join(dist, 'index.html'), '<!doctype html><title>Portico</title>');
    write(path.join(dist, 'assets/page-1a2b.js'), script);
    fs.writeFileSync(path.join(dist, 'assets/page-1a2b.js.br'), zlib.brotliCompressSync(script));
    fs.writeFileSync(path.join(dist, 'assets/page-1a2b.js.gz'), zlib.gzipSync(script));
    write(path.join(dist, 'assets/plain-3c4d.css'), 'body { margin: 0 }');
    const backend = createBackend({ config: { backend: { listen: { port: 0, host: '127.0.0.1' }, database: { connection: ':memory:' } } } });
    backend.add(createAppPlugin(dist));
    await backend.start();
    const base = `http://127.0.0.1:${backend.port}`;
    const fetchRaw = (url: string, headers: http.OutgoingHttpHeaders) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get(url, { headers }, res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    try {
      const br = await fetchRaw(`${base}/assets/page-1a2b.js`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/^text\/javascript/);
      expect(br.headers.vary).toMatch(/Accept-Encoding/);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(zlib.brotliDecompressSync(br.body).toString()).toBe(script);
      const gzip = await fetchRaw(`${base}/assets/page-1a2b.js`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(zlib.gunzipSync(gzip.body).toString()).toBe(script);
      const plain = await fetchRaw(`${base}/assets/page-1a2b.js`, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/Accept-Encoding/);
      expect(plain.body.toString()).toBe(script);
      // without a copy the file goes as it is; a missing file is still a 404
      const css = await fetchRaw(`${base}/assets/plain-3c4d.css`, { 'accept-encoding': 'br' });
      expect(css.headers['content-encoding']).toBeUndefined();
      expect(css.body.toString()).toBe('body { margin: 0 }');
      expect((await fetchRaw(`${base}/assets/gone-1a2b.js`, { 'accept-encoding': 'br' })).status).toBe(404);
      // a copy removed since the start (the app rebuilt): the plain file
      fs.rmSync(path.join(dist, 'assets/page-1a2b.js.br'));
      const rebuilt = await fetchRaw(`${base}/assets/page-1a2b.js`, { 'accept-encoding': 'br' });
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.headers['content-encoding']).toBeUndefined();
      expect(rebuilt.body.toString()).toBe(script);
    } finally {
      await backend.stop();
    }
  });
});
