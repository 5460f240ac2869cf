import { isMap, isNode, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';

/** A reported problem, as `POST /locations` and `GET /entities/errors` answer it. */
export interface ReportedError {
  entityRef?: string;
  locationKey?: string;
  reason: string;
  message: string;
}

/** Where a problem is in its source: the file, the 1-based line, the field and that line's text. */
export interface ErrorSource {
  /** The file or URL read (the location key without its `file:` or `url:` prefix). */
  file?: string;
  line?: number;
  /** Dotted path of the offending field, e.g. `spec.owner` or `metadata.tags[1]`. */
  field?: string;
  /** The text of `line`, as written. */
  source?: string;
}

/** Reads the text of a location key (`file:/…`, `url:https://…`); undefined when it cannot be read now. */
export type SourceTextReader = (locationKey: string) => Promise<string | undefined>;

/** Files located per call at most: beyond them, problems keep their file and field only. */
const MAX_FILES_READ = 50;

const FIELD_PATH = /^((?:[A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): /;
const FILE_LINE = /^(.*?):(\d+): /;

/** The field a message names (`spec.owner: …` → `spec.owner`), as the catalog model formats it. */
export function fieldOfMessage(message: string): string | undefined {
  return FIELD_PATH.exec(message)?.[1];
}

/** `metadata.annotations["backstage.io/x"]` → `['metadata', 'annotations', 'backstage.io/x']`. */
export function fieldSegments(field: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const part = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of field.matchAll(part)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3]!) as string);
  }
  return segments;
}

function fileOf(locationKey: string): string {
  return locationKey.replace(/^(file|url):/, '');
}

interface ParsedSource {
  lines: string[];
  lineCounter: LineCounter;
  docs: Document[];
}

function parseSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  return { lines: text.split(/\r?\n/), lineCounter, docs: Array.isArray(docs) ? docs : [docs as unknown as Document] };
}

function scalarText(doc: Document, path: string[]): string | undefined {
  const value = doc.getIn(path);
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** The document that describes `entityRef` (`kind:namespace/name`), compared as the catalog does (case-insensitively). */
function documentOf(parsed: ParsedSource, entityRef: string): Document | undefined {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(entityRef.toLowerCase());
  if (!m) return undefined;
  const [, kind, namespace, name] = m;
  return parsed.docs.find(
    doc =>
      scalarText(doc, ['kind']) === kind &&
      scalarText(doc, ['metadata', 'name']) === name &&
      (scalarText(doc, ['metadata', 'namespace']) ?? 'default') === namespace,
  );
}

/** The offset of the key holding the last segment, when its parent is a map (the key line, not a block value's). */
function keyOffset(doc: Document, segments: ReadonlyArray<string | number>): number | undefined {
  const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const last = segments[segments.length - 1];
  const pair = parent.items.find(p => (isScalar(p.key) ? p.key.value : p.key) === last);
  return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** The line of the deepest node on the path that exists: a missing field is reported at its parent. */
function lineOfField(doc: Document, lineCounter: LineCounter, segments: ReadonlyArray<string | number>): number {
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const offset = (depth > 0 ? keyOffset(doc, segments.slice(0, depth)) : undefined) ?? node.range[0];
      return lineCounter.linePos(offset).line;
    }
  }
  return lineCounter.linePos(doc.range?.[0] ?? 0).line;
}

/** Where one problem is, given its file's text (undefined when the file could not be read). */
function locate(error: ReportedError, parsed: ParsedSource | undefined): ErrorSource {
  const out: ErrorSource = {};
  if (error.locationKey && /^(file|url):/.test(error.locationKey)) out.file = fileOf(error.locationKey);
  const field = error.reason === 'policy' ? 'kind' : fieldOfMessage(error.message);
  if (field) out.field = field;
  let line: number | undefined;
  // parse problems and limits name their line themselves: `<file>:<line>: …`
  const written = FILE_LINE.exec(error.message);
  if (written && !error.entityRef) line = Number(written[2]);
  else if (parsed && error.entityRef) {
    const doc = documentOf(parsed, error.entityRef);
    if (doc) line = lineOfField(doc, parsed.lineCounter, field ? fieldSegments(field) : []);
  }
  if (line !== undefined && line > 0) {
    out.line = line;
    const text = parsed?.lines[line - 1];
    if (text !== undefined) out.source = text;
  }
  return out;
}

/**
 * Adds file, line, field and source line to reported problems, reading each file named once. A file
 * that cannot be read (moved, or beyond the first few) leaves its problems with file and field only.
 */
export async function locateErrors<T extends ReportedError>(errors: T[], read: SourceTextReader): Promise<Array<T & ErrorSource>> {
  const sources = new Map<string, Promise<ParsedSource | undefined>>();
  const parsedOf = (key: string) => {
    let parsed = sources.get(key);
    if (!parsed) {
      if (sources.size >= MAX_FILES_READ) return Promise.resolve(undefined);
      parsed = read(key).then(
        text => (text === undefined ? undefined : parseSource(text)),
        () => undefined,
      );
      sources.set(key, parsed);
    }
    return parsed;
  };
  const out: Array<T & ErrorSource> = [];
  for (const error of errors) {
    const needsText = error.locationKey && /^(file|url):/.test(error.locationKey);
    const parsed = needsText ? await parsedOf(error.locationKey!) : undefined;
    out.push({ ...error, ...locate(error, parsed) });
  }
  return out;
}
