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
  /** Writes V8's code cache for the next start when this one had none (or V8 refused it); never throws. */
  saveCodeCache(): void;
  /** Whether V8 accepted the code cache beside the bundle. */
  usedCodeCache: boolean;
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
 * Loads the server bundle with V8's code cache beside it (bundle.js.cache) when there is one V8 accepts, and makes
 * `require()` of a shared package from outside the bundle (a plugin installed separately) return the bundle's
 * instance, as if there were one copy. Undefined when the bundle cannot be used: the caller loads from dist.
 */
export function loadServerBundle(dir = defaultDir()): LoadedServerBundle | undefined {
  const manifest = checkServerBundle(dir);
  if (typeof manifest === 'string') return undefined;
  const file = path.join(dir, 'bundle.js');
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = fs.readFileSync(file, manifest.ascii ? 'latin1' : 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cacheUsable = cachedData !== undefined && !script.cachedDataRejected;
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
    unshare,
    saveCodeCache() {
      if (cacheUsable) return;
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
