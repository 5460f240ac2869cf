import type http from 'node:http';
import {
  coreServices,
  type BackendFeature,
  type ServiceFactory,
} from '@portico/backend-plugin-api';
import { createBackend, isBackendFeature, rootConfigServiceFactory, type BackendFeatureInput, type BackendHost } from '@portico/backend';
import { MockLogger } from '../services/MockLogger';
import { MockSchedulers } from '../services/MockSchedulers';
import { mockServices } from '../services/mockServices';

export interface StartTestBackendOptions {
  /** Plugins, modules, bundles, dynamic imports, and service factories to override defaults. */
  features?: BackendFeatureInput[];
  /** app-config for the test; `backend.listen` and `backend.database` get test defaults. */
  config?: Record<string, unknown>;
  /** Service factories replacing defaults (same as passing them in `features`). */
  services?: ServiceFactory[];
  /**
   * Gives every plugin a MockScheduler that runs a task only when the test triggers it, through
   * `schedulers` of the result. Off by default: plugins' tasks then run on their schedule.
   */
  manualSchedulers?: boolean;
  /**
   * `mock` (default): requests without a token are the guest user, `mockCredentials` tokens act as anyone,
   * and every permission is ALLOWed (pass `mockServices.permissions.factory(...)` to decide otherwise).
   * `real`: the host's own AuthService and HttpAuthService (signed tokens, cookies, default deny), for
   * tests of identity itself; permissions stay mocked unless the test adds its own factory.
   */
  auth?: 'mock' | 'real';
}

export interface TestBackend {
  /** The listening server, for supertest: `request(server).get('/api/x')`. */
  server: http.Server;
  backend: BackendHost;
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  /**
   * The root logger, a MockLogger keeping every line (printed only with PORTICO_TEST_LOG=1);
   * `undefined` when `services` replaced the root logger.
   */
  logger: MockLogger | undefined;
  /** With `manualSchedulers`, each plugin's MockScheduler (empty otherwise). */
  schedulers: MockSchedulers;
  stop(): Promise<void>;
}

type JsonRecord = Record<string, unknown>;
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The test defaults: an ephemeral port on loopback, in-memory SQLite (one per plugin), no rate limit, quiet logs. */
export function testBackendConfig(config: JsonRecord = {}): JsonRecord {
  const backend = isRecord(config.backend) ? config.backend : {};
  return {
    ...config,
    backend: {
      ...backend,
      listen: { port: 0, host: '127.0.0.1', ...(isRecord(backend.listen) ? backend.listen : {}) },
      database: isRecord(backend.database) ? backend.database : { client: 'better-sqlite3', connection: ':memory:' },
      // Tests call the sign-in and token endpoints far more often than a person would.
      rateLimit: backend.rateLimit ?? false,
    },
  };
}

/**
 * Starts a real backend with the given features on an ephemeral port. Every plugin gets its
 * own in-memory SQLite database unless `config.backend.database` says otherwise, and logs go to
 * a MockLogger unless `services` holds a root logger.
 */
export async function startTestBackend(options: StartTestBackendOptions = {}): Promise<TestBackend> {
  const backend = createBackend();
  // PORT in the environment must not move a test backend off its ephemeral port.
  const env = { ...process.env, PORT: undefined };
  const overridden = new Set<string>();
  const inputs: BackendFeatureInput[] = [...(options.services ?? []), ...(options.features ?? [])];
  for (const input of inputs) {
    for (const item of Array.isArray(input) ? input : [input]) {
      if (isBackendFeature(item) && item.featureType === 'service') overridden.add(item.service.id);
    }
  }
  if (!overridden.has(coreServices.rootConfig.id)) {
    backend.add(rootConfigServiceFactory({ config: testBackendConfig(options.config), env }) as BackendFeature);
  }
  const mocks: Array<[string, () => ServiceFactory]> = [[coreServices.permissions.id, () => mockServices.permissions.factory()]];
  if ((options.auth ?? 'mock') === 'mock') {
    mocks.push([coreServices.auth.id, () => mockServices.auth.factory()], [coreServices.httpAuth.id, () => mockServices.httpAuth.factory()]);
  }
  for (const [id, factory] of mocks) if (!overridden.has(id)) backend.add(factory() as BackendFeature);
  const logger = overridden.has(coreServices.rootLogger.id) ? undefined : new MockLogger();
  if (logger) backend.add(mockServices.rootLogger.factory(logger));
  const schedulers = new MockSchedulers();
  if (options.manualSchedulers) {
    if (overridden.has(coreServices.scheduler.id)) {
      throw new Error('startTestBackend: pass manualSchedulers or a scheduler service factory, not both');
    }
    backend.add(schedulers.factory());
  }
  for (const input of inputs) backend.add(input);
  await backend.start();
  const url = `http://127.0.0.1:${backend.port}`;
  return { server: backend.server, backend, url, logger, schedulers, stop: () => backend.stop() };
}
