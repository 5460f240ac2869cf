import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { hostHttpServerServiceRef } from './hostHttpServerServiceFactory';

/** Mounts handlers on the backend's server, after the host's JSON parsing and before its 404 and error handler. */
export const rootHttpRouterServiceFactory = createServiceFactory({
  service: coreServices.rootHttpRouter,
  deps: { server: hostHttpServerServiceRef },
  factory({ server }) {
    return {
      use(path, handler) {
        server.router.use(path, handler);
      },
    };
  },
});
