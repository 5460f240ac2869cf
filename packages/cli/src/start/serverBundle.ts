import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { startPortico as StartPortico } from './startPortico';

/**
 * What dist/server/bundle.js exports (scripts/lib/serverBundle.js builds it after tsc): the start path, the
 * backend plugin packages of the workspace by name, and the packages modules outside it must share with it.
 */
export interface ServerBundle {
  startPortico: () => { startPortico: typeof StartPortico };
  features: Record<string, () => unknown>;
  shared: Record<string, () => unknown>;
}

export interface LoadedServerBundle {
  bundle: ServerBundle;
  /**
   * Writes V8's code cache of what has been compiled so far; never throws. `start` (the default, `portico start` a
   * while after starting) writes bundle.js.start-cache unless this load used one: it holds what the start, the first
   * load and the first requests compiled too, which the build's cache lacks. `build` writes bundle.js.cache.
   */
  saveCodeCache(kind?: 'start' | 'build'): void;
  /** Whether V8 accepted a code cache beside the bundle. */
  usedCodeCache: boolean;
  /** Whether that cache was the one a start wrote (bundle.js.start-cache). */
  usedStartCache: boolean;
  /** Ends the sharing of the bundle's packages with modules outside it (for tests). */
  unshare(): void;
}

const defaultDir = () => path.join(__dirname, '..', 'server');

/** What scripts/lib/serverBundle.js writes beside the bundle. */
interface BundleManifest {
  /** The .tsbuildinfo of each package in the bundle, by path relative to its folder, with its modification time. */
  stamps?: Record<string, number>;
  /** bundle.js holds only ASCII: it can be read as latin1 (next to free) rather than decoded as UTF-8. */
  ascii?: boolean;
  /** bundle.js is already in Node's module wrapper (`(function (exports, require, module, __filename, __dirname) {`). */
  wrapped?: boolean;
}

/** Why the bundle cannot be used (it is absent, or a package in it was rebuilt since), or undefined. */
export function serverBundleUnusable(dir = defaultDir()): string | undefined {
  const checked = checkServerBundle(dir);
  return typeof checked === 'string' ? checked : undefined;
}

/** The bundle's manifest when the bundle can be used, else why not. */
function checkServerBundle(dir: string): BundleManifest | string {
  if (process.env.PORTICO_SERVER_BUNDLE === '0') return 'PORTICO_SERVER_BUNDLE=0';
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  } catch {
    return 'no server bundle (node scripts/build.js builds it)';
  }
  if (!fs.existsSync(path.join(dir, 'bundle.js'))) return 'no server bundle (node scripts/build.js builds it)';
  for (const [file, mtimeMs] of Object.entries(manifest.stamps ?? {})) {
    let now: number;
    try {
      now = fs.statSync(path.resolve(dir, file)).mtimeMs;
    } catch {
      // a package without its .tsbuildinfo (installed from a registry) cannot have been rebuilt
      continue;
    }
    if (now !== mtimeMs) return `the server bundle is older than ${path.resolve(dir, file)} (node scripts/build.js rebuilds it)`;
  }
  return manifest;
}

/**
 * Loads the server bundle with V8's code cache beside it when there is one V8 accepts (bundle.js.start-cache, written
 * by an earlier start, else bundle.js.cache, written by the build), and makes
 * `require()` of a shared package from outside the bundle (a plugin installed separately) return the bundle's
 * instance, as if there were one copy. Undefined when the bundle cannot be used: the caller loads from dist.
 */
export function loadServerBundle(dir = defaultDir()): LoadedServerBundle | undefined {
  const manifest = checkServerBundle(dir);
  if (typeof manifest === 'string') return undefined;
  const file = path.join(dir, 'bundle.js');
  const buildCacheFile = `${file}.cache`;
  const startCacheFile = `${file}.start-cache`;
  // A start's cache older than the bundle belongs to an earlier build (V8 checks only the source's length).
  const startCache = readNewerThan(startCacheFile, file);
  const cachedData = startCache ?? readNewerThan(buildCacheFile, file);
  const source = fs.readFileSync(file, manifest.ascii ? 'latin1' : 'utf8');
  const script = new vm.Script(manifest.wrapped ? source : Module.wrap(source), { filename: file, cachedData });
  const cacheUsable = cachedData !== undefined && !script.cachedDataRejected;
  const usedStartCache = cacheUsable && startCache !== undefined;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dir);
  const localRequire = Object.assign((id: string) => mod.require(id), {
    resolve: (request: string, options?: { paths?: string[] }) => (Module as unknown as { _resolveFilename(r: string, m: Module, isMain: boolean, o?: unknown): string })._resolveFilename(request, mod, false, options),
    cache: require.cache,
    main: require.main,
  });
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, localRequire, mod, file, dir);
  mod.loaded = true;
  const bundle = mod.exports as ServerBundle;
  const unshare = shareWithOutside(bundle.shared);
  return {
    bundle,
    usedCodeCache: cacheUsable,
    usedStartCache,
    unshare,
    saveCodeCache(kind = 'start') {
      if (kind === 'start' && usedStartCache) return;
      const cacheFile = kind === 'start' ? startCacheFile : buildCacheFile;
      try {
        const data = script.createCachedData();
        const temporary = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temporary, data);
        fs.renameSync(temporary, cacheFile);
      } catch {
        // a read-only install runs without the cache
      }
    },
  };
}

/** The file's bytes when it exists and was written after `than`, else undefined. */
function readNewerThan(file: string, than: string): Buffer | undefined {
  try {
    if (fs.statSync(file).mtimeMs < fs.statSync(than).mtimeMs) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** `require(name)` of a shared package from a module outside the bundle gets the bundle's instance. */
function shareWithOutside(shared: Record<string, () => unknown>): () => void {
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  const load = function load(this: unknown, request: string, _parent: unknown, _isMain: boolean) {
    const get = Object.prototype.hasOwnProperty.call(shared, request) ? shared[request] : undefined;
    if (get) return get();
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as [string, unknown, boolean]);
  };
  loader._load = load;
  return () => {
    if (loader._load === load) loader._load = original;
  };
}
