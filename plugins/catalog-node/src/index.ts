export * from './kinds';
export * from './providers';
export * from './extensionPoints';
export * from './catalogService';
export * from './events';
