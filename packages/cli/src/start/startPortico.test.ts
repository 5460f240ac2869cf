import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
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
});
