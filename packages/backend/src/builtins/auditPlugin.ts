import { coreServices, createBackendPlugin, durationSchema } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { auditEventReadPermission } from '@portico/permission-common';
import { auditLogServiceRef } from '../services/auditor/AuditLog';
import { auditMigrations, AuditStore } from '../services/auditor/AuditStore';
import { createAuditRouter } from './auditRouter';

/** How long events are kept unless `backend.auditor.retention` says otherwise. */
export const DEFAULT_AUDIT_RETENTION = 'P365D';

/**
 * The built-in `audit` plugin (added by `createBackend` unless left out): keeps the events every plugin's
 * `coreServices.auditor` records in its database for `backend.auditor.retention` (default a year; removed
 * daily, once across instances) and serves them at `GET /api/audit/events`.
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
        rootConfig: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, httpAuth, permissions, permissionsRegistry, auditor, auditLog, rootConfig, scheduler, logger }) {
        const retention = durationSchema.safeParse(rootConfig.getOptional('backend.auditor.retention') ?? DEFAULT_AUDIT_RETENTION);
        if (!retention.success) {
          throw new ConfigError(`backend.auditor.retention: ${retention.error.issues.map(i => i.message).join('; ')}`);
        }
        permissionsRegistry.addPermissions([auditEventReadPermission]);
        await database.migrate(auditMigrations);
        const store = new AuditStore(await database.getClient());
        await auditLog.setStore(store);
        httpRouter.use(createAuditRouter({ httpAuth, permissions, auditor, store }));
        await scheduler.scheduleTask({
          id: 'audit-retention',
          frequency: { duration: 'P1D' },
          initialDelay: 'PT5M',
          timeout: 'PT30M',
          scope: 'global',
          fn: async () => {
            const removed = await store.deleteOlderThan(new Date(Date.now() - retention.data));
            if (removed) logger.info(`Removed ${removed} audit events older than backend.auditor.retention`);
          },
        });
      },
    });
  },
});
