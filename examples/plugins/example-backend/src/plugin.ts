import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { exampleConfigSchema } from './config';
import { ThingStore } from './database/ThingStore';
import { migrations } from './database/migrations';
import { exampleDecoratorsExtensionPoint, type GreetingDecorator } from './extensions';
import { examplePermissions } from './permissions';
import { createRouter } from './router';
import { ExampleService } from './service/ExampleService';

/** The example plugin: a greeting from config and a table of things, served at /api/example. */
export const examplePlugin = createBackendPlugin({
  pluginId: 'example',
  configSchema: exampleConfigSchema,
  register(env) {
    const decorators: GreetingDecorator[] = [];
    env.registerExtensionPoint(exampleDecoratorsExtensionPoint, {
      addDecorator(decorator) {
        decorators.push(decorator);
      },
    });

    env.registerInit({
      deps: {
        database: coreServices.database,
        http: coreServices.httpRouter,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init({ database, http, logger, httpAuth, permissions, permissionsRegistry, auditor }, { pluginConfig }) {
        const { greeting } = pluginConfig;
        await database.migrate(migrations);
        const store = new ThingStore(await database.getClient());
        permissionsRegistry.addPermissions(examplePermissions);
        http.use(createRouter({ service: new ExampleService(store, { greeting, decorators }), httpAuth, permissions, auditor }));
        logger.info(`Example plugin ready with ${decorators.length} greeting decorator(s)`);
      },
    });
  },
});
