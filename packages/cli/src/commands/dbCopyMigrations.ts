import {
  coreServices,
  type BackendFeature,
  type BackendPluginFeature,
  type ConfigService,
  type DatabaseMigration,
  type DatabaseService,
  type LoggerService,
} from '@portico/backend-plugin-api';

/** Ends a plugin's init once it has handed over its migrations. */
class MigrationsCaptured extends Error {
  constructor(readonly migrations: DatabaseMigration[]) {
    super('migrations captured');
  }
}

/** Ends a plugin's init that reached for its database before migrating it. */
class DatabaseBeforeMigrations extends Error {}

/** How long an init may take to reach its migrations (it runs against inert services, so it should not wait). */
const INIT_TIMEOUT_MS = 10_000;

/**
 * Stands in for every service but the database, the logger and the config: any property is another inert
 * value, any call returns one, nothing is awaited (`then` is absent), and collections are empty. So the code
 * a plugin runs before its migrations (declaring permissions, adding kinds, reading clients) runs to the end.
 */
function inert(): unknown {
  const proxy: unknown = new Proxy(function inertService() {}, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* empty() {};
      if (prop === Symbol.asyncIterator) return async function* empty() {};
      if (prop === 'length' || prop === 'size') return 0;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy as object,
    has: () => false,
    set: () => true,
  });
  return proxy;
}

const silentLogger: LoggerService = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};

export interface PluginMigrations {
  /** Each plugin's migrations, as its init hands them to `database.migrate`, by plugin id in the order given. */
  migrations: Map<string, DatabaseMigration[]>;
  /** Plugins whose init ended without migrating (they keep no database). */
  withoutDatabase: string[];
  /** Plugins whose migrations could not be loaded offline, with the reason. */
  failed: Array<{ pluginId: string; reason: string }>;
}

function isPlugin(feature: BackendFeature): feature is BackendPluginFeature {
  return 'getRegistration' in feature && feature.featureType === 'plugin';
}

/**
 * The migrations of the plugins among `features`, loaded without starting them: each plugin's `register` runs
 * (it only declares), then its init runs with its config section parsed as the host would, a silent logger,
 * the config, and inert stand-ins for every other service, until it calls `database.migrate(...)`, where it
 * stops. Modules are not run: a plugin's database and migrations are its own.
 */
export async function loadPluginMigrations(
  features: BackendFeature[],
  options: { config: ConfigService; engine: DatabaseService['engine'] },
): Promise<PluginMigrations> {
  const result: PluginMigrations = { migrations: new Map(), withoutDatabase: [], failed: [] };
  const seen = new Set<string>();
  for (const feature of features) {
    if (!isPlugin(feature) || seen.has(feature.pluginId)) continue;
    seen.add(feature.pluginId);
    const pluginId = feature.pluginId;
    try {
      const registration = feature.getRegistration();
      let pluginConfig: unknown = undefined;
      if (registration.configSchema) {
        const parsed = registration.configSchema.safeParse(options.config.getOptional(registration.configSection));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(`invalid config at '${[registration.configSection, ...(issue?.path ?? [])].join('.')}': ${issue?.message}`);
        }
        pluginConfig = parsed.data;
      }
      const database: DatabaseService = {
        engine: options.engine,
        migrate: async migrations => {
          throw new MigrationsCaptured(migrations);
        },
        getClient: async () => {
          throw new DatabaseBeforeMigrations('it opened its database before migrating it');
        },
      };
      const deps = Object.fromEntries(
        Object.entries(registration.init.deps).map(([name, ref]) => {
          switch (ref.id) {
            case coreServices.database.id:
              return [name, database];
            case coreServices.logger.id:
            case coreServices.rootLogger.id:
              return [name, silentLogger];
            case coreServices.config.id:
            case coreServices.rootConfig.id:
              return [name, options.config];
            default:
              return [name, inert()];
          }
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`its init did not reach its migrations within ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS);
        timer.unref();
      });
      try {
        await Promise.race([Promise.resolve(registration.init.init(deps as never, { pluginConfig })), timeout]);
      } finally {
        clearTimeout(timer);
      }
      result.withoutDatabase.push(pluginId);
    } catch (error) {
      if (error instanceof MigrationsCaptured) result.migrations.set(pluginId, error.migrations);
      else result.failed.push({ pluginId, reason: (error as Error)?.message ?? String(error) });
    }
  }
  return result;
}
