import type { ZodType } from 'zod';

/**
 * A check that returns true only for values its schema certainly accepts. False says nothing: ask the schema (it
 * also words the problems). The catalog validates every entity's `spec` on each load; for the common shapes this
 * answers in a fraction of the schema's time, and zod still decides every case this does not accept.
 */
export type FastAccept = (value: unknown) => boolean;

interface SchemaDef {
  type: string;
  checks?: unknown[];
  innerType?: ZodType;
  element?: ZodType;
  shape?: Record<string, ZodType>;
  catchall?: ZodType;
  entries?: Record<string, unknown>;
}

const registered = new WeakMap<object, FastAccept>();
const compiled = new WeakMap<object, FastAccept | null>();

/**
 * Gives `schema` a fast check for `fastAcceptOf`: `accept` must return true only for values the schema accepts (a
 * schema with refinements has no fast check unless it is given one here).
 */
export function withFastAccept<T extends ZodType>(schema: T, accept: FastAccept): T {
  registered.set(schema, accept);
  return schema;
}

function defOf(schema: ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/**
 * The fast check of a schema built from plain strings, enums, arrays, optionals, objects that keep or drop unknown
 * keys, and schemas given one by `withFastAccept`; undefined when any part is something else (a union, a record, a
 * refinement nobody described): such a schema is always asked.
 */
export function fastAcceptOf(schema: ZodType): FastAccept | undefined {
  const known = compiled.get(schema);
  if (known !== undefined) return known ?? undefined;
  const accept = registered.get(schema) ?? compile(defOf(schema));
  compiled.set(schema, accept ?? null);
  return accept;
}

function compile(def: SchemaDef): FastAccept | undefined {
  // a refinement (`.refine`, `.superRefine`, `.min`, …) may sit on a schema of any type: only the schema knows it
  if (def.checks?.length) return undefined;
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string':
      return v => typeof v === 'string';
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return v => values.has(v);
    }
    case 'optional': {
      const inner = def.innerType && fastAcceptOf(def.innerType);
      return inner && (v => v === undefined || inner(v));
    }
    case 'array': {
      const element = def.element && fastAcceptOf(def.element);
      if (!element) return undefined;
      return v => Array.isArray(v) && v.every(element);
    }
    case 'object': {
      // unknown keys kept (looseObject) or dropped (object) are accepted; a strict object is asked
      if (def.catchall && defOf(def.catchall).type !== 'unknown') return undefined;
      if (!def.shape) return undefined;
      const fields: Array<[string, FastAccept]> = [];
      for (const [key, child] of Object.entries(def.shape)) {
        const accept = fastAcceptOf(child);
        if (!accept) return undefined;
        fields.push([key, accept]);
      }
      return v => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
        for (const [key, accept] of fields) {
          if (!accept((v as Record<string, unknown>)[key])) return false;
        }
        return true;
      };
    }
    default:
      return undefined;
  }
}
