export * from './ConfigReader';
export * from './UrlDiscoveryApi';
export * from './DefaultFetchApi';
export * from './MessageApis';
