import type { Entity } from '@portico/catalog-model';
import { matchesEntityFilter, type EntityFilterQuery } from '@portico/plugin-catalog-common';

/**
 * Where an entity tab or card applies: a catalog filter (`EntityFilterQuery` from `@portico/plugin-catalog-common`,
 * what `catalogApi.getEntities({ filter })` takes; a list of objects means any of them), or a predicate.
 * @example { kind: 'Component', 'spec.type': ['service', 'website'] }
 * @example { 'metadata.annotations.example.com/greeting': CATALOG_FILTER_EXISTS }
 * @example (entity) => entity.metadata.tags?.includes('java') ?? false
 */
export type EntityExtensionFilter = EntityFilterQuery | ((entity: Entity) => boolean);

/** Whether `entity` passes an extension's `filter`; no filter matches every entity. */
export function entityMatchesFilter(entity: Entity, filter: EntityExtensionFilter | undefined): boolean {
  if (!filter) return true;
  return typeof filter === 'function' ? filter(entity) : matchesEntityFilter(entity, filter);
}
