import { coreServices, createServiceFactory, type ConfigService } from '@portico/backend-plugin-api';
import { WinstonLogger, type LogLevel, type WinstonLoggerOptions } from './WinstonLogger';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug', 'silent'];

function asLevel(value: string | undefined): LogLevel | undefined {
  const lower = value?.trim().toLowerCase();
  return LEVELS.find(l => l === lower);
}

/**
 * The level: `LOG_LEVEL` wins, then `backend.logging.level`, then `warn` under NODE_ENV=test
 * and `info` otherwise. JSON lines when NODE_ENV=production, readable text otherwise.
 */
export function resolveLoggerOptions(
  config: ConfigService | undefined,
  env: Record<string, string | undefined> = process.env,
): WinstonLoggerOptions {
  const level =
    asLevel(env.LOG_LEVEL) ??
    asLevel(config?.getOptionalString('backend.logging.level')) ??
    (env.NODE_ENV === 'test' ? 'warn' : 'info');
  return { level, format: env.NODE_ENV === 'production' ? 'json' : 'text' };
}

/** Creates the root logger as the default factory does (for the host's own early logging). */
export function createRootLogger(config?: ConfigService, options: Partial<WinstonLoggerOptions> = {}): WinstonLogger {
  return WinstonLogger.create({ ...resolveLoggerOptions(config), ...options });
}

export const rootLoggerServiceFactory = createServiceFactory({
  service: coreServices.rootLogger,
  deps: { config: coreServices.rootConfig },
  factory: ({ config }) => createRootLogger(config),
});

/** Each plugin logs through a child carrying `plugin: <id>` on every line. */
export const loggerServiceFactory = createServiceFactory({
  service: coreServices.logger,
  deps: { rootLogger: coreServices.rootLogger, pluginMetadata: coreServices.pluginMetadata },
  factory: ({ rootLogger, pluginMetadata }) => rootLogger.child({ plugin: pluginMetadata.getId() }),
});
