/** The events topic the catalog publishes on after each committed batch that changed something. */
export const CATALOG_ENTITIES_CHANGED_TOPIC = 'catalog.entities.changed';

/** The payload of `catalog.entities.changed`: what a committed batch changed, as entity refs. */
export interface CatalogEntitiesChangedPayload {
  added: string[];
  updated: string[];
  removed: string[];
  /**
   * True when the batch was committed while the catalog's first read of its locations (at start) is still in
   * progress: more batches follow, and `catalog.load.finished` is published when that read ends. Background work
   * the changes cause (evaluations, fact collection) can wait for it rather than compete with the load.
   */
  loading?: boolean;
}

/** The events topic the catalog publishes on when its first read of every location (at start) has ended. */
export const CATALOG_LOAD_FINISHED_TOPIC = 'catalog.load.finished';

/** The payload of `catalog.load.finished`. */
export interface CatalogLoadFinishedPayload {
  /** How long the read took. */
  durationMs: number;
  /** False when the read failed (what it committed before failing stays). */
  ok: boolean;
}
