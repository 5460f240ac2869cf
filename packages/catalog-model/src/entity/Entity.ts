/** A link shown on an entity. */
export interface EntityLink {
  url: string;
  title?: string;
  icon?: string;
  /** e.g. `runbook`, `dashboard`, `website` */
  type?: string;
}

/** A relation from this entity to another, as stored (target refs are full and lower-case). */
export interface EntityRelation {
  type: string;
  targetRef: string;
}

export interface EntityMeta {
  name: string;
  namespace?: string;
  uid?: string;
  etag?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  [key: string]: unknown;
}

/** The Backstage-compatible entity envelope. */
export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: EntityMeta;
  spec?: Record<string, unknown>;
  relations?: EntityRelation[];
  status?: Record<string, unknown>;
}

/** The three parts that identify an entity. */
export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}
