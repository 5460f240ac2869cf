import { coreServices, createServiceFactory, type ConfigService } from '@portico/backend-plugin-api';
import { rootConfigServiceFactory } from './services/config';
import { defaultServiceFactories } from './services';
import { auditPlugin, permissionPlugin } from './builtins';
import { BackendHost, type BackendFeatureInput } from './wiring/BackendHost';

export interface CreateBackendOptions {
  /** The config to use instead of app-config files: a plain object or a ready ConfigService. */
  config?: object | ConfigService;
  /** Config files to read instead of `app-config.yaml` + `app-config.local.yaml`. */
  configPaths?: string[];
  /** Command-line arguments, for `--config FILE`. */
  argv?: string[];
  /** Shut down on SIGTERM/SIGINT and exit the process (the CLI turns this on). */
  handleSignals?: boolean;
  /**
   * The built-in plugins: `permission` (the policy, RBAC, `/api/permission`) and `audit` (the audit log,
   * `/api/audit`). Both are on by default; `false` leaves one (or, as `builtinPlugins: false`, both) out.
   * Adding your own plugin with the same id replaces a built-in too.
   */
  builtinPlugins?: false | { permission?: boolean; audit?: boolean };
}

/** A backend under assembly: add features, then start it. */
export interface Backend {
  add(feature: BackendFeatureInput): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function isConfigService(value: object): value is ConfigService {
  return typeof (value as ConfigService).getOptional === 'function' && typeof (value as ConfigService).keys === 'function';
}

/**
 * Creates a backend with the default core services. Add plugins, modules and service factories
 * (which replace defaults by ref id), then `await backend.start()`.
 */
export function createBackend(options: CreateBackendOptions = {}): BackendHost {
  const { config } = options;
  const rootConfigFactory =
    config && isConfigService(config)
      ? createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config })
      : rootConfigServiceFactory({ config, configPaths: options.configPaths, argv: options.argv });
  const builtins = options.builtinPlugins === false ? { permission: false, audit: false } : (options.builtinPlugins ?? {});
  return new BackendHost({
    defaultServiceFactories: [...defaultServiceFactories, rootConfigFactory],
    handleSignals: options.handleSignals,
    defaultPlugins: [
      ...(builtins.permission === false ? [] : [permissionPlugin]),
      ...(builtins.audit === false ? [] : [auditPlugin]),
    ],
  });
}
