import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { identityHostServiceRef, type IdentityHost } from '../userTokens/IdentityHost';
import { HostAuthService } from './HostAuthService';

/** Each plugin's AuthService, backed by the host's one identity (keys, personal and external tokens). */
export const authServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  rootDeps: { identity: identityHostServiceRef },
  createRootContext: ({ identity }) => identity,
  factory: ({ plugin }, identity: IdentityHost) => new HostAuthService(plugin.getId(), identity),
});
