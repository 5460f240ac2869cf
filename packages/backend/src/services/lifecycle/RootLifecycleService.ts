import { createServiceRef, type LifecycleService, type LoggerService } from '@portico/backend-plugin-api';

/** The root lifecycle as the host drives it: plugins add hooks, only the host runs them. */
export interface RootLifecycleService extends LifecycleService {
  startup(): Promise<void>;
  shutdown(logger?: LoggerService): Promise<void>;
}

/** The host's view of `coreServices.rootLifecycle` (same id, so the same instance), with the calls only it makes. */
export const rootLifecycleServiceRef = createServiceRef<RootLifecycleService>({ id: 'core.rootLifecycle', scope: 'root' });
