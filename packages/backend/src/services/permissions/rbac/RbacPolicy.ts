import type {
  Credentials,
  PermissionCondition,
  PermissionCriteria,
  PermissionPolicy,
  PolicyDecision,
  PolicyQuery,
  PolicyQueryUser,
  UserPrincipal,
} from '@portico/backend-plugin-api';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  type RbacRole,
  type RbacRoleCondition,
  type RbacRoleView,
} from '@portico/permission-common';
import { compilePermissionPatterns } from '../permissionPatterns';
import { DEFAULT_ROLES } from './defaultRoles';
import type { RbacConfig } from './rbacConfig';
import type { StoredRole } from './RoleStore';

/** What the policy needs to know of the registered resource types. */
export interface RbacRuleCatalog {
  hasRule(resourceType: string, rule: string): boolean;
  /** The plugin that owns a resource type. */
  ownerOf(resourceType: string): string | undefined;
}

export interface RbacPolicyOptions {
  config: Pick<RbacConfig, 'admins' | 'defaultRoles' | 'roles'>;
  rules: RbacRuleCatalog;
  /** The roles stored in the database, as last read (a new array after each read). */
  storedRoles?: () => readonly StoredRole[];
}

interface CompiledRole {
  view: RbacRoleView;
  anyUser: boolean;
  members: Set<string>;
  grants(permission: string): boolean;
}

/** `user:alice` and `User:Default/Alice` name the same entity as `user:default/alice`. */
export function normalizeMemberRef(ref: string): string {
  const lower = ref.trim().toLowerCase();
  if (lower === '*' || lower === 'user:*') return lower;
  const colon = lower.indexOf(':');
  if (colon > 0 && !lower.includes('/', colon)) return `${lower.slice(0, colon)}:default/${lower.slice(colon + 1)}`;
  return lower;
}

function compileRole(role: RbacRole, source: RbacRoleView['source'], stored?: StoredRole): CompiledRole {
  const members = role.members.map(normalizeMemberRef);
  return {
    view: { ...role, source, ...(stored ? { updatedAt: stored.updatedAt, updatedBy: stored.updatedBy } : {}) },
    anyUser: members.includes('user:*') || members.includes('*'),
    members: new Set(members),
    grants: compilePermissionPatterns(role.permissions),
  };
}

function isMember(role: CompiledRole, refs: Set<string>): boolean {
  for (const ref of refs) if (role.members.has(ref)) return true;
  return false;
}

/** The caller's refs (the user and its ownership refs), normalized, computed once per principal. */
const principalRefs = new WeakMap<UserPrincipal, Set<string>>();
function refsOf(principal: UserPrincipal): Set<string> {
  let refs = principalRefs.get(principal);
  if (!refs) {
    refs = new Set([principal.userEntityRef, ...principal.ownershipEntityRefs].map(normalizeMemberRef));
    principalRefs.set(principal, refs);
  }
  return refs;
}

/**
 * Role-based access control, the backend's default policy. Admins are allowed everything, service principals
 * (calls between plugins) too; a user is allowed a permission when one of their roles grants it, and allowed it
 * on matching resources only (CONDITIONAL) when the roles granting it carry conditions.
 */
export class RbacPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;
  private readonly fixedRoles: CompiledRole[];
  private compiledFrom?: readonly StoredRole[];
  private compiled: CompiledRole[] = [];

  constructor(private readonly options: RbacPolicyOptions) {
    this.admins = new Set(options.config.admins.map(normalizeMemberRef));
    const configured = options.config.roles.map(role => compileRole(role, 'config'));
    const configuredNames = new Set(configured.map(r => r.view.name));
    const defaults = options.config.defaultRoles
      ? DEFAULT_ROLES.filter(role => !configuredNames.has(role.name)).map(role => compileRole(role, 'default'))
      : [];
    this.fixedRoles = [...defaults, ...configured];
  }

  /** Names of roles defined by the defaults or app-config: the database cannot hold a role of that name. */
  isFixedRole(name: string): RbacRoleView['source'] | undefined {
    return this.fixedRoles.find(r => r.view.name === name)?.view.source;
  }

  /** Every role in effect: defaults, config, then the database's. */
  roles(): RbacRoleView[] {
    return this.allRoles().map(r => r.view);
  }

  async handle({ permission }: PolicyQuery, { credentials }: PolicyQueryUser): Promise<PolicyDecision> {
    return this.decide(permission, credentials);
  }

  private decide(permission: PolicyQuery['permission'], credentials: Credentials): PolicyDecision {
    const principal = credentials.principal;
    if (principal.type === 'service') return { result: 'ALLOW' };
    if (principal.type !== 'user') return { result: 'DENY', reason: `Sign in to use '${permission.name}'` };
    const refs = refsOf(principal);
    for (const ref of refs) if (this.admins.has(ref)) return { result: 'ALLOW' };

    const conditional: PermissionCriteria<PermissionCondition>[] = [];
    for (const role of this.allRoles()) {
      if (!role.grants(permission.name)) continue;
      if (!role.anyUser && !isMember(role, refs)) continue;
      if (!role.view.conditions) return { result: 'ALLOW' };
      // Conditions grant only resource permissions, and only with rules the resource type's plugin registered.
      if (permission.type !== 'resource') continue;
      const criteria = this.toCriteria(role.view.conditions, permission.resourceType, principal);
      if (criteria) conditional.push(criteria);
    }
    if (conditional.length > 0 && permission.type === 'resource') {
      return {
        result: 'CONDITIONAL',
        pluginId: this.options.rules.ownerOf(permission.resourceType) ?? '',
        resourceType: permission.resourceType,
        conditions: conditional.length === 1 ? conditional[0] : { anyOf: conditional as [PermissionCriteria<PermissionCondition>, ...PermissionCriteria<PermissionCondition>[]] },
      };
    }
    return { result: 'DENY', reason: `No role grants '${permission.name}' to ${principal.userEntityRef}` };
  }

  /** A role's conditions for one resource type; undefined when a rule is not registered for it. */
  private toCriteria(
    criteria: PermissionCriteria<RbacRoleCondition>,
    resourceType: string,
    principal: UserPrincipal,
  ): PermissionCriteria<PermissionCondition> | undefined {
    const map = (c: PermissionCriteria<RbacRoleCondition>): PermissionCriteria<PermissionCondition> | undefined => {
      if (isAndCriteria(c) || isOrCriteria(c)) {
        const parts = (isAndCriteria(c) ? c.allOf : c.anyOf).map(map);
        if (parts.some(p => p === undefined)) return undefined;
        const list = parts as [PermissionCriteria<PermissionCondition>, ...PermissionCriteria<PermissionCondition>[]];
        return isAndCriteria(c) ? { allOf: list } : { anyOf: list };
      }
      if (isNotCriteria(c)) {
        const inner = map(c.not);
        return inner === undefined ? undefined : { not: inner };
      }
      if (!this.options.rules.hasRule(resourceType, c.rule)) return undefined;
      const params = c.rule.endsWith('_OWNER') && c.params?.claims === undefined
        ? { ...c.params, claims: principal.ownershipEntityRefs }
        : c.params;
      return { resourceType, rule: c.rule, ...(params ? { params } : {}) };
    };
    return map(criteria);
  }

  private allRoles(): CompiledRole[] {
    const stored = this.options.storedRoles?.() ?? [];
    if (stored !== this.compiledFrom) {
      const fixed = new Set(this.fixedRoles.map(r => r.view.name));
      this.compiled = [
        ...this.fixedRoles,
        ...stored.filter(role => !fixed.has(role.name)).map(role => compileRole(role, 'database', role)),
      ];
      this.compiledFrom = stored;
    }
    return this.compiled;
  }
}
