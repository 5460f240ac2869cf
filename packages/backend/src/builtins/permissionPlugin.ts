import {
  coreServices,
  createBackendPlugin,
  permissionsPolicyExtensionPoint,
  type PermissionPolicy,
  type PermissionsPolicyExtensionPoint,
} from '@portico/backend-plugin-api';
import { permissionRoleManagePermission } from '@portico/permission-common';
import { permissionsHostServiceRef } from '../services/permissions/PermissionsHost';
import { permissionConfigSchema } from '../services/permissions/rbac/rbacConfig';
import { RbacPolicy } from '../services/permissions/rbac/RbacPolicy';
import { RoleCache } from '../services/permissions/rbac/RoleCache';
import { roleMigrations, RoleStore } from '../services/permissions/rbac/RoleStore';
import { forContributor } from '../wiring/extensionPointGuard';
import { createPermissionRouter } from './permissionRouter';

/**
 * The built-in `permission` plugin (added by `createBackend` unless left out): owns `permissions.policy`, runs
 * the RBAC policy when no module sets another, and serves `/api/permission` (decisions for the browser, the
 * declared permissions, the roles).
 */
export const permissionPlugin = createBackendPlugin({
  pluginId: 'permission',
  configSchema: permissionConfigSchema,
  register(env) {
    let chosen: { policy: PermissionPolicy; setBy: string } | undefined;
    const setPolicy = (policy: PermissionPolicy, setBy: string) => {
      if (chosen) {
        throw new Error(`The permission policy was already set by ${chosen.setBy}; ${setBy} cannot set a second one (one policy per backend)`);
      }
      if (typeof policy?.handle !== 'function') throw new Error(`${setBy} passed setPolicy something without a handle() method`);
      chosen = { policy, setBy };
    };
    const extensionPoint: PermissionsPolicyExtensionPoint & { [forContributor](contributor: string): PermissionsPolicyExtensionPoint } = {
      setPolicy: policy => setPolicy(policy, 'the permission plugin'),
      [forContributor]: contributor => ({ setPolicy: policy => setPolicy(policy, contributor) }),
    };
    env.registerExtensionPoint(permissionsPolicyExtensionPoint, extensionPoint);

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        host: permissionsHostServiceRef,
      },
      async init(deps, { pluginConfig }) {
        const { logger, database, httpRouter, httpAuth, permissions, permissionsRegistry, auditor, lifecycle, host } = deps;
        permissionsRegistry.addPermissions([permissionRoleManagePermission]);
        let rbac: Parameters<typeof createPermissionRouter>[0]['rbac'];
        if (chosen) {
          host.policy.set(chosen.policy, chosen.setBy);
          logger.info(`Permission policy set by ${chosen.setBy}`);
        } else {
          const config = pluginConfig.rbac;
          await database.migrate(roleMigrations);
          const store = new RoleStore(await database.getClient());
          const cache = new RoleCache(store, logger);
          await cache.refresh();
          cache.start(config.refreshIntervalMs);
          lifecycle.addShutdownHook(() => cache.stop());
          const policy = new RbacPolicy({
            config,
            storedRoles: cache.current,
            rules: {
              hasRule: (resourceType, rule) => host.registry.hasRule(resourceType, rule),
              ownerOf: resourceType => host.registry.getResourceType(resourceType)?.pluginId,
            },
          });
          host.policy.set(policy, 'the built-in RBAC policy');
          rbac = { policy, store, cache };
          if (config.admins.length === 0) logger.info('RBAC: no admins configured (permission.rbac.admins)');
        }
        httpRouter.use(createPermissionRouter({ httpAuth, permissions, auditor, registry: host.registry, rbac }));
      },
    });
  },
});
