import { applyConditions, type PolicyDecision } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import type { PermissionCondition, PermissionCriteria } from '@portico/permission-common';
import { CATALOG_ENTITY_RESOURCE_TYPE } from '@portico/plugin-catalog-common';
import type { EntityPermissionCriteria } from '../database/CatalogStore';
import { catalogPermissionRules, toEntityPermissionQuery } from '../permissions/rules';

/**
 * What a caller may read, from a `catalog.entity.read` decision: nothing, everything (no criteria), or the
 * entities matching conditions, as the store's query criteria (lists, counts, facets, search) and as the
 * policy's conditions (one entity, with the rules' `apply`).
 */
export type ReadAccess = 'none' | { criteria?: EntityPermissionCriteria; conditions?: PermissionCriteria<PermissionCondition> };

/** Turns read decisions into what the catalog's reads apply. */
export class EntityReadAccess {
  /** A conditional decision about another resource type, or with rules the catalog does not have, reads nothing. */
  of(decision: PolicyDecision): ReadAccess {
    if (decision.result !== 'CONDITIONAL') return decision.result === 'ALLOW' ? {} : 'none';
    if (decision.resourceType !== CATALOG_ENTITY_RESOURCE_TYPE) return 'none';
    try {
      return { criteria: toEntityPermissionQuery(decision.conditions), conditions: decision.conditions };
    } catch {
      return 'none';
    }
  }

  /** Whether the caller may read this one entity (served form: its relations included). */
  allows(read: ReadAccess, entity: Partial<Entity>): boolean {
    if (read === 'none') return false;
    if (!read.conditions) return true;
    return applyConditions(catalogPermissionRules, read.conditions, entity as Entity);
  }
}
