// The catalog API's query-param grammar (filter, fields, order), parsed the same wherever it is read.
import { InputError } from '@portico/errors';
import { FORBIDDEN_ENTITY_KEYS } from '@portico/catalog-model';

/** `key=value` (values: any of them, lower-cased) or a bare `key` (exists). */
export interface FilterCondition {
  key: string;
  values?: string[];
}

/**
 * The catalog's filter grammar (`filter=kind=component,spec.type=service`, repeatable) as parsed from query
 * params: conditions of one `filter` param are ANDed, params are ORed. The backend compiles it to SQL.
 */
export interface ParsedEntityFilter {
  anyOf: Array<{ allOf: FilterCondition[] }>;
}

export interface SortField {
  field: string;
  order: 'asc' | 'desc';
}

const KEY_PATTERN = /^[a-z0-9][a-z0-9_.\-/:]*$/;
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 1000;
const MAX_FILTERS = 50;
const MAX_CONDITIONS = 100;

/** Refuses a dotted path with a segment no entity may have (`__proto__`, `constructor`, `prototype`). */
function refuseForbiddenSegments(param: string, path: string): void {
  const segment = path.split('.').find(p => FORBIDDEN_ENTITY_KEYS.has(p.toLowerCase()));
  if (segment) throw new InputError(`${param}: '${path.slice(0, 60)}' names '${segment}', which no entity may have as a key`);
}

/** Validates a dotted field key (`spec.type`, `metadata.annotations.backstage.io/x`); returns it lower-cased. */
export function parseFieldKey(param: string, raw: string): string {
  const key = raw.trim().toLowerCase();
  if (!key) throw new InputError(`${param}: empty key`);
  if (key.length > MAX_KEY_LENGTH) throw new InputError(`${param}: key longer than ${MAX_KEY_LENGTH} characters`);
  if (!KEY_PATTERN.test(key)) {
    throw new InputError(`${param}: invalid key '${raw.slice(0, 60)}'; use letters, digits and . _ - / :`);
  }
  refuseForbiddenSegments(param, key);
  return key;
}

function asStrings(param: string, value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map(v => {
    if (typeof v !== 'string') throw new InputError(`${param}: must be a string`);
    return v;
  });
}

/** Parses `filter` query params (`kind=component,spec.type=service`) into a ParsedEntityFilter. */
export function parseEntityFilterParams(value: unknown, param = 'filter'): ParsedEntityFilter | undefined {
  const raw = asStrings(param, value);
  if (raw.length === 0) return undefined;
  if (raw.length > MAX_FILTERS) throw new InputError(`${param}: at most ${MAX_FILTERS} filter parameters`);
  const anyOf: ParsedEntityFilter['anyOf'] = [];
  for (const expression of raw) {
    const byKey = new Map<string, FilterCondition>();
    const parts = expression.split(',').map(p => p.trim()).filter(Boolean);
    if (parts.length > MAX_CONDITIONS) throw new InputError(`${param}: at most ${MAX_CONDITIONS} conditions per filter`);
    for (const part of parts) {
      const eq = part.indexOf('=');
      const key = parseFieldKey(param, eq === -1 ? part : part.slice(0, eq));
      if (eq === -1) {
        if (!byKey.has(key)) byKey.set(key, { key });
        continue;
      }
      const v = part.slice(eq + 1).trim();
      if (v.length > MAX_VALUE_LENGTH) throw new InputError(`${param}: value of '${key}' longer than ${MAX_VALUE_LENGTH} characters`);
      // eslint-disable-next-line no-control-regex -- refusing control characters is the point
      if (/[\u0000-\u001f]/.test(v)) throw new InputError(`${param}: value of '${key}' contains control characters`);
      const existing = byKey.get(key);
      if (existing && existing.values) existing.values.push(v.toLowerCase());
      else byKey.set(key, { key, values: [v.toLowerCase()] });
    }
    if (byKey.size) anyOf.push({ allOf: [...byKey.values()] });
  }
  return anyOf.length ? { anyOf } : undefined;
}

/** Parses `fields=kind,metadata.name` (repeatable, comma-separated) into a list of dotted paths. */
export function parseFieldsParam(value: unknown, param = 'fields'): string[] | undefined {
  const raw = asStrings(param, value).flatMap(v => v.split(',')).map(v => v.trim()).filter(Boolean);
  if (raw.length === 0) return undefined;
  if (raw.length > 100) throw new InputError(`${param}: at most 100 fields`);
  return raw.map(f => {
    if (f.length > MAX_KEY_LENGTH || !/^[A-Za-z0-9_.\-/:]+$/.test(f)) {
      throw new InputError(`${param}: invalid field '${f.slice(0, 60)}'`);
    }
    refuseForbiddenSegments(param, f);
    return f;
  });
}

/** `orderField=metadata.name,asc` (by-query) */
export function parseOrderFields(value: unknown, param = 'orderField'): SortField[] {
  return asStrings(param, value).map(v => {
    const [field, order = 'asc'] = v.split(',').map(s => s.trim());
    const o = order.toLowerCase();
    if (o !== 'asc' && o !== 'desc') throw new InputError(`${param}: order must be asc or desc, got '${order.slice(0, 20)}'`);
    return { field: parseFieldKey(param, field ?? ''), order: o };
  });
}

/** `order=asc:metadata.name` (GET /entities) */
export function parseOrderParam(value: unknown, param = 'order'): SortField[] {
  return asStrings(param, value).map(v => {
    const colon = v.indexOf(':');
    const order = (colon === -1 ? 'asc' : v.slice(0, colon)).trim().toLowerCase();
    const field = colon === -1 ? v : v.slice(colon + 1);
    if (order !== 'asc' && order !== 'desc') throw new InputError(`${param}: order must be asc or desc, got '${order.slice(0, 20)}'`);
    return { field: parseFieldKey(param, field), order };
  });
}

/**
 * Picks the dotted `fields` out of an entity, as Backstage does (missing fields are left out). Only
 * own properties are read and written: a path never reaches a prototype.
 */
export function projectFields<T extends object>(entity: T, fields: string[] | undefined): Partial<T> {
  if (!fields) return entity;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = field.split('.');
    if (parts.some(p => FORBIDDEN_ENTITY_KEYS.has(p))) continue;
    let src: unknown = entity;
    for (const p of parts) {
      if (src === null || typeof src !== 'object' || !Object.hasOwn(src, p)) { src = undefined; break; }
      src = (src as Record<string, unknown>)[p];
    }
    if (src === undefined) continue;
    let dst = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = Object.hasOwn(dst, parts[i]) ? dst[parts[i]] : undefined;
      if (next === null || typeof next !== 'object') dst[parts[i]] = {};
      dst = dst[parts[i]] as Record<string, unknown>;
    }
    dst[parts[parts.length - 1]] = src;
  }
  return out as Partial<T>;
}
