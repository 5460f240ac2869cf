/** The policy contract lives in backend-plugin-api (`permissionsPolicyExtensionPoint`); the host re-exports it. */
export type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@portico/backend-plugin-api';
