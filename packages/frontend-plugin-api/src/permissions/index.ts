export * from './usePermission';
export * from './RequirePermission';
