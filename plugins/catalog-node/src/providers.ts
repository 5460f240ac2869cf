import type { Entity } from '@portico/catalog-model';

/** An entity with where it came from. `locationKey` groups entities for conflict detection. */
export interface DeferredEntity {
  entity: Entity;
  /** e.g. `url:https://github.com/acme/svc/blob/main/catalog-info.yaml`; the first key to claim a ref wins. */
  locationKey?: string;
}

/**
 * Replace everything this provider owns, or add and remove some. A full mutation's entities may be
 * streamed as an async iterable of chunks: each chunk is validated and written as it arrives, so a
 * provider with a very large source never holds it all in memory. Entities the stream does not emit
 * are orphaned once it ends.
 */
export type EntityProviderMutation =
  | { type: 'full'; entities: DeferredEntity[] | AsyncIterable<DeferredEntity[]> }
  | { type: 'delta'; added: DeferredEntity[]; removed: Array<DeferredEntity | { entityRef: string; locationKey?: string }> };

/** An entity or file a provider could not turn into an entity, recorded against its location. */
export interface EntityProviderError {
  locationKey: string;
  /** The entity ref if it could be read, for showing the error on the entity. */
  entityRef?: string;
  /** `parse` (malformed YAML, not an object), `policy` (a kind the location's rules forbid) or `read` (default). */
  reason?: 'read' | 'parse' | 'policy';
  message: string;
}

export interface EntityProviderConnection {
  applyMutation(mutation: EntityProviderMutation): Promise<void>;
  /** Asks the provider owning these keys (location keys or entity refs) to read them again. */
  refresh(options: { keys: string[] }): Promise<void>;
  /** Records (or clears, with an empty list) errors for locations this provider reads. */
  reportErrors?(options: { locationKeys: string[]; errors: EntityProviderError[] }): Promise<void>;
}

/** A source of entities (a git organisation, an HR system, a file). */
export interface EntityProvider {
  /** Unique; owns the entities it emits. */
  getProviderName(): string;
  /**
   * Called once, when the catalog is ready to take mutations. A provider that reads on a schedule starts
   * its first read here (without awaiting it), since a scheduled run before `connect` has nowhere to write.
   */
  connect(connection: EntityProviderConnection): Promise<void>;
  /** Called when `POST /refresh` or `connection.refresh` names keys this provider owns. */
  refresh?(keys: string[]): Promise<void>;
}

/** `catalog.providers`: add an entity provider. */
export interface CatalogProvidersExtensionPoint {
  addEntityProvider(...providers: EntityProvider[]): void;
}
