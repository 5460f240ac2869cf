import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { loadConfig } from './loadConfig';

export interface RootConfigFactoryOptions {
  argv?: string[];
  configPaths?: string[];
  /** A config object used as is instead of files (tests). */
  config?: object;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** The merged app-config, loaded once per backend. */
export function rootConfigServiceFactory(options: RootConfigFactoryOptions = {}) {
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () => loadConfig(options),
  });
}

/** Plugins read the same merged config as the root (their section is validated by the host). */
export const configServiceFactory = createServiceFactory({
  service: coreServices.config,
  deps: { rootConfig: coreServices.rootConfig },
  factory: ({ rootConfig }) => rootConfig,
});
