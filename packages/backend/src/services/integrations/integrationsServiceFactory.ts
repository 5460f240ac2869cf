import type { ConfigService } from '@portico/backend-plugin-api';
import { FileIntegrationProvider } from './FileIntegrationProvider';
import { createIntegrationRegistry, type IntegrationRegistry } from './IntegrationRegistry';

/**
 * The registry the host owns for `core.integrations`, with the built-in `file` provider already
 * added from `integrations.file`. The host registers it as the extension point, freezes it after
 * the contributors' inits, then serves it as `coreServices.integrations`.
 */
export function createHostIntegrationRegistry(config: ConfigService, options: { cwd?: string } = {}): IntegrationRegistry {
  const registry = createIntegrationRegistry();
  registry.addProvider(FileIntegrationProvider.fromConfig(config, options));
  return registry;
}
