/**
 * @portico/permission-common: what a permission is, what a policy decides, and the wire shape of
 * `POST /api/permission/authorize`. Isomorphic: plugins' `-common` packages declare their permissions
 * with `createPermission`, the backend and the browser both read these types.
 */
import type { JsonObject } from '@portico/types';

/** What a permission does to its resource. */
export type PermissionAction = 'create' | 'read' | 'update' | 'delete' | 'use';

export interface PermissionAttributes {
  action?: PermissionAction;
}

/** A permission checked without a resource: `catalog.location.create`. */
export interface BasicPermission {
  type: 'basic';
  /** `<pluginId>.<noun>.<verb>`, e.g. `catalog.entity.delete`. */
  name: string;
  attributes: PermissionAttributes;
}

/** A permission on a resource of a type (`catalog-entity`): the decision may depend on the resource. */
export interface ResourcePermission<TResourceType extends string = string> {
  type: 'resource';
  name: string;
  attributes: PermissionAttributes;
  resourceType: TResourceType;
}

export type Permission = BasicPermission | ResourcePermission;

/** Declares a permission; with `resourceType`, a resource permission. */
export function createPermission<TResourceType extends string>(options: {
  name: string;
  attributes?: PermissionAttributes;
  resourceType: TResourceType;
}): ResourcePermission<TResourceType>;
export function createPermission(options: { name: string; attributes?: PermissionAttributes }): BasicPermission;
export function createPermission(options: {
  name: string;
  attributes?: PermissionAttributes;
  resourceType?: string;
}): Permission {
  const attributes = options.attributes ?? {};
  return options.resourceType
    ? { type: 'resource', name: options.name, attributes, resourceType: options.resourceType }
    : { type: 'basic', name: options.name, attributes };
}

export function isResourcePermission<T extends string = string>(
  permission: Permission,
  resourceType?: T,
): permission is ResourcePermission<T> {
  return permission.type === 'resource' && (resourceType === undefined || permission.resourceType === resourceType);
}

/** Whether a permission is allowed, denied, or allowed for the resources matching conditions. */
export const AuthorizeResult = {
  ALLOW: 'ALLOW',
  DENY: 'DENY',
  CONDITIONAL: 'CONDITIONAL',
} as const;
export type AuthorizeResult = (typeof AuthorizeResult)[keyof typeof AuthorizeResult];

/** One rule applied with its parameters: `{ resourceType: 'catalog-entity', rule: 'IS_ENTITY_OWNER', params: {...} }`. */
export interface PermissionCondition<TResourceType extends string = string, TParams extends JsonObject = JsonObject> {
  resourceType: TResourceType;
  rule: string;
  params?: TParams;
}

export interface AllOfCriteria<T> {
  allOf: [PermissionCriteria<T>, ...PermissionCriteria<T>[]];
}
export interface AnyOfCriteria<T> {
  anyOf: [PermissionCriteria<T>, ...PermissionCriteria<T>[]];
}
export interface NotCriteria<T> {
  not: PermissionCriteria<T>;
}
/** Conditions combined with allOf / anyOf / not. */
export type PermissionCriteria<T> = AllOfCriteria<T> | AnyOfCriteria<T> | NotCriteria<T> | T;

export function isAndCriteria<T>(criteria: PermissionCriteria<T>): criteria is AllOfCriteria<T> {
  return typeof criteria === 'object' && criteria !== null && Object.prototype.hasOwnProperty.call(criteria, 'allOf');
}
export function isOrCriteria<T>(criteria: PermissionCriteria<T>): criteria is AnyOfCriteria<T> {
  return typeof criteria === 'object' && criteria !== null && Object.prototype.hasOwnProperty.call(criteria, 'anyOf');
}
export function isNotCriteria<T>(criteria: PermissionCriteria<T>): criteria is NotCriteria<T> {
  return typeof criteria === 'object' && criteria !== null && Object.prototype.hasOwnProperty.call(criteria, 'not');
}

/** A definitive decision: what `authorize` answers (conditions already applied to the resource). */
export interface DefinitivePolicyDecision {
  result: typeof AuthorizeResult.ALLOW | typeof AuthorizeResult.DENY;
  /** Why, in words, when denied (shown by the UI next to a disabled button). */
  reason?: string;
}

/** A conditional decision: allowed for the resources of `resourceType` that match `conditions`. */
export interface ConditionalPolicyDecision {
  result: typeof AuthorizeResult.CONDITIONAL;
  /** The plugin that owns the resource type and turns the conditions into its query. */
  pluginId: string;
  resourceType: string;
  conditions: PermissionCriteria<PermissionCondition>;
}

/** What a policy answers. */
export type PolicyDecision = DefinitivePolicyDecision | ConditionalPolicyDecision;

/** `POST /api/permission/authorize` body: `{ items: EvaluatePermissionRequest[] }`. */
export interface EvaluatePermissionRequest {
  /** The caller's id for the item, echoed in the answer. */
  id: string;
  permission: Permission;
  /** For a resource permission: the resource, e.g. an entity ref. Without it a conditional decision is DENY. */
  resourceRef?: string;
}

/** `POST /api/permission/authorize` answer: `{ items: EvaluatePermissionResponse[] }`. */
export interface EvaluatePermissionResponse extends DefinitivePolicyDecision {
  id: string;
}

/** The most items one `POST /api/permission/authorize` call may ask about. */
export const MAX_AUTHORIZE_ITEMS = 100;

/** Edit the RBAC roles stored in the database (`PUT/DELETE /api/permission/roles/:name`); admins. */
export const permissionRoleManagePermission = createPermission({ name: 'permission.role.manage', attributes: { action: 'update' } });

/** Read the audit log (`GET /api/audit/events`); admins. */
export const auditEventReadPermission = createPermission({ name: 'audit.event.read', attributes: { action: 'read' } });

/**
 * A condition of an RBAC role, without its resource type (that is the permission's): `{ rule: 'IS_ENTITY_OWNER' }`.
 * A rule whose name ends in `_OWNER` is given the caller's ownership refs as `params.claims`.
 */
export interface RbacRoleCondition {
  rule: string;
  params?: JsonObject;
}

/** An RBAC role, as `GET /api/permission/roles` lists it and `PUT /api/permission/roles/:name` takes it. */
export interface RbacRole {
  name: string;
  description?: string;
  /** User and group refs (`group:default/platform`), or `user:*` for every signed-in user. */
  members: string[];
  /** Permission names or patterns (`catalog.*`, `scorecards.*.read`, `*`). */
  permissions: string[];
  /** Grants the permissions only on resources matching these conditions (resource permissions only). */
  conditions?: PermissionCriteria<RbacRoleCondition>;
}

/** Where a role comes from: the default set, app-config (`permission.rbac.roles`) or the database (editable). */
export type RbacRoleSource = 'default' | 'config' | 'database';

/** A role as listed, with its origin. */
export interface RbacRoleView extends RbacRole {
  source: RbacRoleSource;
  updatedAt?: string;
  updatedBy?: string;
}

/** A recorded audit event, as `GET /api/audit/events` answers it. */
export interface AuditEventRecord {
  id: string;
  /** ISO 8601 UTC. */
  time: string;
  plugin: string;
  action: string;
  /** The user or service ref; `unknown` when the request carried no valid credentials. */
  actor: string;
  actorType: 'user' | 'service' | 'none' | 'unknown';
  resourceRef?: string;
  outcome: 'succeeded' | 'failed' | 'denied';
  severity: 'low' | 'medium' | 'high' | 'critical';
  status?: number;
  requestId?: string;
  method?: string;
  path?: string;
  meta?: JsonObject;
}
