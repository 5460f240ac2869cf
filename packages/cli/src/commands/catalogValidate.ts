import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parse as parseYaml, parseAllDocuments, type Document } from 'yaml';
import {
  builtinKinds,
  findKind,
  stringifyEntityRef,
  validateEntity,
  type CatalogKindDefinition,
  type Entity,
} from '@portico/catalog-model';

/** One problem, located in a file. */
export interface CatalogFileProblem {
  file: string;
  /** 1-based line of the offending node (or the document start when the node is missing). */
  line: number;
  message: string;
}

export interface CatalogValidationReport {
  problems: CatalogFileProblem[];
  /** Every file read, including those reached through Location targets. */
  files: string[];
  /** Entities that passed validation. */
  validEntities: number;
  /** Valid entities per kind, e.g. `{ Component: 12 }`. */
  entitiesByKind: Record<string, number>;
  /** Documents that held an entity (valid or not). */
  documents: number;
  /** Location targets not followed (URLs, other types), for the summary. */
  skippedTargets: string[];
}

export interface ValidateCatalogFilesOptions {
  /** Follow relative `file` targets of Location entities (default true). */
  followLocations?: boolean;
  /** Accepted kinds (default: the built-in kinds). */
  kinds?: ReadonlyArray<CatalogKindDefinition>;
  /** Base for the file names printed (default: process.cwd()). */
  cwd?: string;
}

const PLACEHOLDERS = new Set(['$text', '$json', '$yaml']);

function lineOf(doc: Document, lineCounter: LineCounter, segments: ReadonlyArray<string | number>): number {
  // The deepest node that exists on the path: a missing field is reported at its parent.
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(segments.slice(0, depth), true);
    if (isNode(node) && node.range) {
      // Point at the key (`definition:`) rather than at a block value that starts on the next line.
      const offset = (depth > 0 ? keyOffset(doc, segments.slice(0, depth)) : undefined) ?? node.range[0];
      return lineCounter.linePos(offset).line;
    }
  }
  return lineCounter.linePos(doc.range?.[0] ?? 0).line;
}

/** The offset of the key holding the last segment, when its parent is a map. */
function keyOffset(doc: Document, segments: ReadonlyArray<string | number>): number | undefined {
  const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const last = segments[segments.length - 1];
  const pair = parent.items.find(p => (isScalar(p.key) ? p.key.value : p.key) === last);
  return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
}

function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

/** Stands in for a placeholder that could not be read, so that only the placeholder problem is reported. */
function unresolved(kind: string, target: string): unknown {
  return kind === '$text' ? `<unresolved ${target}>` : {};
}

/** Resolves `$text`, `$json` and `$yaml` relative to the file, reporting unreadable ones. */
function resolvePlaceholders(
  value: unknown,
  baseDir: string,
  segments: Array<string | number>,
  report: (segments: Array<string | number>, message: string) => void,
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolvePlaceholders(v, baseDir, [...segments, i], report));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && PLACEHOLDERS.has(entries[0]![0])) {
    const [kind, target] = entries[0]!;
    if (typeof target !== 'string' || target === '') {
      report(segments, `${kind} must be a non-empty string (a path relative to this file or a URL)`);
      return '';
    }
    // Offline: a remote placeholder cannot be read, so stand in a value of the right shape.
    if (isUrl(target)) return kind === '$text' ? target : {};
    const file = path.resolve(baseDir, target);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      report(segments, `${kind}: cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return unresolved(kind, target);
    }
    try {
      if (kind === '$json') return JSON.parse(text);
      if (kind === '$yaml') return parseYaml(text);
      return text;
    } catch (error) {
      report(segments, `${kind}: ${target} is not valid ${kind === '$json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
      return unresolved(kind, target);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolvePlaceholders(v, baseDir, [...segments, k], report)]));
}

function yamlErrorMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Validates descriptor files offline with the catalog's rules: YAML syntax, the envelope, the kind and its spec,
 * placeholders, duplicate refs. Relative `file` targets of Location entities are followed (once each).
 */
export function validateCatalogFiles(files: string[], options: ValidateCatalogFilesOptions = {}): CatalogValidationReport {
  const cwd = options.cwd ?? process.cwd();
  const kinds = options.kinds ?? builtinKinds;
  const follow = options.followLocations ?? true;
  const report: CatalogValidationReport = { problems: [], files: [], validEntities: 0, entitiesByKind: {}, documents: 0, skippedTargets: [] };
  const seenFiles = new Set<string>();
  const seenRefs = new Map<string, string>();
  const queue = files.map(f => path.resolve(cwd, f));
  // Files named on the command line are shown as given; files reached through Locations relative to cwd.
  const givenNames = new Map(files.map(f => [path.resolve(cwd, f), f]));
  const displayName = (abs: string) => {
    const given = givenNames.get(abs);
    if (given) return given;
    const rel = path.relative(cwd, abs);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  };

  while (queue.length) {
    const abs = queue.shift()!;
    if (seenFiles.has(abs)) continue;
    seenFiles.add(abs);
    const shown = displayName(abs);
    report.files.push(shown);
    let source: string;
    try {
      if (statSync(abs).isDirectory()) {
        report.problems.push({ file: shown, line: 1, message: 'is a directory; name the descriptor files' });
        continue;
      }
      source = readFileSync(abs, 'utf8');
    } catch (error) {
      report.problems.push({ file: shown, line: 1, message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }

    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(source, { lineCounter, prettyErrors: true });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length) {
        for (const error of doc.errors) {
          const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
          report.problems.push({ file: shown, line, message: `invalid YAML: ${yamlErrorMessage(error.message)}` });
        }
        continue;
      }
      report.documents++;
      const problem = (segments: ReadonlyArray<string | number>, message: string) =>
        report.problems.push({ file: shown, line: lineOf(doc, lineCounter, segments), message });

      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        problem([], `invalid YAML: ${(error as Error).message}`);
        continue;
      }
      if (value === null || value === undefined) {
        report.documents--; // an empty document, e.g. after a trailing `---`
        continue;
      }
      let placeholderProblems = 0;
      value = resolvePlaceholders(value, path.dirname(abs), [], (segments, message) => {
        placeholderProblems++;
        problem(segments, `${segments.join('.')}: ${message}`);
      });

      const result = validateEntity(value, { kinds });
      if (!result.ok) {
        for (const issue of result.errors) problem(issue.segments, issue.message);
        continue;
      }
      if (placeholderProblems) continue;
      const entity: Entity = result.entity;
      const ref = stringifyEntityRef(entity);
      const line = lineOf(doc, lineCounter, []);
      const first = seenRefs.get(ref);
      if (first) {
        problem(['metadata', 'name'], `duplicate entity ${ref}, first defined at ${first}`);
        continue;
      }
      seenRefs.set(ref, `${shown}:${line}`);
      report.validEntities++;
      const kindName = findKind(entity.kind, kinds)?.kind ?? entity.kind;
      report.entitiesByKind[kindName] = (report.entitiesByKind[kindName] ?? 0) + 1;

      if (follow && entity.kind.toLowerCase() === 'location') {
        const spec = entity.spec ?? {};
        const type = typeof spec['type'] === 'string' ? spec['type'] : 'file';
        const targets = [spec['target'], ...(Array.isArray(spec['targets']) ? spec['targets'] : [])].filter((t): t is string => typeof t === 'string');
        for (const target of targets) {
          if (type !== 'file' || isUrl(target)) report.skippedTargets.push(`${type}:${target}`);
          else queue.push(path.resolve(path.dirname(abs), target));
        }
      }
    }
  }
  return report;
}

/** The lines `portico catalog validate` prints: one `file:line: message` per problem, then a summary. */
export function formatCatalogValidationReport(report: CatalogValidationReport): string[] {
  const lines = report.problems.map(p => `${p.file}:${p.line}: ${p.message}`);
  const files = `${report.files.length} file${report.files.length === 1 ? '' : 's'}`;
  if (report.skippedTargets.length) lines.push(`note: not followed (offline): ${report.skippedTargets.join(', ')}`);
  if (report.problems.length) {
    lines.push(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${files}; ${report.validEntities} of ${report.documents} entities valid`);
  } else {
    const byKind = Object.entries(report.entitiesByKind).map(([kind, count]) => `${count} ${kind}`).join(', ');
    lines.push(`${report.validEntities} entit${report.validEntities === 1 ? 'y' : 'ies'} in ${files} valid${byKind ? ` (${byKind})` : ''}`);
  }
  return lines;
}
