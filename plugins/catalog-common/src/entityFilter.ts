import type { Entity } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type EntityFilterQuery } from './types';

/**
 * The object form of the catalog's filter grammar (`filter=kind=component,spec.type=service`): keys are entity
 * paths (`kind`, `spec.type`, `metadata.tags`, `metadata.annotations.<key>`, `relations.ownedBy`), a list means any
 * of. JSON-safe, for specs written in YAML. Matched in memory by `matchesEntityFilter` (which also takes an
 * `EntityFilterQuery`, where `CATALOG_FILTER_EXISTS` means the path is present) and sent to the catalog by
 * `toEntityFilterQuery`, with the same meaning.
 */
export type EntityFilter = Record<string, string | number | boolean | Array<string | number | boolean>>;

type AnyFilter = Record<string, string | number | boolean | symbol | Array<string | number | boolean | symbol>>;

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The values at a dot path; keys match case-insensitively and may themselves contain dots (annotations). */
function valuesAt(node: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return Array.isArray(node) ? node : [node];
  if (Array.isArray(node)) return node.flatMap(item => valuesAt(item, parts));
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  // Longest key first, so `metadata.annotations.backstage.io/source-location` finds the dotted key.
  for (let i = parts.length; i >= 1; i--) {
    const wanted = parts.slice(0, i).join('.').toLowerCase();
    const key = keys.find(k => k.toLowerCase() === wanted);
    if (key !== undefined) return valuesAt(record[key], parts.slice(i));
  }
  return [];
}

function valuesForKey(entity: Entity, key: string): unknown[] {
  const lower = key.toLowerCase();
  if (lower.startsWith('relations.')) {
    const type = lower.slice('relations.'.length);
    return (entity.relations ?? []).filter(r => r.type.toLowerCase() === type).map(r => r.targetRef);
  }
  return valuesAt(entity, key.split('.'));
}

function matchesOne(entity: Entity, filter: AnyFilter): boolean {
  for (const [key, expected] of Object.entries(filter)) {
    if (expected === CATALOG_FILTER_EXISTS) {
      if (!valuesForKey(entity, key).some(v => v !== undefined && v !== null)) return false;
      continue;
    }
    const wanted = (Array.isArray(expected) ? expected : [expected]).map(v => String(v).toLowerCase());
    const actual = valuesForKey(entity, key).filter(isScalar).map(v => String(v).toLowerCase());
    if (!actual.some(v => wanted.includes(v))) return false;
  }
  return true;
}

/**
 * Catalog filter semantics: every key of a filter must match (case-insensitively, a list means
 * any of), and with a list of filters any one filter is enough. No filter matches everything.
 */
export function matchesEntityFilter(entity: Entity, filter: EntityFilter | EntityFilter[] | EntityFilterQuery | undefined): boolean {
  if (filter === undefined) return true;
  const filters: AnyFilter[] = Array.isArray(filter) ? filter : [filter];
  if (filters.length === 0) return true;
  return filters.some(f => matchesOne(entity, f));
}

/** The same filter as a catalog API query (`CatalogApi.getEntities({ filter })`); a list stays a list (any of). */
export function toEntityFilterQuery(filter: EntityFilter | EntityFilter[]): EntityFilterQuery {
  const one = (f: EntityFilter) =>
    Object.fromEntries(
      Object.entries(f).map(([key, value]) => [key, Array.isArray(value) ? value.map(String) : String(value)]),
    );
  return Array.isArray(filter) ? filter.map(one) : one(filter);
}

/** Problems that make a filter unable to match anything, as sentences naming the key. */
export function validateEntityFilter(filter: unknown): string[] {
  if (filter === undefined) return [];
  const filters = Array.isArray(filter) ? filter : [filter];
  const errors: string[] = [];
  filters.forEach((f, index) => {
    const where = Array.isArray(filter) ? `filter[${index}]` : 'filter';
    if (f === null || typeof f !== 'object' || Array.isArray(f)) {
      errors.push(`${where} must be an object of entity paths to values`);
      return;
    }
    for (const [key, value] of Object.entries(f as Record<string, unknown>)) {
      if (key.trim() === '') errors.push(`${where} has an empty key`);
      if (Array.isArray(value)) {
        if (value.length === 0) errors.push(`${where}.${key} is an empty list and can never match`);
        else if (!value.every(isScalar)) errors.push(`${where}.${key} must list strings, numbers or booleans`);
      } else if (!isScalar(value)) {
        errors.push(`${where}.${key} must be a string, number, boolean or a list of them`);
      } else if (value === '') {
        errors.push(`${where}.${key} is empty and can never match`);
      }
    }
  });
  return errors;
}
