import type { DefinitivePolicyDecision, Permission } from '@portico/permission-common';
import { createApiRef } from '../system/ApiRef';

/** One question for the permission backend: may the signed-in user do `permission` (to `resourceRef`)? */
export interface AuthorizePermissionRequest {
  permission: Permission;
  /** For a resource permission, the resource (an entity ref for `catalog-entity`). */
  resourceRef?: string;
}

/**
 * Asks `POST /api/permission/authorize` whether the signed-in user may do something, so the UI can
 * hide or disable what would be refused. The backend enforces every permission anyway: this is for
 * showing, not for securing.
 */
export interface PermissionApi {
  authorize(request: AuthorizePermissionRequest): Promise<DefinitivePolicyDecision>;
}

export const permissionApiRef = createApiRef<PermissionApi>({ id: 'core.permission' });
