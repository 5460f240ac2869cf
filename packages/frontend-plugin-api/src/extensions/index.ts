export * from './Extension';
export * from './lazyComponent';
export * from './createFrontendPlugin';
export * from './ExtensionHolder';
export * from './ExtensionRegistryContext';
