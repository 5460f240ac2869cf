import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { DevelopmentAuthService } from './developmentAuth';

export const authServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    return new DevelopmentAuthService(plugin.getId());
  },
});
