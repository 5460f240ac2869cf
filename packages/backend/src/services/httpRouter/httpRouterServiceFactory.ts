import { Router, type RequestHandler } from 'express';
import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { ServiceUnavailableError } from '@portico/errors';
import { setRequestPlugin } from '../../http/httpMetrics';
import { backendStateServiceRef, type BackendState } from '../../wiring/BackendState';

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

/** Each plugin's router, mounted at `/api/<pluginId>`. */
export const httpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: { rootHttpRouter: coreServices.rootHttpRouter, plugin: coreServices.pluginMetadata },
  rootDeps: { state: backendStateServiceRef },
  createRootContext: ({ state }) => state,
  factory({ rootHttpRouter, plugin }, state) {
    const pluginId = plugin.getId();
    const router = Router();
    router.use((req, _res, next) => {
      setRequestPlugin(req, pluginId);
      next();
    });
    router.use(startupGate(pluginId, state, STARTUP_WAIT_MS));
    rootHttpRouter.use(`/api/${pluginId}`, router);
    const authPolicies: Array<{ path: string; allow: 'unauthenticated' | 'user-cookie' }> = [];
    return {
      use(handler) {
        router.use(handler);
      },
      // Development auth lets every request through; the policies are kept for the real auth to come.
      addAuthPolicy(policy) {
        authPolicies.push(policy);
      },
    };
  },
});
