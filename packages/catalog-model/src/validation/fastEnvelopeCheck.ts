import {
  isValidAnnotationKey,
  isValidApiVersion,
  isValidEntityName,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidTag,
} from './rules';

// A hand-written pass over the envelope for the common case (a valid entity), about ten times faster
// than the zod schema. It must never accept what the schema rejects: anything it does not accept goes
// through the schema, which then decides and names the fields.

const ROOT_KEYS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'relations', 'status']);
const STRING_META = ['uid', 'etag', 'title', 'description'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Object.prototype of any realm (parsed JSON may come from another vm context), or no prototype.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function stringMapOk(value: unknown, prefix: string, isKey: (v: unknown) => boolean, isValue: (v: string) => boolean): boolean {
  if (value === undefined) return true;
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    const v = value[key];
    // keys repeat across entities (backstage.io/managed-by-location, …): remember their verdicts
    if (typeof v !== 'string' || !cached(prefix, key, isKey) || !isValue(v)) return false;
  }
  return true;
}

// apiVersion, kind, namespaces and label/annotation keys take few distinct values; remember the verdicts.
const verdicts = new Map<string, boolean>();
function cached(prefix: string, value: unknown, check: (v: unknown) => boolean): boolean {
  if (typeof value !== 'string') return false;
  const key = prefix + value;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = check(value);
    if (verdicts.size > 1000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

/** True when the value certainly passes `entityEnvelopeSchema`; false means "ask the schema". */
export function envelopeCertainlyValid(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (!ROOT_KEYS.has(key)) return false;
  if (!cached('a', value.apiVersion, isValidApiVersion) || !cached('k', value.kind, isValidKind)) return false;
  const meta = value.metadata;
  if (!isPlainObject(meta) || !isValidEntityName(meta.name)) return false;
  if (meta.namespace !== undefined && !cached('n', meta.namespace, isValidNamespace)) return false;
  for (const field of STRING_META) if (!optionalString(meta[field])) return false;
  if (!stringMapOk(meta.labels, 'l', isValidLabelKey, isValidLabelValue)) return false;
  if (!stringMapOk(meta.annotations, 'o', isValidAnnotationKey, () => true)) return false;
  if (meta.tags !== undefined) {
    if (!Array.isArray(meta.tags)) return false;
    for (const tag of meta.tags) if (!isValidTag(tag)) return false;
  }
  if (meta.links !== undefined) {
    if (!Array.isArray(meta.links)) return false;
    for (const link of meta.links) {
      if (!isPlainObject(link) || typeof link.url !== 'string' || link.url === '') return false;
      if (!optionalString(link.title) || !optionalString(link.icon) || !optionalString(link.type)) return false;
    }
  }
  if (value.spec !== undefined && !isPlainObject(value.spec)) return false;
  if (value.status !== undefined && !isPlainObject(value.status)) return false;
  if (value.relations !== undefined) {
    if (!Array.isArray(value.relations)) return false;
    for (const r of value.relations) {
      if (!isPlainObject(r) || typeof r.type !== 'string' || r.type === '' || typeof r.targetRef !== 'string' || r.targetRef === '') return false;
    }
  }
  return true;
}
