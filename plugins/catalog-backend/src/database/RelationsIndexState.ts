/**
 * Whether the relations are indexed by source (not while a first load has the derived indexes
 * dropped), so that reads may build a row's relations in SQL while it is not yet stitched. Shared by
 * the writer, which drops and rebuilds the index, and the reads, which find it gone when another
 * process dropped it.
 */
export interface RelationsIndexState {
  indexed: boolean;
}
