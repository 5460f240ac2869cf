export * from './Extension';
export * from './lazyComponent';
export * from './createFrontendPlugin';
export * from './ExtensionRegistry';
export * from './ExtensionRegistryContext';
