import type { ZodType } from 'zod';
import type { Entity } from '../entity/Entity';

/** A relation an entity emits, with its target as written in the entity (defaults resolve it). */
export interface EmittedRelation {
  /** e.g. `ownedBy`; its reverse (`ownerOf`) comes from the relation pairs. */
  type: string;
  /** The ref as written, e.g. `team-a` or `group:default/team-a`. */
  targetRef: string;
  /** Kind to assume when the ref omits one, e.g. `group`. */
  defaultKind?: string;
  /** Namespace to assume when the ref omits one; the source entity's namespace when not given. */
  defaultNamespace?: string;
}

/**
 * An entity kind: the same shape as catalog-node's `CatalogKind`, so built-in kinds can be
 * passed to `catalog.kinds` as they are.
 */
export interface CatalogKindDefinition {
  /** e.g. `['backstage.io/v1alpha1', 'backstage.io/v1beta1']` */
  apiVersions: string[];
  /** e.g. `Component` (matched case-insensitively) */
  kind: string;
  /** zod schema of `spec`. */
  specSchema: ZodType;
  /** The relations an entity of this kind emits (one direction; the reverse comes from the pairs). */
  relations?(entity: Entity): EmittedRelation[];
  /** New relation pairs this kind introduces. */
  relationPairs?: Array<[string, string]>;
  /** One line for docs and the UI. */
  description?: string;
}
