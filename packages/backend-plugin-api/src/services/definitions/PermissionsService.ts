import type { Credentials } from './AuthService';

/** A named permission, e.g. `catalog.entity.delete`. */
export interface Permission {
  name: string;
  /** `read`, `create`, `update`, `delete` or `use`. */
  action?: 'read' | 'create' | 'update' | 'delete' | 'use';
  /** For permissions on a resource, its type, e.g. `catalog-entity`. */
  resourceType?: string;
}

export interface AuthorizeRequest {
  permission: Permission;
  /** The resource the permission is checked against, e.g. an entity ref. */
  resourceRef?: string;
}

export type AuthorizeResult = 'ALLOW' | 'DENY';

/** Decides requests; the default development policy allows everything. */
export interface PermissionPolicy {
  handle(request: AuthorizeRequest, credentials: Credentials): Promise<AuthorizeResult>;
}

export interface PermissionsService {
  authorize(requests: AuthorizeRequest[], options: { credentials: Credentials }): Promise<Array<{ result: AuthorizeResult }>>;
}
