export * from './PermissionButton';
export * from './SafeLink';
export * from './safeHref';
export * from './states';
export * from './useAsync';
