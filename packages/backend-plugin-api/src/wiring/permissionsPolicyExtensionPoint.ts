import type { PolicyDecision, Permission } from '@portico/permission-common';
import type { Credentials } from '../services/definitions/AuthService';
import { createExtensionPoint } from './ExtensionPoint';

/** What a policy is asked. */
export interface PolicyQuery {
  permission: Permission;
}

/** Who is asking: the caller's credentials (a user's principal carries its ownership refs). */
export interface PolicyQueryUser {
  credentials: Credentials;
}

/**
 * Decides every permission request of the backend. A CONDITIONAL answer is only valid for a resource
 * permission and names conditions of rules the owning plugin registered. A thrown error denies.
 */
export interface PermissionPolicy {
  handle(request: PolicyQuery, user: PolicyQueryUser): Promise<PolicyDecision>;
}

export interface PermissionsPolicyExtensionPoint {
  /** Replaces the built-in RBAC policy; a second call fails the start, naming both modules. */
  setPolicy(policy: PermissionPolicy): void;
}

/**
 * `permissions.policy`, owned by the built-in `permission` plugin: a module of pluginId `permission`
 * sets the one policy of the backend.
 */
export const permissionsPolicyExtensionPoint = createExtensionPoint<PermissionsPolicyExtensionPoint>({ id: 'permissions.policy' });
