import type {
  Permission,
  PermissionResourceTypeOptions,
  PermissionRule,
  PermissionsRegistryService,
} from '@portico/backend-plugin-api';

/** A permission as the registry lists it: with the plugin that declared it. */
export type RegisteredPermission = Permission & { pluginId: string };

/** A resource type with the rules policies may use about it and how to load one resource. */
export interface RegisteredResourceType {
  pluginId: string;
  resourceType: string;
  rules: PermissionRule<unknown, unknown, any>[];
  getResources?(resourceRefs: string[]): Promise<Array<unknown | undefined>>;
}

const samePermission = (a: Permission, b: Permission) =>
  a.type === b.type && (a.type === 'basic' || a.resourceType === (b as { resourceType?: string }).resourceType);

/**
 * Every plugin's permissions and resource types, in one place (root): the permissions service applies
 * conditions through it and the built-in permission plugin lists it at `GET /api/permission/permissions`.
 */
export class PermissionsRegistry {
  private readonly permissions = new Map<string, RegisteredPermission>();
  private readonly resourceTypes = new Map<string, RegisteredResourceType>();

  /** What one plugin's `coreServices.permissionsRegistry` writes to. */
  forPlugin(pluginId: string): PermissionsRegistryService {
    return {
      addPermissions: permissions => this.addPermissions(pluginId, permissions),
      addResourceType: options => this.addResourceType(pluginId, options as PermissionResourceTypeOptions<unknown, unknown>),
    };
  }

  addPermissions(pluginId: string, permissions: Permission[]): void {
    for (const permission of permissions) {
      const existing = this.permissions.get(permission.name);
      if (existing && !samePermission(existing, permission)) {
        throw new Error(
          `Permission '${permission.name}' of plugin '${pluginId}' is already declared differently by plugin '${existing.pluginId}'`,
        );
      }
      if (!existing) this.permissions.set(permission.name, { ...permission, pluginId });
    }
  }

  addResourceType(pluginId: string, options: PermissionResourceTypeOptions<unknown, unknown>): void {
    const existing = this.resourceTypes.get(options.resourceType);
    if (existing) {
      throw new Error(
        `Resource type '${options.resourceType}' is registered by plugin '${existing.pluginId}'; plugin '${pluginId}' cannot register it again`,
      );
    }
    const names = new Set<string>();
    for (const rule of options.rules) {
      if (rule.resourceType !== options.resourceType) {
        throw new Error(
          `Permission rule '${rule.name}' of plugin '${pluginId}' is about '${rule.resourceType}', not '${options.resourceType}'`,
        );
      }
      if (names.has(rule.name)) throw new Error(`Permission rule '${rule.name}' is registered twice for '${options.resourceType}'`);
      names.add(rule.name);
    }
    this.resourceTypes.set(options.resourceType, {
      pluginId,
      resourceType: options.resourceType,
      rules: options.rules,
      getResources: options.getResources?.bind(options),
    });
    this.addPermissions(pluginId, options.permissions ?? []);
  }

  /** Every declared permission, by name. */
  listPermissions(): RegisteredPermission[] {
    return [...this.permissions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getPermission(name: string): RegisteredPermission | undefined {
    return this.permissions.get(name);
  }

  getResourceType(resourceType: string): RegisteredResourceType | undefined {
    return this.resourceTypes.get(resourceType);
  }

  /** Every registered rule name, by resource type. */
  listRules(): Array<{ resourceType: string; rules: string[] }> {
    return [...this.resourceTypes.entries()].map(([resourceType, type]) => ({ resourceType, rules: type.rules.map(r => r.name) }));
  }

  /** Whether `rule` is registered for `resourceType` (policies skip conditions no plugin can apply). */
  hasRule(resourceType: string, rule: string): boolean {
    return this.resourceTypes.get(resourceType)?.rules.some(r => r.name === rule) ?? false;
  }
}
