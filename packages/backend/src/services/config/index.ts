export { ConfigReader } from './ConfigReader';
export { backendConfigSchema, type BackendConfig } from './backendConfigSchema';
export {
  loadConfig,
  mergeConfigs,
  substituteEnv,
  configPathsFromArgv,
  resolveConfigFiles,
  finalizeConfig,
  type LoadConfigOptions,
} from './loadConfig';
export { rootConfigServiceFactory, configServiceFactory, type RootConfigFactoryOptions } from './rootConfigServiceFactory';
