import type { BackendFeature, TaskDefinition } from '@portico/backend-plugin-api';
import { mockServices, startTestBackend, type MockScheduler } from '@portico/test-utils';

/** Starts a backend with the catalog on an ephemeral port; scheduled tasks run only when a test runs them. */
export async function startCatalogBackend(options: { config: Record<string, unknown>; features: BackendFeature[]; roots: string[] }) {
  const schedulers: MockScheduler[] = [];
  const backend = await startTestBackend({
    features: options.features,
    services: [mockServices.scheduler.factory((_pluginId, scheduler) => schedulers.push(scheduler)), mockServices.rootLogger.factory()],
    config: { ...options.config, integrations: { file: { roots: options.roots } } },
  });
  return {
    ...backend,
    /** Every task the plugins scheduled, in no particular order. */
    get tasks(): TaskDefinition[] {
      return schedulers.flatMap(s => [...s.tasks.values()]);
    },
  };
}
