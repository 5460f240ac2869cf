import type { z } from 'zod';
import type { Entity } from '../entity/Entity';
import type {
  apiSpecSchema,
  componentSpecSchema,
  domainSpecSchema,
  groupSpecSchema,
  locationSpecSchema,
  resourceSpecSchema,
  systemSpecSchema,
  templateSpecSchema,
  userSpecSchema,
} from './builtinKinds';

/** An entity of a built-in kind, with its `spec` typed from the kind's schema. */
type TypedEntity<K extends string, S extends z.ZodType> = Omit<Entity, 'kind' | 'spec'> & { kind: K; spec: z.infer<S> };

export type ComponentEntity = TypedEntity<'Component', typeof componentSpecSchema>;
export type ApiEntity = TypedEntity<'API', typeof apiSpecSchema>;
export type ResourceEntity = TypedEntity<'Resource', typeof resourceSpecSchema>;
export type SystemEntity = TypedEntity<'System', typeof systemSpecSchema>;
export type DomainEntity = TypedEntity<'Domain', typeof domainSpecSchema>;
export type GroupEntity = TypedEntity<'Group', typeof groupSpecSchema>;
export type UserEntity = TypedEntity<'User', typeof userSpecSchema>;
export type LocationEntity = TypedEntity<'Location', typeof locationSpecSchema>;
export type TemplateEntity = TypedEntity<'Template', typeof templateSpecSchema>;

function hasKind(entity: Entity, kind: string): boolean {
  return entity.kind.toLowerCase() === kind;
}

// Guards check the kind only (case-insensitively); validate with `validateEntity` to trust the spec.
export const isComponentEntity = (entity: Entity): entity is Entity & ComponentEntity => hasKind(entity, 'component');
export const isApiEntity = (entity: Entity): entity is Entity & ApiEntity => hasKind(entity, 'api');
export const isResourceEntity = (entity: Entity): entity is Entity & ResourceEntity => hasKind(entity, 'resource');
export const isSystemEntity = (entity: Entity): entity is Entity & SystemEntity => hasKind(entity, 'system');
export const isDomainEntity = (entity: Entity): entity is Entity & DomainEntity => hasKind(entity, 'domain');
export const isGroupEntity = (entity: Entity): entity is Entity & GroupEntity => hasKind(entity, 'group');
export const isUserEntity = (entity: Entity): entity is Entity & UserEntity => hasKind(entity, 'user');
export const isLocationEntity = (entity: Entity): entity is Entity & LocationEntity => hasKind(entity, 'location');
export const isTemplateEntity = (entity: Entity): entity is Entity & TemplateEntity => hasKind(entity, 'template');
