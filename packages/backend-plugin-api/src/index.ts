/**
 * @portico/backend-plugin-api: everything a backend plugin author imports.
 * Typed refs plus factories; no container, no classes to subclass.
 */
export * from './services/ServiceRef';
export * from './services/coreServices';
export * from './services/definitions/AuditorService';
export * from './services/definitions/AuthService';
export * from './services/definitions/CacheService';
export * from './services/definitions/ConfigService';
export * from './services/definitions/DatabaseService';
export * from './services/definitions/DiscoveryService';
export * from './services/definitions/EventsService';
export * from './services/definitions/HealthService';
export * from './services/definitions/HttpAuthService';
export * from './services/definitions/HttpRouterService';
export * from './services/definitions/IntegrationsService';
export * from './services/definitions/LifecycleService';
export * from './services/definitions/LoggerService';
export * from './services/definitions/PermissionsService';
export * from './services/definitions/PermissionsRegistryService';
export * from './services/definitions/PluginMetadataService';
export * from './services/definitions/SchedulerService';
export * from './services/definitions/UserTokenService';
export * from './permissions/createPermissionRule';
export * from './durations/durations';
export * from './wiring/ExtensionPoint';
export * from './wiring/features';
export * from './wiring/integrationsExtensionPoint';
export * from './wiring/permissionsPolicyExtensionPoint';
export * from './routes/createRouteRegistry';
export { WebhookEventStore } from './webhooks/WebhookEventStore';
export { isDatabaseUnavailableError } from './database/isDatabaseUnavailableError';
export { requestActivity, type RequestActivity } from './http/requestActivity';
