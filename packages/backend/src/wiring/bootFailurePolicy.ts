import type { ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

export type BootFailurePolicy = 'abort' | 'continue';

/**
 * `backend.startup.plugins.<id>.onBootFailure` (then `backend.startup.default.onBootFailure`):
 * `abort` (default) stops the backend; `continue` marks the plugin failed and starts the rest.
 */
export function bootFailurePolicy(config: ConfigService, pluginId: string): BootFailurePolicy {
  const read = (key: string) => {
    const value = config.getOptionalString(key);
    if (value !== undefined && value !== 'abort' && value !== 'continue') {
      throw new ConfigError(`Invalid config at ${key}: expected 'abort' or 'continue', got '${value}'`);
    }
    return value;
  };
  return (
    read(`backend.startup.plugins.${pluginId}.onBootFailure`) ?? read('backend.startup.default.onBootFailure') ?? 'abort'
  );
}
