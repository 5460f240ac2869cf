export * from './DiscoveryApi';
export * from './FetchApi';
export * from './ConfigApi';
export * from './ErrorApi';
export * from './AlertApi';
export * from './IdentityApi';
export * from './PermissionApi';
