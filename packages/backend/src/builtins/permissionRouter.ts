import type { Router } from 'express';
import { z } from 'zod';
import {
  createRouteRegistry,
  type AuditorService,
  type HttpAuthService,
  type Permission,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@portico/errors';
import { MAX_AUTHORIZE_ITEMS, permissionRoleManagePermission, type RbacRoleView } from '@portico/permission-common';
import type { PermissionsRegistry } from '../services/permissions/PermissionsRegistry';
import { rbacRoleSchema } from '../services/permissions/rbac/rbacConfig';
import type { RbacPolicy } from '../services/permissions/rbac/RbacPolicy';
import type { RoleCache } from '../services/permissions/rbac/RoleCache';
import type { RoleStore } from '../services/permissions/rbac/RoleStore';

const permissionSchema = z
  .object({
    type: z.enum(['basic', 'resource']),
    name: z.string().min(1).max(255),
    attributes: z.object({ action: z.enum(['create', 'read', 'update', 'delete', 'use']).optional() }).default({}),
    resourceType: z.string().min(1).max(255).optional(),
  })
  .refine(p => p.type === 'basic' || p.resourceType, { message: 'a resource permission names its resourceType', path: ['resourceType'] });

const authorizeBody = z.object({
  items: z
    .array(
      z.object({
        id: z.string().min(1).max(200),
        permission: permissionSchema,
        resourceRef: z.string().min(1).max(1024).optional(),
      }),
    )
    .max(MAX_AUTHORIZE_ITEMS, `at most ${MAX_AUTHORIZE_ITEMS} items per call`),
});

const decisionSchema = z.object({ id: z.string(), result: z.enum(['ALLOW', 'DENY']), reason: z.string().optional() });

const permissionListSchema = z.object({
  items: z.array(
    z.object({
      type: z.enum(['basic', 'resource']),
      name: z.string(),
      attributes: z.object({ action: z.string().optional() }),
      resourceType: z.string().optional(),
      pluginId: z.string(),
    }),
  ),
});

const roleViewSchema = rbacRoleSchema.extend({
  source: z.enum(['default', 'config', 'database']),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
const roleParams = z.object({ name: rbacRoleSchema.shape.name });
/** The rule names a role's conditions use, at any depth. */
function ruleNamesIn(criteria: unknown): string[] {
  if (!criteria || typeof criteria !== 'object') return [];
  const c = criteria as { rule?: string; allOf?: unknown[]; anyOf?: unknown[]; not?: unknown };
  if (typeof c.rule === 'string') return [c.rule];
  return [...(c.allOf ?? []), ...(c.anyOf ?? []), ...(c.not ? [c.not] : [])].flatMap(ruleNamesIn);
}

const roleBody = rbacRoleSchema.omit({ name: true }).extend({ name: z.string().optional() });

export interface PermissionRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  registry: PermissionsRegistry;
  /** Present when the backend uses the built-in RBAC policy. */
  rbac?: { policy: RbacPolicy; store: RoleStore; cache: RoleCache };
}

/** `/api/permission`: decisions for the browser, the declared permissions, and the RBAC roles. */
export function createPermissionRouter(options: PermissionRouterOptions): Router {
  const { httpAuth, permissions, auditor, registry } = options;
  const routes = createRouteRegistry({
    pluginId: 'permission',
    title: 'Permissions',
    description: 'Permission decisions for the browser, the permissions every plugin declares, and the RBAC roles.',
    httpAuth,
    permissions,
    auditor,
  });

  routes.route(
    {
      method: 'post',
      path: '/authorize',
      summary: 'Decide permissions for the caller',
      description:
        `Definitive decisions for up to ${MAX_AUTHORIZE_ITEMS} permissions, each on an optional resource: conditional ` +
        'decisions are applied to the resource named. Used by the frontend to show or disable actions.',
      body: authorizeBody,
      response: { description: 'One decision per item, in order, with the reason when denied', schema: z.object({ items: z.array(decisionSchema) }) },
    },
    async ({ body, credentials }) => {
      // A permission the backend knows is asked as declared, whatever shape the caller sent.
      const requests = body.items.map(item => ({
        permission: (registry.getPermission(item.permission.name) ?? item.permission) as Permission,
        resourceRef: item.resourceRef,
      }));
      const decisions = requests.length ? await permissions.authorize(requests, { credentials }) : [];
      return {
        items: decisions.map((decision, i) => ({
          id: body.items[i].id,
          result: decision.result,
          ...(decision.result === 'DENY' && decision.reason ? { reason: decision.reason } : {}),
        })),
      };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/permissions',
      summary: 'List declared permissions',
      description: 'Every permission the installed plugins declared, with the plugin that owns it (for role editors).',
      response: { description: 'The permissions, by name', schema: permissionListSchema },
    },
    async () => ({ items: registry.listPermissions() }),
  );

  const rbac = () => {
    if (!options.rbac) throw new NotFoundError('This backend uses a permission policy other than RBAC: it has no roles');
    return options.rbac;
  };
  const manage = permissionRoleManagePermission;

  routes.route(
    {
      method: 'get',
      path: '/roles',
      summary: 'List RBAC roles',
      description: 'The roles in effect: the default set, the roles of app-config and the roles stored in the database.',
      permission: manage,
      response: { description: 'The roles', schema: z.object({ items: z.array(roleViewSchema) }) },
      errors: { 403: 'The caller may not manage roles', 404: 'The backend does not use RBAC' },
    },
    async () => ({ items: rbac().policy.roles() as z.input<typeof roleViewSchema>[] }),
  );

  routes.route(
    {
      method: 'get',
      path: '/roles/:name',
      summary: 'Read one RBAC role',
      description: 'One role in effect, with where it comes from.',
      params: roleParams,
      permission: manage,
      response: { description: 'The role', schema: roleViewSchema },
      errors: { 403: 'The caller may not manage roles', 404: 'No such role' },
    },
    async ({ params }) => {
      const role = rbac().policy.roles().find(r => r.name === params.name);
      if (!role) throw new NotFoundError(`No role '${params.name}'`);
      return role as z.input<typeof roleViewSchema>;
    },
  );

  const fixedRoleError = (name: string, source: RbacRoleView['source']) =>
    new ConflictError(
      source === 'config'
        ? `Role '${name}' is defined in app-config (permission.rbac.roles); edit it there`
        : `Role '${name}' is a default role; set permission.rbac.defaultRoles: false or define a role of that name in app-config to replace it`,
    );

  routes.route(
    {
      method: 'put',
      path: '/roles/:name',
      summary: 'Create or replace an RBAC role',
      description: 'Stores a role in the database; every instance applies it within `permission.rbac.refreshIntervalMs`.',
      params: roleParams,
      body: roleBody,
      permission: manage,
      response: { description: 'The stored role', schema: roleViewSchema },
      errors: { 400: 'A condition names a rule no installed plugin registers', 403: 'The caller may not manage roles', 404: 'The backend does not use RBAC', 409: 'The role comes from the defaults or app-config' },
    },
    async ({ params, body, credentials, req }) => {
      const { policy, store, cache } = rbac();
      const event = await auditor.createEvent({ action: manage.name, resourceRef: `role:${params.name}`, request: req, severity: 'high', meta: { operation: 'put' } });
      try {
        if (body.name !== undefined && body.name !== params.name) {
          throw new ConflictError(`The body names role '${body.name}' but the path names '${params.name}'`);
        }
        const source = policy.isFixedRole(params.name);
        if (source) throw fixedRoleError(params.name, source);
        const principal = credentials.principal;
        const by = principal.type === 'user' ? principal.userEntityRef : principal.type === 'service' ? principal.subject : undefined;
        // A condition naming a rule no plugin registered would be stored and grant nothing: refuse it now.
        const known = new Set(registry.listRules().flatMap(t => t.rules));
        const unknown = [...new Set(ruleNamesIn(body.conditions))].filter(rule => !known.has(rule));
        if (unknown.length) {
          throw new InputError(
            `body.conditions: unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map(r => `'${r}'`).join(', ')}; the installed plugins register ${[...known].sort().join(', ') || 'no rules'}`,
          );
        }
        const { name: _ignored, ...role } = body;
        const { created, role: stored } = await store.put({ ...role, name: params.name }, by);
        await cache.refresh();
        await event.success({ meta: { created } });
        return { ...stored, source: 'database' as const };
      } catch (error) {
        await event.fail({ error });
        throw error;
      }
    },
  );

  routes.route(
    {
      method: 'delete',
      path: '/roles/:name',
      summary: 'Delete an RBAC role',
      description: 'Deletes a role stored in the database (roles from the defaults or app-config cannot be deleted here).',
      params: roleParams,
      permission: manage,
      response: { status: 204, description: 'Deleted' },
      errors: { 403: 'The caller may not manage roles', 404: 'No such stored role', 409: 'The role comes from the defaults or app-config' },
    },
    async ({ params, req }) => {
      const { policy, store, cache } = rbac();
      const event = await auditor.createEvent({ action: manage.name, resourceRef: `role:${params.name}`, request: req, severity: 'high', meta: { operation: 'delete' } });
      try {
        const source = policy.isFixedRole(params.name);
        if (source) throw fixedRoleError(params.name, source);
        if (!(await store.delete(params.name))) throw new NotFoundError(`No stored role '${params.name}'`);
        await cache.refresh();
        await event.success();
      } catch (error) {
        await event.fail({ error });
        throw error;
      }
    },
  );

  return routes.router;
}
