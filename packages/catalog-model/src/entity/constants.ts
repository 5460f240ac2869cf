/** The namespace an entity is in when its metadata names none. */
export const DEFAULT_NAMESPACE = 'default';

/** The location (`type:target`) the entity was last read from. */
export const ANNOTATION_LOCATION = 'backstage.io/managed-by-location';
/** The location that first introduced the entity (e.g. the root Location that led to it). */
export const ANNOTATION_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';
/** Set to `'true'` on entities whose source stopped emitting them (orphan strategy `keep`). */
export const ANNOTATION_ORPHAN = 'backstage.io/orphan';
/** Where the entity's source code lives, e.g. `url:https://github.com/acme/svc/tree/main/`. */
export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';
/** A URL at which the descriptor file can be viewed. */
export const ANNOTATION_VIEW_URL = 'backstage.io/view-url';
/** A URL at which the descriptor file can be edited. */
export const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';
/** Marks the entity as hidden from the catalog while it is processed by a `techdocs` style processor. */
export const ANNOTATION_TECHDOCS_REF = 'backstage.io/techdocs-ref';
