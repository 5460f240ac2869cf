import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { auditEventReadPermission } from '@portico/permission-common';
import { auditLogServiceRef } from '../services/auditor/AuditLog';
import { auditMigrations, AuditStore } from '../services/auditor/AuditStore';
import { createAuditRouter } from './auditRouter';

/**
 * The built-in `audit` plugin (added by `createBackend` unless left out): keeps the events every plugin's
 * `coreServices.auditor` records in its database and serves them at `GET /api/audit/events`.
 */
export const auditPlugin = createBackendPlugin({
  pluginId: 'audit',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        auditLog: auditLogServiceRef,
      },
      async init({ database, httpRouter, httpAuth, permissions, permissionsRegistry, auditor, auditLog }) {
        permissionsRegistry.addPermissions([auditEventReadPermission]);
        await database.migrate(auditMigrations);
        const store = new AuditStore(await database.getClient());
        await auditLog.setStore(store);
        httpRouter.use(createAuditRouter({ httpAuth, permissions, auditor, store }));
      },
    });
  },
});
