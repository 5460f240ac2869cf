import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { backendStateServiceRef } from '../../wiring/BackendState';

/** A plugin's health checks, reported under its id in `GET /readyz`. */
export const healthServiceFactory = createServiceFactory({
  service: coreServices.health,
  deps: { plugin: coreServices.pluginMetadata },
  rootDeps: { state: backendStateServiceRef },
  createRootContext: ({ state }) => state,
  factory({ plugin }, state) {
    return {
      addCheck(name, check) {
        state.addCheck(plugin.getId(), name, check);
      },
    };
  },
});
