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

export interface PermissionsService {
  authorize(requests: AuthorizeRequest[], options: { credentials: Credentials }): Promise<Array<{ result: AuthorizeResult }>>;
}
