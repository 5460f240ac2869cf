import { createServiceRef } from './ServiceRef';
import type { AuditorService } from './definitions/AuditorService';
import type { AuthService } from './definitions/AuthService';
import type { CacheService } from './definitions/CacheService';
import type { ConfigService } from './definitions/ConfigService';
import type { DatabaseService } from './definitions/DatabaseService';
import type { DiscoveryService } from './definitions/DiscoveryService';
import type { EventsService } from './definitions/EventsService';
import type { HealthService } from './definitions/HealthService';
import type { HttpAuthService } from './definitions/HttpAuthService';
import type { HttpRouterService, RootHttpRouterService } from './definitions/HttpRouterService';
import type { IntegrationsService } from './definitions/IntegrationsService';
import type { LifecycleService } from './definitions/LifecycleService';
import type { LoggerService } from './definitions/LoggerService';
import type { PermissionsService } from './definitions/PermissionsService';
import type { PermissionsRegistryService } from './definitions/PermissionsRegistryService';
import type { PluginMetadataService } from './definitions/PluginMetadataService';
import type { SchedulerService } from './definitions/SchedulerService';
import type { UserTokenService } from './definitions/UserTokenService';

/** The services every backend provides. Depend on them by ref; override with `backend.add(factory)`. */
export const coreServices = {
  rootConfig: createServiceRef<ConfigService>({ id: 'core.rootConfig', scope: 'root' }),
  config: createServiceRef<ConfigService>({ id: 'core.config' }),
  rootLogger: createServiceRef<LoggerService>({ id: 'core.rootLogger', scope: 'root' }),
  logger: createServiceRef<LoggerService>({ id: 'core.logger' }),
  rootLifecycle: createServiceRef<LifecycleService>({ id: 'core.rootLifecycle', scope: 'root' }),
  lifecycle: createServiceRef<LifecycleService>({ id: 'core.lifecycle' }),
  rootHttpRouter: createServiceRef<RootHttpRouterService>({ id: 'core.rootHttpRouter', scope: 'root' }),
  httpRouter: createServiceRef<HttpRouterService>({ id: 'core.httpRouter' }),
  database: createServiceRef<DatabaseService>({ id: 'core.database' }),
  scheduler: createServiceRef<SchedulerService>({ id: 'core.scheduler' }),
  discovery: createServiceRef<DiscoveryService>({ id: 'core.discovery', scope: 'root' }),
  cache: createServiceRef<CacheService>({ id: 'core.cache' }),
  health: createServiceRef<HealthService>({ id: 'core.health' }),
  auth: createServiceRef<AuthService>({ id: 'core.auth' }),
  httpAuth: createServiceRef<HttpAuthService>({ id: 'core.httpAuth' }),
  permissions: createServiceRef<PermissionsService>({ id: 'core.permissions' }),
  /** Declares the plugin's permissions, resource types and rules. */
  permissionsRegistry: createServiceRef<PermissionsRegistryService>({ id: 'core.permissionsRegistry' }),
  /** Records mutations and decisions in the audit log. */
  auditor: createServiceRef<AuditorService>({ id: 'core.auditor' }),
  /** Issues user tokens and personal access tokens (for the auth plugin). */
  userTokens: createServiceRef<UserTokenService>({ id: 'core.userTokens', scope: 'root' }),
  pluginMetadata: createServiceRef<PluginMetadataService>({ id: 'core.pluginMetadata' }),
  /** Publish/subscribe between plugins (root: one bus for the backend). */
  events: createServiceRef<EventsService>({ id: 'core.events', scope: 'root' }),
  /** Reads URLs through the providers contributed to `core.integrations`. */
  integrations: createServiceRef<IntegrationsService>({ id: 'core.integrations', scope: 'root' }),
};
