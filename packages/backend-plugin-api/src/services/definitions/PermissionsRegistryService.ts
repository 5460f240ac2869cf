import type { Permission } from '@portico/permission-common';
import type { PermissionRule } from '../../permissions/createPermissionRule';

/** A resource type a plugin owns, with the rules policies may use in conditions about it. */
export interface PermissionResourceTypeOptions<TResource, TQuery> {
  /** e.g. `catalog-entity`, `scaffolder-task`. */
  resourceType: string;
  /** The resource permissions of this type (also listed by the permission plugin). */
  permissions?: Permission[];
  rules: PermissionRule<TResource, TQuery>[];
  /** Loads resources by ref (in order; undefined for one that does not exist) to apply conditions to them. */
  getResources?(resourceRefs: string[]): Promise<Array<TResource | undefined>>;
}

/**
 * What a plugin tells the permission system (plugin scope): its permissions and, for each resource type it
 * owns, the rules and how to load a resource. Called during init.
 */
export interface PermissionsRegistryService {
  addPermissions(permissions: Permission[]): void;
  addResourceType<TResource, TQuery>(options: PermissionResourceTypeOptions<TResource, TQuery>): void;
}
