import { createServiceFactory } from '@portico/backend-plugin-api';
import { backendStateServiceRef } from '../../wiring/BackendState';
import { rootHealthServiceRef } from './RootHealthService';

/** Liveness is always ok while the process answers; readiness follows the plugins' startup. */
export const rootHealthServiceFactory = createServiceFactory({
  service: rootHealthServiceRef,
  deps: { state: backendStateServiceRef },
  factory({ state }) {
    return {
      async getLiveness() {
        return { status: 'ok' as const };
      },
      getReadiness: () => state.getReadiness(),
    };
  },
});
