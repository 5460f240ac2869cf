import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { RbacRole, RbacRoleView } from '@portico/permission-common';

/** A permission some installed plugin declared, as `GET /api/permission/permissions` lists it. */
export interface RegisteredPermission {
  type: 'basic' | 'resource';
  name: string;
  attributes: { action?: string };
  resourceType?: string;
  pluginId: string;
}

/** The RBAC roles and the declared permissions at `/api/permission` (the host's built-in permission plugin). */
export class RbacRolesClient {
  private readonly http: PluginHttpClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'permission', ...options });
  }

  /** Every role in effect: the defaults, app-config's and the database's, each with its `source`. */
  async listRoles(): Promise<RbacRoleView[]> {
    return (await this.http.request<{ items: RbacRoleView[] }>('/roles')).items;
  }

  /** Every permission the installed plugins declared. */
  async listPermissions(): Promise<RegisteredPermission[]> {
    return (await this.http.request<{ items: RegisteredPermission[] }>('/permissions')).items;
  }

  /** Creates or replaces the database role `role.name` (409 for a default or app-config role). */
  putRole(role: RbacRole): Promise<RbacRoleView> {
    const { name, ...body } = role;
    return this.http.request(`/roles/${encodeURIComponent(name)}`, { method: 'PUT', body });
  }

  /** Deletes a database role (409 for a default or app-config role, 404 when none is stored). */
  async deleteRole(name: string): Promise<void> {
    await this.http.request(`/roles/${encodeURIComponent(name)}`, { method: 'DELETE' });
  }
}
