import { createPermission } from '@portico/permission-common';

// The catalog's permissions. Resource permissions are about one entity (`catalog-entity`, its ref the
// resource ref); policies may answer them with conditions built from the catalog's rules
// (IS_ENTITY_OWNER, IS_ENTITY_KIND, HAS_ANNOTATION, HAS_LABEL, HAS_METADATA, HAS_SPEC).

/** The resource type of catalog entities; a resource ref is an entity ref (`component:default/search`). */
export const CATALOG_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Read an entity: applied in the query of every list, count, facet and search, so denied entities never show. */
export const catalogEntityReadPermission = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/** Add entities to the catalog (the register-a-component page). */
export const catalogEntityCreatePermission = createPermission({ name: 'catalog.entity.create', attributes: { action: 'create' } });

/** Remove an entity (`DELETE /entities/by-uid/:uid`). */
export const catalogEntityDeletePermission = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/** Re-read an entity's source now (`POST /refresh`). */
export const catalogEntityRefreshPermission = createPermission({
  name: 'catalog.entity.refresh',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/** List registered locations and the ingestion errors read from them. */
export const catalogLocationReadPermission = createPermission({ name: 'catalog.location.read', attributes: { action: 'read' } });

/** Register a location (`POST /locations`, a dry run too). */
export const catalogLocationCreatePermission = createPermission({ name: 'catalog.location.create', attributes: { action: 'create' } });

/** Remove a location and the entities read from it. */
export const catalogLocationDeletePermission = createPermission({ name: 'catalog.location.delete', attributes: { action: 'delete' } });

/** Every permission of the catalog, as the permission plugin lists them. */
export const catalogPermissions = [
  catalogEntityReadPermission,
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  catalogLocationReadPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
];
