import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { z } from 'zod';
import type { FactCollector } from '../extensions';

const nonEmpty = (value: unknown) => typeof value === 'string' && value.trim() !== '';

/** The facts the catalog itself provides about every entity. */
export function catalogFacts(entity: Entity) {
  const relations = entity.relations ?? [];
  const links = entity.metadata.links ?? [];
  const tags = entity.metadata.tags ?? [];
  const spec = entity.spec ?? {};
  return {
    'catalog.hasOwner': nonEmpty(spec.owner) || relations.some(r => r.type === 'ownedBy'),
    'catalog.hasDescription': nonEmpty(entity.metadata.description),
    'catalog.hasTags': tags.length > 0,
    'catalog.tagCount': tags.length,
    'catalog.hasSystem': nonEmpty(spec.system) || relations.some(r => r.type === 'partOf' && r.targetRef.startsWith('system:')),
    'catalog.linkCount': links.length,
    'catalog.hasRunbook': links.some(l => (l.type ?? '').toLowerCase() === 'runbook'),
    'catalog.lifecycle': typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
    'catalog.annotations': { ...(entity.metadata.annotations ?? {}) },
    'catalog.relationCount': relations.length,
  };
}

/** The built-in `catalog` collector: runs on every change of an entity and on its schedule. */
export const catalogFactCollector: FactCollector = {
  id: 'catalog',
  facts: {
    'catalog.hasOwner': z.boolean(),
    'catalog.hasDescription': z.boolean(),
    'catalog.hasTags': z.boolean(),
    'catalog.tagCount': z.number().int().nonnegative(),
    'catalog.hasSystem': z.boolean(),
    'catalog.linkCount': z.number().int().nonnegative(),
    'catalog.hasRunbook': z.boolean(),
    'catalog.lifecycle': z.string().nullable(),
    'catalog.annotations': z.record(z.string(), z.string()),
    'catalog.relationCount': z.number().int().nonnegative(),
  },
  schedule: 'PT1H',
  collectOnChange: true,
  async collect(entities) {
    return entities.map(entity => ({ entityRef: stringifyEntityRef(entity), facts: catalogFacts(entity) }));
  },
};
