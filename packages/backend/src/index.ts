/**
 * @portico/backend: the host. `createBackend()`, the default core services, and the HTTP
 * pieces (error handler, request ids) other hosts may reuse.
 */
export { createBackend, type Backend, type CreateBackendOptions } from './createBackend';
export { BackendHost, SHUTDOWN_TIMEOUT_MS, isStartErrorLogged, type BackendFeatureInput } from './wiring/BackendHost';
export { type BackendState, type PluginState } from './wiring/BackendState';
export { isBackendFeature } from './wiring/isBackendFeature';
export * from './services';
export { createErrorHandler } from './http/errorHandler';
export { getRequestId } from './http/requestId';
export { notFoundHandler } from './http/notFoundHandler';
export { permissionPlugin, auditPlugin } from './builtins';
