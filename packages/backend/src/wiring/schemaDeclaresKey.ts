import type { ZodType } from 'zod';

/** The part of a zod 4 schema's definition the walk reads; `_zod.def` is zod's own introspection record. */
interface SchemaDef {
  type: string;
  shape?: Record<string, ZodType>;
  catchall?: ZodType;
  innerType?: ZodType;
  in?: ZodType;
  options?: ZodType[];
  left?: ZodType;
  right?: ZodType;
  valueType?: ZodType;
  element?: ZodType;
  items?: ZodType[];
  getter?: () => ZodType;
}

export const defOf = (schema: ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas a value at `path` meets inside `schema`, through wrappers, unions and pipes. */
export function schemasAt(schema: ZodType, path: readonly PropertyKey[]): ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'readonly': case 'catch': case 'nonoptional': case 'success':
      return schemasAt(def.innerType!, path);
    case 'pipe':
      return schemasAt(def.in!, path);
    case 'lazy':
      return schemasAt(def.getter!(), path);
    case 'union':
      return def.options!.flatMap(option => schemasAt(option, path));
    case 'intersection':
      return [...schemasAt(def.left!, path), ...schemasAt(def.right!, path)];
  }
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  switch (def.type) {
    case 'object': {
      const field = def.shape![String(head)] ?? def.catchall;
      return field ? schemasAt(field, rest) : [];
    }
    case 'record':
      return schemasAt(def.valueType!, rest);
    case 'array':
      return schemasAt(def.element!, rest);
    case 'tuple': {
      const item = def.items![Number(head)];
      return item ? schemasAt(item, rest) : [];
    }
    default:
      return [];
  }
}

/**
 * Whether `schema` accepts `key` in the object at `path` of its input: a declared field, a record's key or
 * a catch-all. The host asks it of every feature sharing a config section before calling a key unknown.
 */
export function schemaDeclaresKey(schema: ZodType, path: readonly PropertyKey[], key: string): boolean {
  return schemasAt(schema, path).some(target => {
    const def = defOf(target);
    if (def.type === 'record') return true;
    if (def.type !== 'object') return false;
    return key in def.shape! || (def.catchall !== undefined && defOf(def.catchall).type !== 'never');
  });
}

/** The keys `schema` names in the object at `path` (declared fields only): the candidates of a "did you mean". */
export function declaredKeysAt(schema: ZodType, path: readonly PropertyKey[]): string[] {
  return schemasAt(schema, path).flatMap(target => {
    const def = defOf(target);
    return def.type === 'object' ? Object.keys(def.shape!) : [];
  });
}
