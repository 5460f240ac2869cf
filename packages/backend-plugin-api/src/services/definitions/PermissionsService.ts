import type {
  DefinitivePolicyDecision,
  Permission,
  PolicyDecision,
  ResourcePermission,
} from '@portico/permission-common';
import type { Credentials } from './AuthService';

export type {
  BasicPermission,
  DefinitivePolicyDecision,
  ConditionalPolicyDecision,
  Permission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@portico/permission-common';
export { AuthorizeResult, createPermission, isResourcePermission } from '@portico/permission-common';

/** One definitive question: may the caller use `permission` (on `resourceRef`, for a resource permission)? */
export interface AuthorizeRequest {
  permission: Permission;
  /** For a resource permission: the resource (an entity ref, a task id). A conditional decision is applied to it. */
  resourceRef?: string;
}

/** One conditional question, asked by a list endpoint before it queries its store. */
export interface QueryAuthorizeRequest {
  permission: ResourcePermission;
}

/**
 * Asks the backend's policy (the `permissions.policy` extension point). A policy error denies, never allows.
 * Every decision for a request with credentials of type `none` is DENY.
 */
export interface PermissionsService {
  /** Definitive decisions, in request order: a conditional decision is applied to the resource named. */
  authorize(requests: AuthorizeRequest[], options: { credentials: Credentials }): Promise<DefinitivePolicyDecision[]>;
  /**
   * Decisions that may be CONDITIONAL, for list endpoints: turn the conditions into the store's query with
   * `createConditionTransformer` so that pages, counts and facets contain only what the caller may see.
   */
  authorizeConditional(requests: QueryAuthorizeRequest[], options: { credentials: Credentials }): Promise<PolicyDecision[]>;
}
