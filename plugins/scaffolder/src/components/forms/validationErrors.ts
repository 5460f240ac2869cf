import type { OutputUnit } from '@cfworker/json-schema';
import type { RJSFSchema, RJSFValidationError, UiSchema } from '@rjsf/utils';
import { ANY_OF_KEY, getByPath, getUiOptions, ONE_OF_KEY, PROPERTIES_KEY } from '@rjsf/utils';

/**
 * One failed keyword, in the shape and words of ajv's `ErrorObject`: rjsf's own code, `transformErrors` callbacks
 * and the people reading the messages all know ajv's wording ("must have required property 'name'").
 */
export interface SchemaError {
  /** JSON pointer to the failing value, `''` for the root (ajv's `instancePath`). */
  instancePath: string;
  /** JSON pointer to the failing keyword, e.g. `#/properties/name/pattern`. */
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  /** The schema holding the failing keyword, when it could be found. */
  parentSchema?: RJSFSchema;
}

/** Finds the schema object at a `#/...` keyword location (following `$ref`s through the validator's lookup). */
export type SchemaAt = (location: string) => RJSFSchema | undefined;

/** Decodes one segment of the pointers @cfworker/json-schema writes (URI-encoded, `~0`/`~1` escaped). */
export function decodeSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // not URI-encoded after all
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The segments of a pointer such as `#/a/0` or `/a/0`. */
export function pointerSegments(pointer: string): string[] {
  const path = pointer.replace(/^#/, '');
  return path === '' ? [] : path.slice(1).split('/').map(decodeSegment);
}

function toInstancePath(location: string): string {
  return pointerSegments(location)
    .map(segment => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

function parentLocation(keywordLocation: string): string {
  const cut = keywordLocation.lastIndexOf('/');
  return cut <= 0 ? '#' : keywordLocation.slice(0, cut);
}

// Units that only say "a subschema below had errors"; ajv reports just the errors below them.
const WRAPPERS = new Set(['$ref', '$recursiveRef', 'properties', 'patternProperties', 'items', 'prefixItems', 'allOf', 'dependentSchemas']);
// Keywords whose failing subschema may be `false`: ajv names the keyword ("must NOT have additional properties").
const FALSE_SCHEMA_KEYWORDS: Record<string, { message: string; params(extra: string): Record<string, unknown> }> = {
  additionalProperties: { message: 'must NOT have additional properties', params: extra => ({ additionalProperty: extra }) },
  unevaluatedProperties: { message: 'must NOT have unevaluated properties', params: extra => ({ unevaluatedProperty: extra }) },
  additionalItems: { message: 'must NOT have more items', params: extra => ({ limit: Number(extra) }) },
  unevaluatedItems: { message: 'must NOT have unevaluated items', params: extra => ({ len: Number(extra) }) },
};
const REQUIRED = /^Instance does not have required property "(.*)"\.$/s;
const DEPENDENCY = /^Instance has "(.*)" but does not have "(.*)"\.$/s;
const DUPLICATE = /^Duplicate items at indexes (\d+) and (\d+)\.$/;

function limit(schema: RJSFSchema | undefined, keyword: string): unknown {
  return schema ? (schema as Record<string, unknown>)[keyword] : undefined;
}

/** ajv's message and params for a leaf unit, or undefined to drop the unit. */
function describe(unit: OutputUnit, schema: RJSFSchema | undefined): Pick<SchemaError, 'message' | 'params'> | undefined {
  const value = limit(schema, unit.keyword);
  switch (unit.keyword) {
    case 'required': {
      const missingProperty = REQUIRED.exec(unit.error)?.[1] ?? '';
      return { message: `must have required property '${missingProperty}'`, params: { missingProperty } };
    }
    case 'dependencies':
    case 'dependentRequired': {
      const match = DEPENDENCY.exec(unit.error);
      if (!match) return undefined; // a schema dependency: its own errors follow
      const [, property, missingProperty] = match;
      return {
        message: `must have property ${missingProperty} when property ${property} is present`,
        params: { property, missingProperty, deps: missingProperty, depsCount: 1 },
      };
    }
    case 'type': {
      const type = Array.isArray(value) ? value.join(',') : String(value);
      return { message: `must be ${type}`, params: { type } };
    }
    case 'const':
      return { message: 'must be equal to constant', params: { allowedValue: value } };
    case 'enum':
      return { message: 'must be equal to one of the allowed values', params: { allowedValues: value } };
    case 'pattern':
      return { message: `must match pattern "${String(value)}"`, params: { pattern: value } };
    case 'format':
      return { message: `must match format "${String(value)}"`, params: { format: value } };
    case 'minLength':
      return { message: `must NOT have fewer than ${String(value)} characters`, params: { limit: value } };
    case 'maxLength':
      return { message: `must NOT have more than ${String(value)} characters`, params: { limit: value } };
    case 'minItems':
      return { message: `must NOT have fewer than ${String(value)} items`, params: { limit: value } };
    case 'maxItems':
      return { message: `must NOT have more than ${String(value)} items`, params: { limit: value } };
    case 'minProperties':
      return { message: `must NOT have fewer than ${String(value)} properties`, params: { limit: value } };
    case 'maxProperties':
      return { message: `must NOT have more than ${String(value)} properties`, params: { limit: value } };
    case 'minimum':
      return { message: `must be >= ${String(value)}`, params: { comparison: '>=', limit: value } };
    case 'maximum':
      return { message: `must be <= ${String(value)}`, params: { comparison: '<=', limit: value } };
    case 'exclusiveMinimum':
      return { message: `must be > ${String(value)}`, params: { comparison: '>', limit: value } };
    case 'exclusiveMaximum':
      return { message: `must be < ${String(value)}`, params: { comparison: '<', limit: value } };
    case 'multipleOf':
      return { message: `must be multiple of ${String(value)}`, params: { multipleOf: value } };
    case 'uniqueItems': {
      const [, j, i] = DUPLICATE.exec(unit.error) ?? [];
      return { message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)`, params: { i: Number(i), j: Number(j) } };
    }
    case 'contains':
      return { message: 'must contain at least 1 valid item(s)', params: { minContains: 1 } };
    case 'minContains':
      return { message: `must contain at least ${String(value)} valid item(s)`, params: { minContains: value } };
    case 'maxContains':
      return { message: `must contain at most ${String(value)} valid item(s)`, params: { maxContains: value } };
    case 'anyOf':
      return { message: 'must match a schema in anyOf', params: {} };
    case 'oneOf':
      return { message: 'must match exactly one schema in oneOf', params: {} };
    case 'not':
      return { message: 'must NOT be valid', params: {} };
    case 'if': {
      const failingKeyword = unit.error.includes('"else"') ? 'else' : 'then';
      return { message: `must match "${failingKeyword}" schema`, params: { failingKeyword } };
    }
    case 'propertyNames':
      return { message: 'property name must be valid', params: {} };
    case 'false':
      return { message: 'boolean schema is false', params: {} };
    default:
      return { message: unit.error, params: {} };
  }
}

/** Moves each `anyOf`/`oneOf`/`if` unit after the errors of its branches, where ajv reports it. */
function branchErrorsFirst(units: OutputUnit[]): OutputUnit[] {
  const ordered = [...units];
  for (let index = ordered.length - 1; index >= 0; index -= 1) {
    const unit = ordered[index]!;
    if (!['anyOf', 'oneOf', 'if'].includes(unit.keyword)) continue;
    const parent = parentLocation(unit.keywordLocation);
    const prefixes = unit.keyword === 'if' ? [`${parent}/then/`, `${parent}/else/`] : [`${unit.keywordLocation}/`];
    let end = index + 1;
    while (end < ordered.length && prefixes.some(prefix => ordered[end]!.keywordLocation.startsWith(prefix))) end += 1;
    ordered.splice(end - 1, 0, ...ordered.splice(index, 1));
  }
  return ordered;
}

/**
 * Turns @cfworker/json-schema's output units (basic output, all errors) into ajv-style errors: drops the units
 * that only wrap errors below them and words the rest as ajv does.
 */
export function toSchemaErrors(output: OutputUnit[], schemaAt: SchemaAt): SchemaError[] {
  const units = branchErrorsFirst(output);
  const errors: SchemaError[] = [];
  for (let index = 0; index < units.length; index += 1) {
    const unit = units[index]!;
    const parentSchema = schemaAt(parentLocation(unit.keywordLocation));
    const instancePath = toInstancePath(unit.instanceLocation);
    const falseSchema = FALSE_SCHEMA_KEYWORDS[unit.keyword];
    if (falseSchema !== undefined) {
      const next = units[index + 1];
      if (next?.keyword === 'false') {
        // `additionalProperties: false` and kin: one error on the object, naming the extra property or item.
        const extra = pointerSegments(next.instanceLocation).pop() ?? '';
        errors.push({ instancePath, schemaPath: unit.keywordLocation, keyword: unit.keyword, params: falseSchema.params(extra), message: falseSchema.message, parentSchema });
        index += 1;
      }
      continue;
    }
    if (WRAPPERS.has(unit.keyword)) continue;
    const described = describe(unit, parentSchema);
    if (!described) continue;
    errors.push({ instancePath, schemaPath: unit.keywordLocation, keyword: unit.keyword, parentSchema, ...described });
  }
  return errors;
}

/** Drops an error repeating, in another branch of the same `anyOf`/`oneOf`, a message already reported. */
function dropDuplicateBranchErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.reduce<RJSFValidationError[]>((kept, error) => {
    const { message, schemaPath = '' } = error;
    const branch = [schemaPath.indexOf(`/${ANY_OF_KEY}/`), schemaPath.indexOf(`/${ONE_OF_KEY}/`)].filter(at => at >= 0);
    const prefix = branch.length ? schemaPath.slice(0, Math.min(...branch)) : undefined;
    const duplicate = prefix !== undefined && kept.some(other => other.message === message && other.schemaPath?.startsWith(prefix));
    if (!duplicate) kept.push(error);
    return kept;
  }, []);
}

function titleOf(uiSchema: UiSchema | undefined, schema: RJSFSchema | undefined, rootSchema: RJSFSchema, path: string[]): string | undefined {
  const uiTitle = getUiOptions(getByPath<UiSchema | undefined>(uiSchema, path)).title;
  if (uiTitle) return uiTitle;
  const name = path[path.length - 1];
  const fromParent = name === undefined ? undefined : getByPath<string | undefined>(schema, [PROPERTIES_KEY, name, 'title']);
  if (fromParent) return fromParent;
  return getByPath<string | undefined>(rootSchema, [...path.flatMap(segment => [PROPERTIES_KEY, segment]), 'title']);
}

/**
 * rjsf's error list from ajv-style errors, as @rjsf/validator-ajv8 builds it: `property` in accessor notation
 * (`.owner.name`, the missing property included), and a field's title (ui:title or title) in place of its name.
 */
export function toRjsfErrors(errors: SchemaError[], uiSchema: UiSchema | undefined, rootSchema: RJSFSchema): RJSFValidationError[] {
  const list = errors.map(error => {
    const { instancePath, keyword, params, schemaPath, parentSchema } = error;
    const path = pointerSegments(instancePath);
    let { message } = error;
    let property = path.map(segment => `.${segment}`).join('');
    let stack = `${property} ${message}`.trim();
    let title = '';
    const named = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
    if (named !== undefined) {
      const fieldTitle = titleOf(uiSchema, parentSchema, rootSchema, [...path, named]);
      if (fieldTitle) {
        message = message.replace(`'${named}'`, `'${fieldTitle}'`);
        title = fieldTitle;
      }
      stack = message;
      property = property ? `${property}.${named}` : named; // `name` at the root, as ajv's validator has it
    } else {
      const fieldTitle = getUiOptions(getByPath<UiSchema | undefined>(uiSchema, path)).title ?? parentSchema?.title;
      if (fieldTitle) {
        stack = `'${fieldTitle}' ${message}`;
        title = fieldTitle;
      }
    }
    return { name: keyword, property, message, params, stack, schemaPath, title };
  });
  return dropDuplicateBranchErrors(list);
}
