import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { coreServices, createBackendPlugin, type ConfigService } from '@portico/backend-plugin-api';

/** The built web app's folder (`@portico/app`'s dist with an index.html), if there is one. */
export function findAppDist(cwd = process.cwd()): string | undefined {
  try {
    const dir = path.dirname(require.resolve('@portico/app/package.json', { paths: [cwd, __dirname] }));
    const dist = path.join(dir, 'dist');
    return fs.existsSync(path.join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

/** What the browser may see of the config: the `app` section and the backend's base URL. */
export function frontendConfig(config: ConfigService): Record<string, unknown> {
  const baseUrl = config.getOptionalString('backend.baseUrl');
  return { app: config.getOptional('app') ?? {}, backend: baseUrl ? { baseUrl } : {} };
}

/**
 * How long a browser keeps a file under assets/: the bundler names each by its content's hash, so a returning user's
 * browser keeps them without asking again (with max-age alone it revalidated each of the ~50 scripts of a page once
 * the hour was over).
 */
const ASSET_CACHING = { maxAge: '365d', immutable: true } as const;

const isApiPath = (p: string) => p === '/api' || p.startsWith('/api/');

/** The encodings the build writes beside an asset (`@portico/app`'s precompressVite), in order of preference. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * Sends the brotli or gzip copy the build wrote beside an asset to a browser that accepts it (a cold page: ~240 KB
 * of JavaScript instead of ~790 KB), with the asset's type; anything else goes on to express.static. The copies are
 * listed once, at start: a request never names a file by itself, and an app rebuilt meanwhile is served plain.
 */
function precompressedAssets(assetsDir: string): RequestHandler {
  let files: Set<string>;
  try {
    files = new Set(fs.readdirSync(assetsDir));
  } catch {
    files = new Set();
  }
  return (req, res, next) => {
    res.vary('Accept-Encoding');
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    if (!name || name.includes('/')) return next();
    const accepted = ENCODINGS.find(e => files.has(`${name}${e.suffix}`) && req.acceptsEncodings(e.name) === e.name);
    if (!accepted) return next();
    res.type(path.extname(name));
    res.set('Content-Encoding', accepted.name);
    res.sendFile(path.join(assetsDir, `${name}${accepted.suffix}`), ASSET_CACHING, error => {
      if (!error) return;
      if (res.headersSent) return next(error);
      // the copy is gone (the app was rebuilt): the plain file, or its 404
      res.removeHeader('Content-Encoding');
      res.removeHeader('Content-Type');
      next();
    });
  };
}

/**
 * Serves the built app at `/`: static files, `GET /app-config.json`, and index.html for any
 * other GET outside /api so client-side routes survive a reload.
 */
export function createAppPlugin(distDir: string) {
  return createBackendPlugin({
    pluginId: 'app',
    register(env) {
      env.registerInit({
        deps: { rootHttpRouter: coreServices.rootHttpRouter, config: coreServices.rootConfig },
        async init({ rootHttpRouter, config }) {
          const indexHtml = path.join(distDir, 'index.html');
          const router = Router();
          // The API is none of the app's business: without this every API request paid a stat() of its path in
          // express.static (about 4% of the CPU of an instance under API load).
          router.use((req, _res, next) => next(isApiPath(req.path) ? 'router' : undefined));
          router.get('/app-config.json', (_req, res) => {
            res.set('cache-control', 'no-store').json(frontendConfig(config));
          });
          // Kept a year (ASSET_CACHING); a missing one is a 404: the SPA fallback's index.html is no script.
          router.use('/assets', precompressedAssets(path.join(distDir, 'assets')));
          router.use('/assets', express.static(path.join(distDir, 'assets'), { ...ASSET_CACHING, index: false, fallthrough: false }));
          router.use(express.static(distDir, { index: false, maxAge: '1h' }));
          router.use((req, res, next) => {
            if (req.method !== 'GET' && req.method !== 'HEAD') return next();
            // A missing index.html (the app is being rebuilt) is a plain 404, not a 500 with a path in it.
            res.set('cache-control', 'no-cache').sendFile(indexHtml, error => {
              if (error) next((error as { code?: string }).code === 'ENOENT' ? undefined : error);
            });
          });
          rootHttpRouter.use('/', router);
        },
      });
    },
  });
}
