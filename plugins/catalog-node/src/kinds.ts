import type { Entity } from '@portico/catalog-model';
import type { ZodType } from 'zod';

/** A relation an entity emits, with its target as written in the entity (defaults resolve it). */
export interface EmittedRelation {
  /** e.g. `ownedBy`; its reverse (`ownerOf`) is derived from the registered pairs. */
  type: string;
  /** The ref as written, e.g. `team-a` or `group:default/team-a`. */
  targetRef: string;
  /** Kind to assume when the ref omits one, e.g. `group`. */
  defaultKind?: string;
  /** Namespace to assume when the ref omits one; defaults to the source entity's namespace. */
  defaultNamespace?: string;
}

/** An entity kind contributed through `catalog.kinds`. The built-in kinds register the same way. */
export interface CatalogKind {
  /** e.g. `['backstage.io/v1alpha1', 'backstage.io/v1beta1']` */
  apiVersions: string[];
  /** e.g. `Component` (matched case-insensitively) */
  kind: string;
  /** zod schema of `spec`; failures are recorded as entity errors naming the field. */
  specSchema: ZodType;
  /** The relations an entity of this kind emits. */
  relations?(entity: Entity): EmittedRelation[];
  /** New relation pairs this kind introduces, e.g. `[['scoredBy', 'scores']]`. */
  relationPairs?: Array<[string, string]>;
  /** One line for docs and the UI. */
  description?: string;
}

/** `catalog.kinds`: add an entity kind. */
export interface CatalogKindsExtensionPoint {
  addKind(kind: CatalogKind): void;
}
