export * from './extensionPoints';
