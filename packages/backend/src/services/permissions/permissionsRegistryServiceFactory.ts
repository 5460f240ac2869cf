import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { permissionsHostServiceRef, type PermissionsHost } from './PermissionsHost';

/** Each plugin's view of the one permission registry: what it adds is recorded under its id. */
export const permissionsRegistryServiceFactory = createServiceFactory({
  service: coreServices.permissionsRegistry,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  rootDeps: { host: permissionsHostServiceRef },
  createRootContext: ({ host }) => host,
  factory: ({ pluginMetadata }, host: PermissionsHost) => host.registry.forPlugin(pluginMetadata.getId()),
});
