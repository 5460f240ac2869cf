import type { RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import { getByPath, getUiOptions } from '@rjsf/utils';

type Node = Record<string, unknown>;

function isRecord(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A local `$ref` (`#/definitions/x`) resolved in the root schema; anything else as it is. */
function resolve(node: unknown, root: Node, depth = 0): Node | undefined {
  if (!isRecord(node)) return undefined;
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#') || depth > 10) return node;
  let target: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    target = isRecord(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return resolve(target, root, depth + 1) ?? node;
}

/** The schemas that may declare a value's properties besides the schema itself: combinators and conditionals. */
function branches(node: Node, root: Node, depth = 0): Node[] {
  if (depth > 4) return [];
  const found: Node[] = [];
  const add = (candidate: unknown) => {
    const resolved = resolve(candidate, root);
    if (resolved) found.push(resolved, ...branches(resolved, root, depth + 1));
  };
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach(add);
  for (const key of ['then', 'else']) add(node[key]);
  if (isRecord(node.dependencies)) Object.values(node.dependencies).forEach(add);
  if (isRecord(node.dependentSchemas)) Object.values(node.dependentSchemas).forEach(add);
  return found;
}

/** The schema of the value at `path` (property names and item indexes), looking into combinators too. */
function schemaAtPath(root: Node, path: string[]): Node | undefined {
  let node = resolve(root, root);
  for (const segment of path) {
    if (!node) return undefined;
    const candidates = [node, ...branches(node, root)];
    let next: Node | undefined;
    for (const candidate of candidates) {
      if (isRecord(candidate.properties) && segment in candidate.properties) next = resolve(candidate.properties[segment], root);
      else if (/^\d+$/.test(segment) && Array.isArray(candidate.items)) next = resolve(candidate.items[Number(segment)], root);
      else if (/^\d+$/.test(segment) && isRecord(candidate.items)) next = resolve(candidate.items, root);
      if (next) break;
    }
    node = next;
  }
  return node;
}

/** The node a `#/...` keyword location points into (the schema holding the keyword), following local `$ref`s. */
function schemaAtLocation(root: Node, location: string | undefined): Node | undefined {
  if (!location) return undefined;
  const segments = location.replace(/^#/, '').split('/').filter(Boolean);
  segments.pop(); // the keyword itself
  let node: unknown = root;
  for (const segment of segments) {
    if (segment === '$ref') node = resolve(node, root);
    else node = isRecord(node) || Array.isArray(node) ? (node as Node)[segment] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

/** `.owner.name` (rjsf's accessor notation; a root `required` gives `owner`) as path segments. */
function pathOf(property: string | undefined): string[] {
  return (property ?? '').split('.').filter(Boolean);
}

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

const TYPES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of fields',
  null: 'empty',
};

const FORMATS: Record<string, string> = {
  email: 'an email address',
  'idn-email': 'an email address',
  uri: 'a URL',
  url: 'a URL',
  iri: 'a URL',
  'uri-reference': 'a URL or a path',
  'iri-reference': 'a URL or a path',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time (YYYY-MM-DDThh:mm:ssZ)',
  'iso-date-time': 'a date and time (YYYY-MM-DDThh:mm:ss)',
  time: 'a time (hh:mm:ss)',
  'iso-time': 'a time (hh:mm:ss)',
  duration: 'a duration (such as P1D or PT1H)',
  hostname: 'a host name',
  'idn-hostname': 'a host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  uuid: 'a UUID',
  regex: 'a regular expression',
  color: 'a colour',
  'data-url': 'a data URL',
  byte: 'base64 text',
  'json-pointer': 'a JSON pointer',
};

/** A sentence about the value called `title`, from the failed keyword and its params; undefined drops the error. */
function sentence(error: RJSFValidationError, title: string, titleOfSibling: (name: string) => string): string | undefined {
  const params = (error.params ?? {}) as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.name) {
    case 'required':
      return `${title} is required.`;
    case 'dependencies':
    case 'dependentRequired':
      return `${title} is required when ${titleOfSibling(String(params.property))} is set.`;
    case 'type': {
      const types = String(params.type ?? '').split(',').map(type => TYPES[type] ?? type);
      return `${title} must be ${types.join(' or ')}.`;
    }
    case 'const':
      return `${title} must be ${show(params.allowedValue)}.`;
    case 'enum': {
      const values = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return values.length > 0 && values.length <= 10
        ? `${title} must be one of ${values.map(show).join(', ')}.`
        : `${title} must be one of the values offered.`;
    }
    case 'pattern':
      return `${title} is not in the expected format.`;
    case 'format': {
      const format = String(params.format);
      return `${title} must be ${FORMATS[format] ?? `a valid ${format}`}.`;
    }
    case 'minLength':
      return limit <= 1 ? `${title} must not be empty.` : `${title} must be at least ${plural(limit, 'character')} long.`;
    case 'maxLength':
      return `${title} must be at most ${plural(limit, 'character')} long.`;
    case 'minItems':
      return `${title} needs at least ${plural(limit, 'item')}.`;
    case 'maxItems':
      return `${title} takes at most ${plural(limit, 'item')}.`;
    case 'minProperties':
      return `${title} needs at least ${plural(limit, 'entry', 'entries')}.`;
    case 'maxProperties':
      return `${title} takes at most ${plural(limit, 'entry', 'entries')}.`;
    case 'minimum':
      return `${title} must be ${limit} or more.`;
    case 'maximum':
      return `${title} must be ${limit} or less.`;
    case 'exclusiveMinimum':
      return `${title} must be more than ${limit}.`;
    case 'exclusiveMaximum':
      return `${title} must be less than ${limit}.`;
    case 'multipleOf':
      return `${title} must be a multiple of ${String(params.multipleOf)}.`;
    case 'uniqueItems': {
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return `${title} lists the same value twice (items ${first! + 1} and ${second! + 1}).`;
    }
    case 'contains':
    case 'minContains':
      return `${title} must include at least ${plural(Number(params.minContains ?? 1), 'item')} of the kind asked for.`;
    case 'maxContains':
      return `${title} may include at most ${plural(Number(params.maxContains), 'item')} of that kind.`;
    case 'anyOf':
    case 'oneOf':
      return `${title} does not match any of the allowed choices.`;
    case 'not':
      return `${title} has a value that is not allowed.`;
    case 'if':
      return undefined; // the failing then/else branch reports its own errors
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `${title} has a field it does not know: ${show(params.additionalProperty ?? params.unevaluatedProperty)}.`;
    case 'additionalItems':
    case 'unevaluatedItems':
      return `${title} has more items than allowed.`;
    case 'propertyNames':
      return `${title} has an entry whose name is not allowed.`;
    case 'false':
      return `${title} is not allowed here.`;
    default:
      return `${title}: ${error.message ?? 'is not valid'}.`;
  }
}

/** The template's own words for an error: `errorMessage` (ajv-errors' shapes) or, for a bad value, `ui:help`. */
function templateMessage(error: RJSFValidationError, field: Node | undefined, holder: Node | undefined, help: unknown): string | undefined {
  const keyword = error.name ?? '';
  const missing = (error.params as Record<string, unknown> | undefined)?.missingProperty;
  const pick = (value: unknown, key: string) => (isRecord(value) && typeof value[key] === 'string' ? (value[key] as string) : undefined);
  if (keyword === 'required' || keyword === 'dependencies' || keyword === 'dependentRequired') {
    // on the field (`errorMessage: { required: ... }`) or, as ajv-errors has it, on the object that requires it
    const onHolder = isRecord(holder?.errorMessage) ? holder.errorMessage[keyword] : undefined;
    return pick(field?.errorMessage, keyword) ?? (typeof missing === 'string' ? pick(onHolder, missing) : undefined) ?? (typeof onHolder === 'string' ? onHolder : undefined);
  }
  const own = field?.errorMessage;
  if (typeof own === 'string') return own;
  return pick(own, keyword) ?? (typeof help === 'string' && help.trim() ? help : undefined);
}

/**
 * rjsf's `transformErrors` for the scaffolder's forms: each error becomes one sentence that names the field by its
 * title ("Name is required.", "Contact must be an email address."), or the template's own words when the field
 * has an `errorMessage` (a string, or one per keyword as in ajv-errors) or, for a bad value, a `ui:help`.
 * The validator keeps ajv's wording; people read these.
 */
export function humanizeErrors(errors: RJSFValidationError[], rootSchema: RJSFSchema, uiSchema: UiSchema | undefined): RJSFValidationError[] {
  const root = rootSchema as Node;
  const seen = new Set<string>();
  const out: RJSFValidationError[] = [];
  for (const error of errors) {
    const path = pathOf(error.property);
    const field = schemaAtPath(root, path);
    const uiField = path.length ? getByPath<UiSchema | undefined>(uiSchema, path) : uiSchema;
    const uiOptions = getUiOptions(uiField);
    const titleAt = (segments: string[]): string => {
      const ui = getUiOptions(segments.length ? getByPath<UiSchema | undefined>(uiSchema, segments) : uiSchema);
      const schema = schemaAtPath(root, segments);
      const name = segments[segments.length - 1];
      if (typeof ui.title === 'string' && ui.title) return ui.title;
      if (typeof schema?.title === 'string' && schema.title) return schema.title;
      if (name === undefined) return 'This form';
      if (/^\d+$/.test(name)) return `Item ${Number(name) + 1} of ${titleAt(segments.slice(0, -1))}`;
      return name.charAt(0).toUpperCase() + name.slice(1); // a field without a title, by its name, starting a sentence
    };
    // the validator's title covers a field this walk cannot find (a `$ref` to another document, say)
    const title = (!field && error.title) || titleAt(path);
    const message =
      templateMessage(error, field, schemaAtLocation(root, error.schemaPath), uiOptions.help) ??
      sentence(error, title, name => titleAt([...path.slice(0, -1), name]));
    if (message === undefined) continue;
    const key = `${error.property ?? ''}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...error, message, stack: message, title });
  }
  return out;
}
