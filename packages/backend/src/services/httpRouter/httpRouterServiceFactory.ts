import { Router, type RequestHandler } from 'express';
import { coreServices, createServiceFactory, type HttpAuthService } from '@portico/backend-plugin-api';
import { ServiceUnavailableError } from '@portico/errors';
import { setRequestPlugin } from '../../http/httpMetrics';
import { backendStateServiceRef, type BackendState } from '../../wiring/BackendState';
import { hostHttpServerServiceRef } from '../rootHttpRouter/hostHttpServerServiceFactory';

/** How long a request to a plugin still starting waits for it before a 503. */
export const STARTUP_WAIT_MS = 10_000;

/**
 * The server listens before plugins initialise (so `/readyz` can report them). A request to a plugin
 * whose init is still running waits for it, then reaches its routes, instead of a 404 from routes not
 * added yet; a plugin that failed to start, or is still starting after `STARTUP_WAIT_MS`, answers 503.
 */
export function startupGate(pluginId: string, state: BackendState, waitMs: number): RequestHandler {
  const unavailable = (status: string, error?: string) =>
    new ServiceUnavailableError(
      status === 'pending'
        ? `Plugin '${pluginId}' is still starting (waited ${waitMs / 1000} s)`
        : `Plugin '${pluginId}' did not start (${status}${error ? `: ${error}` : ''})`,
    );
  return (_req, _res, next) => {
    const current = state.plugins.get(pluginId);
    if (!current || current.status === 'started') return next();
    if (current.status !== 'pending') return next(unavailable(current.status, current.error));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    void Promise.race([state.whenSettled(pluginId), timeout]).then(settled => {
      clearTimeout(timer);
      if (settled?.status === 'started') next();
      else next(unavailable(settled?.status ?? 'pending', settled?.error));
    });
  };
}

type AuthPolicy = 'unauthenticated' | 'user-cookie';
type DeclaredRoute = { method: string; path: string; auth?: string };

const OPEN = Symbol('portico.authPolicy');
/** Where a route registry's router lists its declared routes (set by createRouteRegistry). */
const DECLARED_ROUTES = Symbol.for('portico.declaredRoutes');

function declaredRoutesOf(handler: unknown): (() => readonly DeclaredRoute[]) | undefined {
  const list = (handler as Record<symbol, unknown> | undefined)?.[DECLARED_ROUTES];
  return typeof list === 'function' ? (list as () => readonly DeclaredRoute[]) : undefined;
}

/**
 * Default deny: every request to the plugin needs user or service credentials, except paths the plugin
 * opened with `addAuthPolicy` and routes its route registries declare `auth: 'unauthenticated'`. The open
 * paths are matched by an express router, so they match exactly as the plugin's own routes do.
 */
function createDefaultDeny(httpAuth: HttpAuthService) {
  const openPaths = Router();
  const registries: Array<{ routes: () => readonly DeclaredRoute[]; seen: number }> = [];
  const mark =
    (policy: AuthPolicy): RequestHandler =>
    (req, _res, next) => {
      (req as unknown as Record<symbol, AuthPolicy>)[OPEN] = policy;
      next();
    };
  // Routes may be declared after the registry's router is mounted: pick new ones up at each request.
  const syncRegistries: RequestHandler = (_req, _res, next) => {
    for (const registry of registries) {
      const routes = registry.routes();
      for (const route of routes.slice(registry.seen)) {
        if (route.auth === 'unauthenticated') (openPaths as unknown as Record<string, (path: string, h: RequestHandler) => void>)[route.method](route.path, mark('unauthenticated'));
      }
      registry.seen = routes.length;
    }
    next();
  };
  const deny: RequestHandler = (req, _res, next) => {
    if ((req as unknown as Record<symbol, AuthPolicy>)[OPEN] === 'unauthenticated') return next();
    httpAuth.credentials(req, { allow: ['user', 'service'] }).then(() => next(), next);
  };
  return {
    middleware: [syncRegistries, openPaths, deny],
    addPolicy(policy: { path: string; allow: AuthPolicy }) {
      openPaths.use(policy.path, mark(policy.allow));
    },
    addRegistry(handler: unknown) {
      const routes = declaredRoutesOf(handler);
      if (routes) registries.push({ routes, seen: 0 });
    },
  };
}

/** Each plugin's router, mounted at `/api/<pluginId>`, behind the startup gate and default deny. */
export const httpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: { rootHttpRouter: coreServices.rootHttpRouter, plugin: coreServices.pluginMetadata, httpAuth: coreServices.httpAuth, server: hostHttpServerServiceRef },
  rootDeps: { state: backendStateServiceRef },
  createRootContext: ({ state }) => state,
  factory({ rootHttpRouter, plugin, httpAuth, server }, state) {
    const pluginId = plugin.getId();
    const router = Router();
    router.use((req, _res, next) => {
      setRequestPlugin(req, pluginId);
      next();
    });
    router.use(startupGate(pluginId, state, STARTUP_WAIT_MS));
    const defaultDeny = createDefaultDeny(httpAuth);
    router.use(...defaultDeny.middleware);
    // The per-client rate limits routes declare (`rateLimit`), once the caller is known.
    router.use(server.routeLimits.rateLimit(httpAuth));
    rootHttpRouter.use(`/api/${pluginId}`, router);
    return {
      use(handler) {
        defaultDeny.addRegistry(handler);
        server.routeLimits.addRegistry(`/api/${pluginId}`, handler);
        router.use(handler);
      },
      addAuthPolicy(policy) {
        if (!policy?.path?.startsWith('/')) throw new Error(`addAuthPolicy of plugin '${pluginId}': path must start with '/', got '${policy?.path}'`);
        if (policy.allow !== 'unauthenticated' && policy.allow !== 'user-cookie') {
          throw new Error(`addAuthPolicy of plugin '${pluginId}': allow must be 'unauthenticated' or 'user-cookie', got '${String(policy.allow)}'`);
        }
        defaultDeny.addPolicy(policy);
      },
    };
  },
});
