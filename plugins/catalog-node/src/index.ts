export * from './kinds';
export * from './providers';
export * from './processors';
export * from './extensionPoints';
export * from './catalogService';
export * from './events';
