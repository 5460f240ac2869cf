import type { Entity } from '@portico/catalog-model';

/**
 * Where an entity tab or card applies. Object filters match when every given key matches
 * (a list means any of its values); kinds and types compare case-insensitively.
 * @example { kind: 'Component', type: ['service', 'website'] }
 * @example { annotation: 'example.com/greeting' }
 * @example (entity) => entity.metadata.tags?.includes('java') ?? false
 */
export type EntityFilter =
  | {
      kind?: string | string[];
      /** Matches `spec.type`. */
      type?: string | string[];
      /** Matches when this annotation is present (any value). */
      annotation?: string | string[];
    }
  | ((entity: Entity) => boolean);

function anyOf(wanted: string | string[], actual: unknown): boolean {
  if (typeof actual !== 'string') return false;
  const list = Array.isArray(wanted) ? wanted : [wanted];
  return list.some(w => w.toLocaleLowerCase('en-US') === actual.toLocaleLowerCase('en-US'));
}

/** Whether `entity` passes `filter`; no filter matches every entity. */
export function entityMatchesFilter(entity: Entity, filter: EntityFilter | undefined): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(entity);
  if (filter.kind !== undefined && !anyOf(filter.kind, entity.kind)) return false;
  if (filter.type !== undefined && !anyOf(filter.type, (entity.spec as { type?: unknown } | undefined)?.type)) {
    return false;
  }
  if (filter.annotation !== undefined) {
    const annotations = entity.metadata.annotations ?? {};
    const keys = Array.isArray(filter.annotation) ? filter.annotation : [filter.annotation];
    if (!keys.some(key => Object.prototype.hasOwnProperty.call(annotations, key))) return false;
  }
  return true;
}
