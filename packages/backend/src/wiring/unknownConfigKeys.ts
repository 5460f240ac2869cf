import type { ZodType } from 'zod';
import { declaredKeysAt, defOf, schemaDeclaresKey, schemasAt } from './schemaDeclaresKey';

/** A schema that reads one top-level section of app-config: a plugin's, a module's or one of the host's. */
export interface ConfigSectionReader {
  section: string;
  /** Without a schema the section is known but its keys cannot be checked. */
  schema?: ZodType;
}

export interface UnknownConfigKey {
  /** Full path, arrays as `[i]`: `catalog.locations[0].tagret`. */
  path: string;
  /** The closest key declared at the same place, as a full path. */
  suggestion?: string;
  /** A `.strict()` schema refuses the key itself (its parse reports it, whatever NODE_ENV says). */
  strict: boolean;
}

/** Schema types whose inner keys cannot be known: the walk stops there. */
const OPAQUE = new Set(['unknown', 'any', 'custom']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Optimal string alignment distance: edits, with a swap of two neighbours (`prot` -> `port`) counting once. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `key` if it is close enough to be a typo of it (at most 2 edits, under half the key). */
export function closestKey(key: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of new Set(candidates)) {
    if (candidate === key) continue;
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && distance < Math.max(key.length, candidate.length) / 2 && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

const joinPath = (base: string, segment: string | number) => (typeof segment === 'number' ? `${base}[${segment}]` : `${base}.${segment}`);

function walkSection(value: unknown, schemas: ZodType[], path: (string | number)[], at: string, found: UnknownConfigKey[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkSection(item, schemas, [...path, i], joinPath(at, i), found));
    return;
  }
  if (!isPlainObject(value)) return;
  const targets = schemas.flatMap(schema => schemasAt(schema, path));
  if (targets.some(target => OPAQUE.has(defOf(target).type))) return;
  // A value of the wrong type (an object where a string belongs) is the parse's to report, not a key's.
  if (!targets.some(target => defOf(target).type === 'object' || defOf(target).type === 'record')) return;
  for (const [key, child] of Object.entries(value)) {
    if (schemas.some(schema => schemaDeclaresKey(schema, path, key))) {
      walkSection(child, schemas, [...path, key], joinPath(at, key), found);
      continue;
    }
    const strict = targets.some(target => {
      const def = defOf(target);
      return def.type === 'object' && def.catchall !== undefined && defOf(def.catchall).type === 'never';
    });
    const suggestion = closestKey(key, schemas.flatMap(schema => declaredKeysAt(schema, path)));
    found.push({ path: joinPath(at, key), suggestion: suggestion && joinPath(at, suggestion), strict });
  }
}

/**
 * Every key of `config` that no reader declares: top-level sections no plugin, module or host part reads, and
 * keys inside a section that none of the schemas reading that section names. A section read by a feature
 * without a schema is not looked into.
 */
export function findUnknownConfigKeys(config: Record<string, unknown>, readers: ConfigSectionReader[]): UnknownConfigKey[] {
  const found: UnknownConfigKey[] = [];
  const sections = new Set(readers.map(reader => reader.section));
  for (const [section, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!sections.has(section)) {
      found.push({ path: section, suggestion: closestKey(section, sections), strict: false });
      continue;
    }
    const sectionReaders = readers.filter(reader => reader.section === section);
    if (sectionReaders.some(reader => !reader.schema)) continue;
    walkSection(value, sectionReaders.map(reader => reader.schema!), [], section, found);
  }
  return found;
}

/** `Unknown config key 'catalog.location'; did you mean 'catalog.locations'?` */
export function describeUnknownKey({ path, suggestion }: UnknownConfigKey): string {
  return `Unknown config key '${path}'${suggestion ? `; did you mean '${suggestion}'?` : ' (no installed plugin, module or the host reads it)'}`;
}
