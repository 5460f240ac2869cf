import { Router } from 'express';
import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { setRequestPlugin } from '../../http/httpMetrics';

/** Each plugin's router, mounted at `/api/<pluginId>`. */
export const httpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  deps: { rootHttpRouter: coreServices.rootHttpRouter, plugin: coreServices.pluginMetadata },
  factory({ rootHttpRouter, plugin }) {
    const pluginId = plugin.getId();
    const router = Router();
    router.use((req, _res, next) => {
      setRequestPlugin(req, pluginId);
      next();
    });
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
