import { coreServices, createServiceFactory, type PermissionPolicy } from '@portico/backend-plugin-api';
import { permissionsHostServiceRef, type PermissionsHost } from './PermissionsHost';
import { PermissionsEvaluator } from './PermissionsEvaluator';

/** A policy that allows everything: for tests and tools only, never a portal people use. */
export const allowAllPermissionPolicy: PermissionPolicy = {
  async handle() {
    return { result: 'ALLOW' };
  },
};

/**
 * A permissions service. Without `policy` it asks the backend's one policy (set through `permissions.policy`
 * by the built-in permission plugin); with one (tests), it asks that policy instead. Either way conditions
 * are applied through the rules plugins registered, and every failure denies.
 */
export function createPermissionsServiceFactory(policy?: PermissionPolicy) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: { logger: coreServices.logger },
    rootDeps: { host: permissionsHostServiceRef },
    createRootContext: ({ host }) => host,
    factory: ({ logger }, host: PermissionsHost) =>
      new PermissionsEvaluator({
        getPolicy: policy ? () => policy : () => host.policy.get(),
        registry: host.registry,
        logger: logger.child({ service: 'permissions' }),
      }),
  });
}

/** The default: the backend's policy (RBAC unless a module of the permission plugin sets another). */
export const permissionsServiceFactory = createPermissionsServiceFactory();
