import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { loadFeatures } from './loadFeatures';
import { loadServerBundle, serverBundleUnusable } from './serverBundle';

/** A bundle as scripts/lib/serverBundle.js lays it out: bundle.js and a manifest of the .tsbuildinfo it was built from. */
function fakeBundle(dir: string) {
  const stamp = path.join(dir, 'pkg', 'dist', '.tsbuildinfo');
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, '{}');
  const server = path.join(dir, 'server');
  fs.mkdirSync(server);
  fs.writeFileSync(
    path.join(server, 'bundle.js'),
    `const shared = { marker: Symbol('bundled') };
exports.startPortico = () => ({ startPortico: async () => 'started from the bundle' });
exports.features = { '@portico/plugin-fake-backend': () => ({ default: { $$type: '@portico/BackendFeature' } }) };
exports.shared = { 'portico-test-shared-package': () => shared };
exports.where = { dirname: __dirname, filename: __filename, resolves: typeof require.resolve('node:path') };
`,
  );
  const manifest = { builtAt: new Date().toISOString(), stamps: { [path.relative(server, stamp)]: fs.statSync(stamp).mtimeMs } };
  fs.writeFileSync(path.join(server, 'manifest.json'), JSON.stringify(manifest));
  return { server, stamp };
}

describe('the server bundle portico start loads', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-server-bundle-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the start path and the plugins from one file, and shares its packages with modules outside it', async () => {
    const { server } = fakeBundle(dir);
    const loaded = loadServerBundle(server);
    expect(loaded).toBeDefined();
    try {
      expect(await loaded!.bundle.startPortico().startPortico({ configPaths: [] })).toBe('started from the bundle');
      expect(loaded!.bundle.features['@portico/plugin-fake-backend']()).toEqual({ default: { $$type: '@portico/BackendFeature' } });
      expect((loaded!.bundle as unknown as { where: unknown }).where).toEqual({ dirname: server, filename: path.join(server, 'bundle.js'), resolves: 'string' });
      // a plugin installed outside the bundle asking for a shared package gets the bundle's instance
      const load = (Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load;
      expect(load('portico-test-shared-package', null, false)).toBe(loaded!.bundle.shared['portico-test-shared-package']());
      expect(load('node:path', null, false)).toBe(path);
      // backend.plugins names the bundle holds come from it; others from node_modules as before
      const features = await loadFeatures(['@portico/plugin-fake-backend'], dir, loaded!.bundle.features);
      expect(features).toEqual([{ $$type: '@portico/BackendFeature' }]);
      await expect(loadFeatures(['@portico/plugin-not-there-backend'], dir, loaded!.bundle.features)).rejects.toThrow(
        "Invalid config at backend.plugins[0] ('@portico/plugin-not-there-backend'): cannot find package",
      );
    } finally {
      loaded!.unshare();
    }
  });

  it("writes V8's code cache of a start once, and the next load uses it rather than the build's", () => {
    const { server } = fakeBundle(dir);
    const built = loadServerBundle(server)!;
    built.unshare();
    expect(built.usedCodeCache).toBe(false);
    built.saveCodeCache('build');
    expect(fs.existsSync(path.join(server, 'bundle.js.cache'))).toBe(true);
    expect(fs.existsSync(path.join(server, 'bundle.js.start-cache'))).toBe(false);

    const first = loadServerBundle(server)!;
    first.unshare();
    expect([first.usedCodeCache, first.usedStartCache]).toEqual([true, false]);
    first.saveCodeCache();
    const startCache = path.join(server, 'bundle.js.start-cache');
    expect(fs.existsSync(startCache)).toBe(true);
    const written = fs.statSync(startCache).mtimeMs;

    const second = loadServerBundle(server)!;
    second.unshare();
    expect([second.usedCodeCache, second.usedStartCache]).toEqual([true, true]);
    second.saveCodeCache();
    expect(fs.statSync(startCache).mtimeMs).toBe(written); // written once
  });

  it("ignores a start's code cache older than the bundle (V8 would take one of the same length)", () => {
    const { server } = fakeBundle(dir);
    const first = loadServerBundle(server)!;
    first.unshare();
    first.saveCodeCache();
    const earlier = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(server, 'bundle.js.start-cache'), earlier, earlier);
    const second = loadServerBundle(server)!;
    second.unshare();
    expect([second.usedCodeCache, second.usedStartCache]).toEqual([false, false]);
  });

  it('reads a bundle its manifest says is ASCII as latin1, and any other as UTF-8', () => {
    const { server } = fakeBundle(dir);
    fs.appendFileSync(path.join(server, 'bundle.js'), "exports.text = 'caf\u00e9 \u2192 ok';\n");
    const utf8 = loadServerBundle(server)!;
    utf8.unshare();
    expect((utf8.bundle as unknown as { text: string }).text).toBe('caf\u00e9 \u2192 ok');

    const manifestFile = path.join(server, 'manifest.json');
    fs.writeFileSync(path.join(server, 'bundle.js'), "exports.text = 'caf\\u00e9';\nexports.shared = {};\n");
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), ascii: true }));
    const ascii = loadServerBundle(server)!;
    ascii.unshare();
    expect((ascii.bundle as unknown as { text: string }).text).toBe('caf\u00e9');
  });

  it('compiles a bundle its manifest says is already in the module wrapper as it is', () => {
    const { server } = fakeBundle(dir);
    const file = path.join(server, 'bundle.js');
    const { wrapper } = Module as unknown as { wrapper: [string, string] };
    fs.writeFileSync(file, `${wrapper[0]}${fs.readFileSync(file, 'utf8')}${wrapper[1]}`);
    const manifestFile = path.join(server, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), wrapped: true }));
    const loaded = loadServerBundle(server)!;
    loaded.unshare();
    expect(Object.keys(loaded.bundle.features)).toEqual(['@portico/plugin-fake-backend']);
  });

  it('is not used when absent, when a package in it was rebuilt since, or when PORTICO_SERVER_BUNDLE=0', () => {
    expect(serverBundleUnusable(path.join(dir, 'nothing'))).toMatch(/^no server bundle/);
    expect(loadServerBundle(path.join(dir, 'nothing'))).toBeUndefined();

    const { server, stamp } = fakeBundle(dir);
    expect(serverBundleUnusable(server)).toBeUndefined();
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(stamp, later, later);
    expect(serverBundleUnusable(server)).toBe(`the server bundle is older than ${stamp} (node scripts/build.js rebuilds it)`);
    expect(loadServerBundle(server)).toBeUndefined();

    fs.rmSync(stamp);
    expect(serverBundleUnusable(server)).toBeUndefined(); // an installed package has no .tsbuildinfo to compare
    process.env.PORTICO_SERVER_BUNDLE = '0';
    try {
      expect(serverBundleUnusable(server)).toBe('PORTICO_SERVER_BUNDLE=0');
    } finally {
      delete process.env.PORTICO_SERVER_BUNDLE;
    }
  });
});
