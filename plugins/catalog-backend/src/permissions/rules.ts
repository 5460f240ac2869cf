import { z } from 'zod';
import { createConditionFactory, createConditionTransformer, createPermissionRule } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import {
  CATALOG_ENTITY_RESOURCE_TYPE,
  CATALOG_FILTER_EXISTS,
  matchesEntityFilter,
  type FilterCondition,
} from '@portico/plugin-catalog-common';

// The catalog's permission rules. Each answers for one entity (`apply`, with the catalog's one filter
// matcher) and gives the same condition in the catalog's filter language (`toQuery`: a key and, unless
// it only has to exist, the values it may take), which the query compiler turns into SQL.

/** A rule's query: one condition of the catalog's filter grammar (keys and values lower-cased). */
export type EntityPermissionQuery = FilterCondition;

const lower = (values: string[]) => values.map(v => v.toLowerCase());

/** The condition for `key` (= one of `values`, or present when there are none). */
function condition(key: string, values?: string[]): EntityPermissionQuery {
  return values ? { key: key.toLowerCase(), values: lower(values) } : { key: key.toLowerCase() };
}

function matches(entity: Entity, query: EntityPermissionQuery): boolean {
  if (query.values && query.values.length === 0) return false;
  return matchesEntityFilter(entity, { [query.key]: query.values ?? CATALOG_FILTER_EXISTS });
}

const claimsParams = z.object({ claims: z.array(z.string()).max(1000) });
const kindsParams = z.object({ kinds: z.array(z.string()).max(100) });
const key = z.string().min(1).max(200);
const value = z.string().max(1000).optional();

/** The entity's owner (its `ownedBy` relation) is one of `claims`: the caller's ownership refs. */
export const isEntityOwner = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof claimsParams>>({
  name: 'IS_ENTITY_OWNER',
  description: "The entity's owner (its ownedBy relation) is one of the claims (the caller's user and group refs)",
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: claimsParams,
  apply: (entity, { claims }) => matches(entity, condition('relations.ownedBy', claims)),
  toQuery: ({ claims }) => condition('relations.ownedBy', claims),
});

/** The entity is of one of `kinds`. */
export const isEntityKind = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof kindsParams>>({
  name: 'IS_ENTITY_KIND',
  description: 'The entity is of one of the kinds',
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: kindsParams,
  apply: (entity, { kinds }) => matches(entity, condition('kind', kinds)),
  toQuery: ({ kinds }) => condition('kind', kinds),
});

const annotationParams = z.object({ annotation: key, value });
/** The entity has the annotation (with that value, when one is given). */
export const hasAnnotation = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof annotationParams>>({
  name: 'HAS_ANNOTATION',
  description: 'The entity has the annotation, with the value when one is given',
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: annotationParams,
  apply: (entity, p) => matches(entity, condition(`metadata.annotations.${p.annotation}`, p.value === undefined ? undefined : [p.value])),
  toQuery: p => condition(`metadata.annotations.${p.annotation}`, p.value === undefined ? undefined : [p.value]),
});

const labelParams = z.object({ label: key, value });
/** The entity has the label (with that value, when one is given). */
export const hasLabel = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof labelParams>>({
  name: 'HAS_LABEL',
  description: 'The entity has the label, with the value when one is given',
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: labelParams,
  apply: (entity, p) => matches(entity, condition(`metadata.labels.${p.label}`, p.value === undefined ? undefined : [p.value])),
  toQuery: p => condition(`metadata.labels.${p.label}`, p.value === undefined ? undefined : [p.value]),
});

const metadataParams = z.object({ key, value });
/** The entity has the metadata key (`tags`, `title`...), with the value when one is given. */
export const hasMetadata = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof metadataParams>>({
  name: 'HAS_METADATA',
  description: 'The entity has the metadata key (e.g. tags), with the value when one is given',
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: metadataParams,
  apply: (entity, p) => matches(entity, condition(`metadata.${p.key}`, p.value === undefined ? undefined : [p.value])),
  toQuery: p => condition(`metadata.${p.key}`, p.value === undefined ? undefined : [p.value]),
});

const specParams = z.object({ key, value });
/** The entity has the spec key (`lifecycle`, `type`...), with the value when one is given. */
export const hasSpec = createPermissionRule<Entity, EntityPermissionQuery, z.infer<typeof specParams>>({
  name: 'HAS_SPEC',
  description: 'The entity has the spec key (e.g. lifecycle), with the value when one is given',
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
  paramsSchema: specParams,
  apply: (entity, p) => matches(entity, condition(`spec.${p.key}`, p.value === undefined ? undefined : [p.value])),
  toQuery: p => condition(`spec.${p.key}`, p.value === undefined ? undefined : [p.value]),
});

/** Every rule of the `catalog-entity` resource type. */
export const catalogPermissionRules = [isEntityOwner, isEntityKind, hasAnnotation, hasLabel, hasMetadata, hasSpec];

/** Conditions for policies: `catalogConditions.isEntityOwner({ claims: ownershipEntityRefs })`. */
export const catalogConditions = {
  isEntityOwner: createConditionFactory(isEntityOwner),
  isEntityKind: createConditionFactory(isEntityKind),
  hasAnnotation: createConditionFactory(hasAnnotation),
  hasLabel: createConditionFactory(hasLabel),
  hasMetadata: createConditionFactory(hasMetadata),
  hasSpec: createConditionFactory(hasSpec),
};

/** A conditional decision's conditions as the catalog's query criteria (throws InputError on unknown rules or bad params). */
export const toEntityPermissionQuery = createConditionTransformer<EntityPermissionQuery>(catalogPermissionRules);
