import { z } from 'zod';
import type { PermissionCriteria, RbacRoleCondition } from '@portico/permission-common';

const conditionSchema: z.ZodType<PermissionCriteria<RbacRoleCondition>> = z.lazy(() =>
  z.union([
    z.object({ allOf: z.array(conditionSchema).min(1) }).strict(),
    z.object({ anyOf: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z.object({ rule: z.string().min(1), params: z.record(z.string(), z.any()).optional() }).strict(),
  ]),
) as z.ZodType<PermissionCriteria<RbacRoleCondition>>;

const memberSchema = z
  .string()
  .regex(/^(user:\*|\*|[a-zA-Z][\w-]*:([\w.-]+\/)?[\w.@-]+)$/, 'a user or group ref (`group:default/platform`) or `user:*`');

/** One role: who (members) may do what (permission names or patterns), optionally only where conditions hold. */
export const rbacRoleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, dots, dashes and underscores'),
    description: z.string().max(500).optional(),
    members: z.array(memberSchema).min(1),
    permissions: z.array(z.string().regex(/^(\*|[a-zA-Z0-9_*-]+(\.[a-zA-Z0-9_*-]+)*)$/, 'a permission name or pattern')).min(1),
    conditions: conditionSchema.optional(),
  })
  .strict();

/** The `permission:` section of app-config. */
export const permissionConfigSchema = z
  .object({
    rbac: z
      .object({
        /** Users and groups allowed every permission. */
        admins: z.array(memberSchema).default([]),
        /** The default role set (everyone reads the catalog, owners manage their entities...); false to drop it. */
        defaultRoles: z.boolean().default(true),
        roles: z.array(rbacRoleSchema).default([]),
        /** How often an instance re-reads the roles stored in the database (other instances' edits). */
        refreshIntervalMs: z.number().int().positive().default(10_000),
      })
      .prefault({}),
  })
  .prefault({});

export type PermissionConfig = z.output<typeof permissionConfigSchema>;
export type RbacConfig = PermissionConfig['rbac'];
