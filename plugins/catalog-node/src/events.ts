/** The events topic the catalog publishes on after each committed batch that changed something. */
export const CATALOG_ENTITIES_CHANGED_TOPIC = 'catalog.entities.changed';

/** The payload of `catalog.entities.changed`: what a committed batch changed, as entity refs. */
export interface CatalogEntitiesChangedPayload {
  added: string[];
  updated: string[];
  removed: string[];
}
