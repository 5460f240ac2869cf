import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type SchedulerService,
  type TaskDefinition,
} from '@portico/backend-plugin-api';
import { createBackend } from '@portico/backend';

/** A scheduler that only records tasks; tests trigger work explicitly. */
export function recordingScheduler(tasks: TaskDefinition[]) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: (): SchedulerService => ({
      async scheduleTask(task) { tasks.push(task); },
      async triggerTask(id) { await tasks.find(t => t.id === id)?.fn(new AbortController().signal); },
      async getScheduledTasks() { return tasks.map(t => ({ id: t.id, scope: t.scope ?? 'global', frequency: t.frequency })); },
    }),
  });
}

/** Starts a backend with the catalog on an ephemeral port. */
export async function startCatalogBackend(options: { config: Record<string, unknown>; features: BackendFeature[]; roots: string[] }) {
  const tasks: TaskDefinition[] = [];
  const backendConfig = (options.config.backend ?? {}) as Record<string, unknown>;
  const backend = createBackend({
    config: {
      ...options.config,
      backend: { ...backendConfig, listen: { port: 0, host: '127.0.0.1' }, database: backendConfig.database ?? { client: 'better-sqlite3', connection: ':memory:' } },
      integrations: { file: { roots: options.roots } },
    },
  });
  backend.add(createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => {
      const quiet = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
      return quiet;
    },
  }));
  backend.add(recordingScheduler(tasks));
  for (const f of options.features) backend.add(f);
  await backend.start();
  return { backend, server: backend.server, url: `http://127.0.0.1:${backend.port}`, tasks, stop: () => backend.stop() };
}

