import type { BackendFeature, TaskDefinition } from '@portico/backend-plugin-api';
import { startTestBackend } from '@portico/test-utils';

/** The fixture of the catalog tests: file locations under `roots`, scheduled tasks run only when a test runs them. */
export async function startCatalogBackend(options: { config: Record<string, unknown>; features: BackendFeature[]; roots: string[] }) {
  const backend = await startTestBackend({
    features: options.features,
    config: { ...options.config, integrations: { file: { roots: options.roots } } },
    manualSchedulers: true,
  });
  return {
    ...backend,
    /** Every task the plugins scheduled, in no particular order. */
    get tasks(): TaskDefinition[] {
      return backend.schedulers.tasks;
    },
  };
}
