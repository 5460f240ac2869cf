/** One change between two versions of an entity: the dotted path and the old and new values. */
export interface EntityChange {
  path: string;
  op: 'add' | 'remove' | 'replace';
  before?: unknown;
  after?: unknown;
}

const MAX_CHANGES = 200;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The changes that turn `before` into `after` (objects compared per key, arrays and scalars as values). */
export function diffEntities(before: unknown, after: unknown): EntityChange[] {
  const out: EntityChange[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (out.length >= MAX_CHANGES) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) {
        const p = path ? `${path}.${k}` : k;
        if (!(k in a)) out.push({ path: p, op: 'add', after: b[k] });
        else if (!(k in b)) out.push({ path: p, op: 'remove', before: a[k] });
        else walk(p, a[k], b[k]);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      if (a === undefined) out.push({ path, op: 'add', after: b });
      else if (b === undefined) out.push({ path, op: 'remove', before: a });
      else out.push({ path, op: 'replace', before: a, after: b });
    }
  };
  walk('', before, after);
  return out;
}
