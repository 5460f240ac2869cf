import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { hostHttpServerServiceRef } from '../rootHttpRouter/hostHttpServerServiceFactory';

/**
 * Plugins call each other on `http://localhost:<port>/api/<id>` (the port actually bound);
 * links for browsers use `backend.baseUrl`.
 */
export const discoveryServiceFactory = createServiceFactory({
  service: coreServices.discovery,
  deps: { config: coreServices.rootConfig, server: hostHttpServerServiceRef },
  factory({ config, server }) {
    const internal = () => `http://localhost:${server.port}`;
    const external = config.getOptionalString('backend.baseUrl')?.replace(/\/+$/, '');
    return {
      async getBaseUrl(pluginId) {
        return `${internal()}/api/${pluginId}`;
      },
      async getExternalBaseUrl(pluginId) {
        return `${external ?? internal()}/api/${pluginId}`;
      },
    };
  },
});
