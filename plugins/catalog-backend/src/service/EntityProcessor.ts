import { DEFAULT_NAMESPACE, getEmittedRelations, stringifyEntityRef, validateEntity, type Entity } from '@portico/catalog-model';
import { COLUMN_KEYS, type RelationRow, type SearchRow } from '../database/CatalogStore';
import type { KindRegistry } from './KindRegistry';

/** An entity that passed validation, with everything derived from it. */
export interface ProcessedEntity {
  /** As authored, with `metadata.namespace` filled in. */
  entity: Entity;
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  /** Both directions: the entity's own relations and the reverse ones on their targets. */
  relations: RelationRow[];
  search: SearchRow[];
  document: string;
}

export type ProcessResult =
  | { ok: true; value: ProcessedEntity }
  | { ok: false; entityRef?: string; errors: string[] };

export const MAX_ENTITY_DEPTH = 32;
const MAX_SEARCH_VALUE_LENGTH = 200;
const MAX_SEARCH_ROWS = 1000;

/** The dotted path of the first value nested deeper than `max`, or undefined. */
export function findTooDeep(value: unknown, max: number, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (max <= 0) return path || '(root)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findTooDeep(value[i], max - 1, `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v === null || typeof v !== 'object') continue;
    const p = findTooDeep(v, max - 1, path ? `${path}.${k}` : k);
    if (p) return p;
  }
  return undefined;
}

/** An entity's serialised size limit when none is configured (`catalog.limits.maxEntityBytes`). */
export const DEFAULT_MAX_ENTITY_BYTES = 1024 * 1024;

export interface EntityLimits {
  /** Largest serialised (JSON) size of an entity, in bytes. */
  maxEntityBytes: number;
}

/**
 * Why a value cannot be an entity's shape: nested deeper than `MAX_ENTITY_DEPTH`, or larger than
 * `maxEntityBytes` as JSON; undefined when neither. It counts the JSON it would write and stops
 * at the limit, so a value whose objects are shared many times over (a YAML alias bomb, or a
 * provider's graph) costs at most the limit, never its expanded size.
 */
export function findShapeProblem(value: unknown, limits: EntityLimits): string | undefined {
  const max = limits.maxEntityBytes;
  const path: Array<string | number> = []; // joined only for a problem
  let bytes = 0;
  let tooDeep = false;
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') bytes += Buffer.byteLength(v) + 2;
    else if (v === null || typeof v !== 'object') bytes += v === undefined ? 0 : String(v).length;
    else if (depth >= MAX_ENTITY_DEPTH) {
      tooDeep = true;
      return false;
    } else if (Array.isArray(v)) {
      bytes += 2 + v.length;
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (!walk(v[i], depth + 1)) return false;
        path.pop();
      }
    } else {
      bytes += 2;
      for (const k of Object.keys(v)) {
        bytes += k.length + 4;
        path.push(k);
        if (!walk((v as Record<string, unknown>)[k], depth + 1)) return false;
        path.pop();
      }
    }
    return bytes <= max;
  };
  if (walk(value, 0)) return undefined;
  if (!tooDeep) return `entity is larger than ${max} bytes as JSON (catalog.limits.maxEntityBytes)`;
  const at = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
  return `${at || '(root)'}: nested deeper than ${MAX_ENTITY_DEPTH} levels`;
}

/** Best-effort ref of something that may not be a valid entity, for attaching errors to it. */
export function guessEntityRef(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const e = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof e.kind !== 'string' || typeof e.metadata?.name !== 'string') return undefined;
  const namespace = typeof e.metadata.namespace === 'string' ? e.metadata.namespace : undefined;
  return stringifyEntityRef({ kind: e.kind, namespace, name: e.metadata.name });
}

/**
 * Search keys by parent key and authored child key: every entity of a kind has the same few dozen keys, and building
 * them anew (a concatenation and a lower-casing per leaf) was a fifth of the flattening's time and most of its garbage.
 * At most CHILD_KEYS_CAP keys of at most 200 characters are remembered; all are forgotten when the cap is reached (a catalog of unusual keys).
 */
const childKeys = new Map<string, Map<string, string>>();
const CHILD_KEYS_CAP = 20_000;
let childKeyCount = 0;

function childKey(key: string, k: string): string {
  let children = childKeys.get(key);
  let child = children?.get(k);
  if (child !== undefined) return child;
  child = `${key}.${k.toLowerCase()}`;
  if (child.length > 200) return child; // never searched (see buildSearchRows): not worth its memory
  if (childKeyCount >= CHILD_KEYS_CAP) {
    childKeys.clear();
    childKeyCount = 0;
    children = undefined;
  }
  if (!children) childKeys.set(key, (children = new Map()));
  children.set(k, child);
  childKeyCount++;
  return child;
}

/**
 * Flattens an entity into search rows: one per leaf (arrays share their key), keys and values
 * lower-cased, none for `COLUMN_KEYS` (the entity row's own columns answer those). `originalValue` is null when it equals `value` (most do).
 */
export function buildSearchRows(entity: Entity): SearchRow[] {
  const rows: SearchRow[] = [];
  let seen: Set<string> | undefined; // duplicates only arise inside arrays
  const add = (key: string, v: unknown, inArray: boolean) => {
    if (rows.length >= MAX_SEARCH_ROWS) return;
    if (!inArray && COLUMN_KEYS.has(key)) return;
    let value: string | null = null;
    let original: string | null = null;
    if (v !== null && v !== undefined) {
      const text = typeof v === 'string' ? v : String(v);
      if (text.length <= MAX_SEARCH_VALUE_LENGTH) {
        value = text.toLowerCase();
        original = value === text ? null : text;
      }
    }
    if (inArray) {
      seen ??= new Set();
      const id = `${key}\u0000${value}`;
      if (seen.has(id)) return;
      seen.add(id);
    }
    rows.push({ key, value, originalValue: original });
  };
  const walk = (key: string, v: unknown, depth: number, inArray: boolean) => {
    if (depth > MAX_ENTITY_DEPTH) return;
    if (Array.isArray(v)) {
      for (const item of v) walk(key, item, depth + 1, true);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        const child = childKey(key, k);
        if (child.length <= 200) walk(child, (v as Record<string, unknown>)[k], depth + 1, inArray);
      }
    } else {
      add(key, v, inArray);
    }
  };
  for (const k in entity) {
    if (k === 'relations' || k === 'status') continue;
    walk(k.toLowerCase(), (entity as unknown as Record<string, unknown>)[k], 1, false);
  }
  return rows;
}

/** The text full-text search ranks: names, titles, descriptions, tags and the short spec fields. */
export function buildSearchDocument(entity: Entity): string {
  const parts: string[] = [entity.kind, entity.metadata.namespace ?? '', entity.metadata.name];
  const m = entity.metadata;
  if (typeof m.title === 'string') parts.push(m.title);
  if (typeof m.description === 'string') parts.push(m.description.slice(0, 2000));
  if (Array.isArray(m.tags)) parts.push(...m.tags.filter(t => typeof t === 'string'));
  if (m.labels) parts.push(...Object.values(m.labels).filter(v => typeof v === 'string'));
  for (const [, v] of Object.entries(entity.spec ?? {})) {
    if (typeof v === 'string' && v.length <= 200) parts.push(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const dn = (v as { displayName?: unknown }).displayName;
      if (typeof dn === 'string') parts.push(dn);
    }
  }
  return parts.join(' ');
}

/**
 * Validates one entity (shape and size, envelope, then kind schema) and derives its ref, relations
 * and index rows. `limits.shapeChecked`: the caller has run `findShapeProblem` on this very value.
 */
export function processEntity(
  raw: unknown,
  kinds: KindRegistry,
  limits: EntityLimits & { shapeChecked?: boolean } = { maxEntityBytes: DEFAULT_MAX_ENTITY_BYTES },
): ProcessResult {
  const shape = limits.shapeChecked ? undefined : findShapeProblem(raw, limits);
  if (shape) return { ok: false, entityRef: guessEntityRef(raw), errors: [shape] };
  const result = validateEntity(raw, { kinds: kinds.list() });
  if (!result.ok) return { ok: false, entityRef: guessEntityRef(raw), errors: result.errors.map(e => e.message) };
  const authored = result.entity;
  const kind = kinds.get(authored.kind)!;
  const namespace = authored.metadata.namespace || DEFAULT_NAMESPACE;
  const entity: Entity = authored.metadata.namespace
    ? authored
    : { ...authored, metadata: { ...authored.metadata, namespace } };
  const entityRef = stringifyEntityRef(entity);
  let emitted;
  try {
    emitted = getEmittedRelations(entity, kind);
  } catch (error) {
    return { ok: false, entityRef, errors: [`relations: ${(error as Error).message}`] };
  }
  const relations: RelationRow[] = [];
  for (const r of emitted) {
    relations.push({ sourceRef: entityRef, type: r.type, targetRef: r.targetRef });
    const reverse = kinds.reverseOf(r.type);
    if (reverse) relations.push({ sourceRef: r.targetRef, type: reverse, targetRef: entityRef });
  }
  return {
    ok: true,
    value: {
      entity,
      entityRef,
      kind: entity.kind.toLowerCase(),
      namespace: namespace.toLowerCase(),
      name: entity.metadata.name.toLowerCase(),
      relations,
      search: buildSearchRows(entity),
      document: buildSearchDocument(entity),
    },
  };
}
