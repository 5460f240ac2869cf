export * from './kinds';
export * from './providers';
export * from './extensionPoints';
