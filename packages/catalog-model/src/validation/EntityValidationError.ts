/** One problem found in an entity: the field path (`metadata.name`) and a message that starts with it. */
export interface EntityValidationIssue {
  /** Dotted path of the offending field, e.g. `metadata.tags[1]` or `spec.owner`; `''` for the entity itself. */
  path: string;
  /** The same path as segments, for locating the node in a source file. */
  segments: Array<string | number>;
  /** Human-readable and self-contained, e.g. `metadata.name: "a b" is not a valid entity name: ...`. */
  message: string;
}

export type EntityValidationResult<T> = { ok: true; entity: T } | { ok: false; errors: EntityValidationIssue[] };

/** Thrown by the `assert*` helpers; `errors` holds every issue found. */
export class EntityValidationError extends TypeError {
  readonly errors: EntityValidationIssue[];
  constructor(errors: EntityValidationIssue[]) {
    super(errors.map(e => e.message).join('; '));
    this.name = 'EntityValidationError';
    this.errors = errors;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['metadata', 'annotations', 'backstage.io/x']` → `metadata.annotations["backstage.io/x"]`. */
export function formatFieldPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Builds an issue, prefixing the message with the path. */
export function createIssue(segments: ReadonlyArray<PropertyKey>, text: string): EntityValidationIssue {
  const path = formatFieldPath(segments);
  return {
    path,
    segments: segments.map(s => (typeof s === 'number' ? s : String(s))),
    message: path ? `${path}: ${text}` : `entity ${text}`,
  };
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Turns zod issues into entity issues; `prefix` is prepended to each path (e.g. `['spec']`). */
export function issuesFromZod(issues: ReadonlyArray<ZodLikeIssue>, prefix: PropertyKey[] = []): EntityValidationIssue[] {
  const out: EntityValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) out.push(createIssue([...prefix, ...issue.path, key], 'is not an allowed field here'));
    } else {
      out.push(createIssue([...prefix, ...issue.path], issue.message));
    }
  }
  return out;
}
