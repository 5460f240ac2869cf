export * from './system/ApiRef';
export * from './system/ApiHolder';
export * from './system/ApiProvider';
export * from './definitions';
export * from './client/createPluginHttpClient';
