import type { ServiceFactory } from '@portico/backend-plugin-api';
import { authServiceFactory } from './auth/authServiceFactory';
import { configServiceFactory, rootConfigServiceFactory } from './config';
import { databaseServiceFactory } from './database';
import { discoveryServiceFactory } from './discovery/discoveryServiceFactory';
import { eventsServiceFactory } from './events/eventsServiceFactory';
import { healthServiceFactory } from './health/healthServiceFactory';
import { rootHealthServiceFactory } from './health/rootHealthServiceFactory';
import { httpAuthServiceFactory } from './httpAuth/httpAuthServiceFactory';
import { identityHostServiceFactory } from './userTokens/IdentityHost';
import { userTokenServiceFactory } from './userTokens/userTokenServiceFactory';
import { httpRouterServiceFactory } from './httpRouter/httpRouterServiceFactory';
import { lifecycleServiceFactory } from './lifecycle/lifecycleServiceFactory';
import { rootLifecycleServiceFactory } from './lifecycle/rootLifecycleServiceFactory';
import { loggerServiceFactory, rootLoggerServiceFactory } from './logger';
import { permissionsServiceFactory } from './permissions/permissionsServiceFactory';
import { permissionsHostServiceFactory } from './permissions/PermissionsHost';
import { permissionsRegistryServiceFactory } from './permissions/permissionsRegistryServiceFactory';
import { auditLogServiceFactory } from './auditor/AuditLog';
import { auditorServiceFactory } from './auditor/auditorServiceFactory';
import { hostHttpServerServiceFactory } from './rootHttpRouter/hostHttpServerServiceFactory';
import { rootHttpRouterServiceFactory } from './rootHttpRouter/rootHttpRouterServiceFactory';
import { schedulerServiceFactory } from './scheduler';
import { cacheServiceFactory } from './cache';

export { authServiceFactory } from './auth/authServiceFactory';
export { HostAuthService } from './auth/HostAuthService';
export { guestCredentials, createCredentials, GUEST_USER_REF } from './auth/credentials';
export { userTokenServiceFactory } from './userTokens/userTokenServiceFactory';
export { identityHostServiceFactory } from './userTokens/IdentityHost';
export { IDENTITY_DATABASE_NAME, identityMigrations } from './userTokens/identityMigrations';
export { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './httpAuth/sessionCookies';
export { discoveryServiceFactory } from './discovery/discoveryServiceFactory';
export { eventsServiceFactory } from './events/eventsServiceFactory';
export { InProcessEvents } from './events/InProcessEvents';
export { healthServiceFactory } from './health/healthServiceFactory';
export { rootHealthServiceFactory } from './health/rootHealthServiceFactory';
export { httpAuthServiceFactory } from './httpAuth/httpAuthServiceFactory';
export { httpRouterServiceFactory } from './httpRouter/httpRouterServiceFactory';
export { lifecycleServiceFactory } from './lifecycle/lifecycleServiceFactory';
export { rootLifecycleServiceFactory } from './lifecycle/rootLifecycleServiceFactory';
export { RootLifecycle } from './lifecycle/RootLifecycle';
export type { PermissionPolicy } from './permissions/PermissionPolicy';
export { rootHealthServiceRef, type RootHealthService, type ReadinessReport, type PluginStartupStatus } from './health/RootHealthService';
export { rootLifecycleServiceRef, type RootLifecycleService } from './lifecycle/RootLifecycleService';
export {
  allowAllPermissionPolicy,
  createPermissionsServiceFactory,
  permissionsServiceFactory,
} from './permissions/permissionsServiceFactory';
export { permissionsRegistryServiceFactory } from './permissions/permissionsRegistryServiceFactory';
export { PermissionsRegistry, type RegisteredPermission, type RegisteredResourceType } from './permissions/PermissionsRegistry';
export { RbacPolicy, type RbacPolicyOptions } from './permissions/rbac/RbacPolicy';
export { DEFAULT_ROLES } from './permissions/rbac/defaultRoles';
export { permissionConfigSchema, rbacRoleSchema, type PermissionConfig, type RbacConfig } from './permissions/rbac/rbacConfig';
export { auditorServiceFactory, recordDeniedRequest, redactMeta } from './auditor';
export { rootHttpRouterServiceFactory } from './rootHttpRouter/rootHttpRouterServiceFactory';
export * from './config';
export * from './logger';
export * from './database';
export * from './scheduler';
export * from './cache';
export * from './integrations';

/** Every default factory: what a backend uses for each core service nobody overrode. */
export const defaultServiceFactories: ServiceFactory[] = [
  rootConfigServiceFactory(),
  configServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
  databaseServiceFactory,
  schedulerServiceFactory,
  cacheServiceFactory,
  hostHttpServerServiceFactory,
  rootHttpRouterServiceFactory,
  httpRouterServiceFactory,
  rootLifecycleServiceFactory,
  lifecycleServiceFactory,
  rootHealthServiceFactory,
  healthServiceFactory,
  discoveryServiceFactory,
  authServiceFactory,
  httpAuthServiceFactory,
  identityHostServiceFactory,
  userTokenServiceFactory,
  permissionsServiceFactory,
  permissionsHostServiceFactory,
  permissionsRegistryServiceFactory,
  auditLogServiceFactory,
  auditorServiceFactory,
  eventsServiceFactory,
];
