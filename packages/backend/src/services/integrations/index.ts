export { createIntegrationRegistry, type IntegrationRegistry } from './IntegrationRegistry';
export {
  FileIntegrationProvider,
  fileIntegrationConfigSchema,
  DEFAULT_FILE_MAX_BYTES,
  type FileReadUrlOptions,
} from './FileIntegrationProvider';
export { createHostIntegrationRegistry } from './integrationsServiceFactory';
