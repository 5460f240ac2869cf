import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  InputError,
  integrationsExtensionPoint,
  NotFoundError,
  PayloadTooLargeError,
  type BackendFeature,
  type IntegrationProvider,
  type SchedulerService,
  type TaskDefinition,
} from '@portico/backend-plugin-api';
import { createBackend } from '@portico/backend';

/** A `file` integration provider limited to `roots` (stands in for the host's until it lands). */
export function testFileProvider(roots: string[]): IntegrationProvider {
  const allowed = (file: string) => roots.some(r => file === r || file.startsWith(r + path.sep));
  return {
    id: 'file',
    describeTargets: () => roots.map(r => `file://${r}`),
    serves: url => url.protocol === 'file:',
    async readUrl(url, options) {
      const file = fileURLToPath(url);
      if (!allowed(path.resolve(file))) throw new InputError(`${file} is outside the allowed file roots`);
      if (!fs.existsSync(file)) throw new NotFoundError(`${file} does not exist`);
      const size = fs.statSync(file).size;
      if (options?.maxBytes && size > options.maxBytes) throw new PayloadTooLargeError(`${file} is larger than ${options.maxBytes} bytes`);
      return { text: fs.readFileSync(file, 'utf8'), url };
    },
    resolveUrl: ({ base, url }) => new URL(url, base).toString(),
  };
}

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

export function fileRootsModule(roots: string[]) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-files',
    register(env) {
      env.registerInit({
        deps: { integrations: integrationsExtensionPoint },
        async init({ integrations }) {
          integrations.addProvider(testFileProvider(roots));
        },
      });
    },
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
  backend.add(fileRootsModule(options.roots));
  for (const f of options.features) backend.add(f);
  await backend.start();
  return { backend, server: backend.server, url: `http://127.0.0.1:${backend.port}`, tasks, stop: () => backend.stop() };
}

/** Polls until `check` passes (ingestion runs in the background after start). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise(r => setTimeout(r, 25));
    }
  }
}
