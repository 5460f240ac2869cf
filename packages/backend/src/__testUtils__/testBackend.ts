import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type LoggerService,
  type LogMeta,
} from '@portico/backend-plugin-api';
import { createBackend } from '../createBackend';
import type { BackendHost } from '../wiring/BackendHost';

export interface CapturedLine {
  level: string;
  message: string;
  meta: LogMeta;
}

/** A root logger that keeps lines in memory, for asserting on what the host logs. */
export function capturingLogger(lines: CapturedLine[], base: LogMeta = {}): LoggerService {
  const log = (level: string) => (message: string, meta?: LogMeta | Error) =>
    lines.push({ level, message, meta: { ...base, ...(meta instanceof Error ? { error: meta.message } : meta) } });
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: meta => capturingLogger(lines, { ...base, ...meta }),
  };
}

export interface TestHost {
  backend: BackendHost;
  lines: CapturedLine[];
  url: string;
}

/**
 * Builds a backend on an ephemeral port with in-memory SQLite and a capturing logger, without the built-in
 * permission and audit plugins (the host's tests count plugins and log lines; the built-ins have their own).
 */
export function buildTestBackend(config: Record<string, unknown> = {}, features: BackendFeature[] = []) {
  const lines: CapturedLine[] = [];
  const backendConfig = (config.backend ?? {}) as Record<string, unknown>;
  const backend = createBackend({
    builtinPlugins: false,
    config: {
      ...config,
      backend: {
        ...backendConfig,
        listen: { port: 0, host: '127.0.0.1', ...(backendConfig.listen as object) },
        database: { client: 'better-sqlite3', connection: ':memory:', ...(backendConfig.database as object) },
      },
    },
  });
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => capturingLogger(lines) }));
  for (const f of features) backend.add(f);
  return { backend, lines };
}

/** Starts it, returning the base URL too. */
export async function startTestHost(config: Record<string, unknown> = {}, features: BackendFeature[] = []): Promise<TestHost> {
  const { backend, lines } = buildTestBackend(config, features);
  await backend.start();
  return { backend, lines, url: `http://127.0.0.1:${backend.port}` };
}

/**
 * Starts it without waiting for the plugins' inits: resolves once the server listens (before the
 * inits run), with the start's own promise to await later.
 */
export async function startUntilListening(backend: BackendHost): Promise<{ started: Promise<void> }> {
  const started = backend.start();
  const listening = () => {
    try {
      return backend.server.listening;
    } catch {
      return false; // no server yet
    }
  };
  while (!listening()) await new Promise(r => setTimeout(r, 5));
  return { started };
}
