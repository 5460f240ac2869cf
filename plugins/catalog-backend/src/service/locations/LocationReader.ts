import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '@portico/catalog-model';
import type { DeferredEntity, EntityProviderError } from '@portico/plugin-catalog-node';
import { guessEntityRef } from '../EntityProcessor';
import { DEFAULT_YAML_LIMITS, streamYamlDocuments, type YamlLimits } from './yamlDocuments';

/** Reads files by URL; config locations and API locations get readers with different trust. */
export interface UrlReader {
  read(url: string): Promise<string>;
  resolve(base: string, url: string): string;
}

/** Which kinds a location may emit; undefined means all. */
export type KindRule = Set<string> | undefined;

export interface ReadLocationResult {
  entities: DeferredEntity[];
  errors: EntityProviderError[];
  /** Every file read (location keys), for reporting and clearing errors. */
  locationKeys: string[];
}

const MAX_FILES = 1000;
const MAX_PLACEHOLDERS = 100;

/** What reading a location may cost (`catalog.limits`). */
export interface LocationReadLimits {
  yaml: YamlLimits;
  /** Most documents read from one file. */
  maxEntitiesPerFile: number;
}

export const DEFAULT_LOCATION_READ_LIMITS: LocationReadLimits = { yaml: DEFAULT_YAML_LIMITS, maxEntitiesPerFile: 20_000 };

/** `file:/abs/path` or `url:https://…`, Backstage's location key form. */
export function locationKeyOf(url: string): string {
  if (!url.startsWith('file:')) return `url:${url}`;
  const pathname = new URL(url).pathname;
  try {
    return `file:${decodeURIComponent(pathname)}`;
  } catch {
    return `file:${pathname}`; // a literal '%' that is not an escape
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether `value` holds a `$text`/`$json`/`$yaml` placeholder anywhere (cheap pre-check: most entities have none). */
function hasPlaceholder(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPlaceholder);
  if (!isPlainObject(value)) return false;
  for (const k in value) {
    if (k === '$text' || k === '$json' || k === '$yaml') return true;
    if (hasPlaceholder(value[k])) return true;
  }
  return false;
}

/** The one document of a `$yaml` placeholder's file, parsed under the same limits as a location's files. */
async function loadPlaceholderYaml(text: string, ref: string, limits: YamlLimits): Promise<unknown> {
  const docs = [];
  for await (const chunk of streamYamlDocuments(text, ref, { limits })) docs.push(...chunk);
  if (docs.length > 1) throw new Error('holds more than one document');
  const doc = docs[0];
  if (doc && 'error' in doc) throw new Error(doc.error);
  return doc?.value;
}

/** Replaces `{ $text | $json | $yaml: ref }` anywhere in `value`, reading `ref` relative to `baseUrl`. */
async function resolvePlaceholders(value: unknown, baseUrl: string, reader: UrlReader, path: string, budget: { left: number }, limits: YamlLimits): Promise<unknown> {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await resolvePlaceholders(value[i], baseUrl, reader, `${path}[${i}]`, budget, limits));
    return out;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === '$text' || keys[0] === '$json' || keys[0] === '$yaml')) {
    const kind = keys[0];
    const ref = value[kind];
    if (typeof ref !== 'string' || !ref) throw new Error(`${path}: ${kind} must be a non-empty string`);
    if (--budget.left < 0) throw new Error(`${path}: more than ${MAX_PLACEHOLDERS} placeholders`);
    let url: string;
    let text: string;
    try {
      url = reader.resolve(baseUrl, ref);
      text = await reader.read(url);
    } catch (error) {
      throw new Error(`${path}: ${kind} ${ref} could not be read: ${(error as Error).message}`, { cause: error });
    }
    if (kind === '$text') return text;
    try {
      return kind === '$json' ? JSON.parse(text) : await loadPlaceholderYaml(text, ref, limits);
    } catch (error) {
      throw new Error(`${path}: ${kind} ${ref} is not valid ${kind === '$json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }
  const entries: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) entries.push([k, hasPlaceholder(v) ? await resolvePlaceholders(v, baseUrl, reader, path ? `${path}.${k}` : k, budget, limits) : v]);
  // own properties, whatever their names (`out[k] = v` with k = '__proto__' would set a prototype instead)
  return Object.fromEntries(entries);
}

/** The targets a Location entity names (`spec.target` and `spec.targets`), as written. */
export function locationTargets(entity: { spec?: unknown }): string[] {
  const spec = entity.spec as { target?: unknown; targets?: unknown } | undefined;
  const out: string[] = [];
  if (typeof spec?.target === 'string') out.push(spec.target);
  if (Array.isArray(spec?.targets)) out.push(...spec.targets.filter((t): t is string => typeof t === 'string'));
  return out;
}

/** A location being read: entities arrive in chunks; errors and keys are complete once they end. */
export interface LocationStream {
  entities: AsyncIterable<DeferredEntity[]>;
  errors: EntityProviderError[];
  /** Every file read (location keys), for reporting and clearing errors. */
  locationKeys: string[];
}

const CHUNK_ENTITIES = 1000;

/**
 * Reads a location: the root file, then every file its Location entities point at (relative to the
 * file that names them), each file once (cycles end there). Malformed documents, unreadable files and
 * forbidden kinds become errors against the file; the rest become entities, handed on in chunks as
 * they are parsed so that a large file is never held whole as entities.
 */
export function streamLocation(
  rootUrl: string,
  reader: UrlReader,
  allowKinds: KindRule,
  options?: { workerMinBytes?: number; limits?: LocationReadLimits },
): LocationStream {
  const limits = options?.limits ?? DEFAULT_LOCATION_READ_LIMITS;
  const errors: EntityProviderError[] = [];
  const locationKeys: string[] = [];
  async function* entities(): AsyncGenerator<DeferredEntity[]> {
    const origin = locationKeyOf(rootUrl);
    const visited = new Set<string>();
    const queue = [rootUrl];
    let chunk: DeferredEntity[] = [];
    let chunkLimit = 100; // the first chunk is small, so writing starts while the rest is parsed
    while (queue.length) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      let locationKey: string;
      try {
        locationKey = locationKeyOf(url);
      } catch (error) {
        errors.push({ locationKey: `url:${url}`, reason: 'read', message: `${url}: ${(error as Error).message}` });
        continue;
      }
      locationKeys.push(locationKey);
      if (visited.size > MAX_FILES) {
        errors.push({ locationKey, reason: 'read', message: `more than ${MAX_FILES} files under ${origin}; stopped here` });
        break;
      }
      let text: string;
      try {
        text = await reader.read(url);
      } catch (error) {
        errors.push({ locationKey, reason: 'read', message: `${locationKey}: ${(error as Error).message}` });
        continue;
      }
      const name = url.startsWith('file:') ? locationKey.slice('file:'.length) : url;
      let documents = 0;
      read: for await (const docs of streamYamlDocuments(text, name, { workerMinBytes: options?.workerMinBytes, limits: limits.yaml })) {
        for (const doc of docs) {
          if (++documents > limits.maxEntitiesPerFile) {
            // leaving the loop stops the parse (and its thread)
            errors.push({ locationKey, reason: 'read', message: `${name}:${doc.line}: more than ${limits.maxEntitiesPerFile} entities in one file (catalog.limits.maxEntitiesPerFile); the rest of the file was not read` });
            break read;
          }
          if ('error' in doc) {
            errors.push({ locationKey, reason: 'parse', message: doc.error });
            continue;
          }
          if (!isPlainObject(doc.value)) {
            errors.push({ locationKey, reason: 'parse', message: `${name}:${doc.line}: the document is not an object (an entity needs apiVersion, kind, metadata)` });
            continue;
          }
          let raw = doc.value;
          const entityRef = guessEntityRef(raw);
          try {
            if (hasPlaceholder(raw)) raw = (await resolvePlaceholders(raw, url, reader, '', { left: MAX_PLACEHOLDERS }, limits.yaml)) as Record<string, unknown>;
          } catch (error) {
            errors.push({ locationKey, entityRef, reason: 'read', message: (error as Error).message });
            continue;
          }
          const kind = typeof raw.kind === 'string' ? raw.kind : '';
          if (allowKinds && kind && !allowKinds.has(kind.toLowerCase())) {
            errors.push({ locationKey, entityRef, reason: 'policy', message: `kind: ${kind} is not allowed from ${origin} by catalog.rules` });
            continue;
          }
          if (kind.toLowerCase() === 'location') {
            for (const target of locationTargets(raw)) {
              try {
                queue.push(reader.resolve(url, target));
              } catch (error) {
                errors.push({ locationKey, entityRef, reason: 'read', message: `spec.target: ${target}: ${(error as Error).message}` });
              }
            }
          }
          const metadata = isPlainObject(raw.metadata) ? raw.metadata : undefined;
          if (metadata) {
            const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
            raw = {
              ...raw,
              metadata: { ...metadata, annotations: { ...annotations, [ANNOTATION_LOCATION]: locationKey, [ANNOTATION_ORIGIN_LOCATION]: origin } },
            };
          }
          chunk.push({ entity: raw as unknown as Entity, locationKey });
          if (chunk.length >= chunkLimit) {
            chunkLimit = CHUNK_ENTITIES;
            yield chunk;
            chunk = [];
          }
        }
      }
    }
    if (chunk.length) yield chunk;
  }
  return { entities: entities(), errors, locationKeys };
}

/** Reads a whole location into memory (dry runs, small locations). */
export async function readLocation(rootUrl: string, reader: UrlReader, allowKinds: KindRule, limits?: LocationReadLimits): Promise<ReadLocationResult> {
  const stream = streamLocation(rootUrl, reader, allowKinds, { limits });
  const entities: DeferredEntity[] = [];
  for await (const chunk of stream.entities) entities.push(...chunk);
  return { entities, errors: stream.errors, locationKeys: stream.locationKeys };
}
