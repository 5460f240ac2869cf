import type { Entity } from '@portico/catalog-model';

/** Where an entity being ingested came from. */
export interface CatalogProcessorContext {
  /** The provider that emitted it, e.g. `location:<id>`. */
  provider: string;
  locationKey?: string;
}

/**
 * Changes entities as they are ingested, before validation and before the catalog decides whether they changed:
 * e.g. adds an annotation that another system knows (a mapping saved elsewhere). The output is what is stored, so
 * a processor whose answer changes makes the next read of the entity's source (or `POST /refresh`) rewrite it.
 */
export interface CatalogProcessor {
  /** Unique; named in the catalog's errors and logs. */
  getProcessorName(): string;
  /**
   * The entity to ingest: the same object when nothing changes, otherwise a copy (never mutate the input). It runs
   * before validation, so the input may be malformed: leave what you do not understand as it is. A processor that
   * throws fails that entity for this read, as an invalid entity does (its last good version stays).
   */
  preProcessEntity(entity: Entity, context: CatalogProcessorContext): Entity | Promise<Entity>;
}

/** `catalog.processors`: add a processor; processors run in the order they were added. */
export interface CatalogProcessorsExtensionPoint {
  addProcessor(...processors: CatalogProcessor[]): void;
}
