import { dereference, validate, type Schema } from '@cfworker/json-schema';
import type {
  CustomValidator,
  ErrorSchema,
  ErrorTransformer,
  FormContextType,
  RJSFSchema,
  RJSFValidationError,
  StrictRJSFSchema,
  UiSchema,
  ValidationData,
  ValidatorType,
} from '@rjsf/utils';
import { createErrorHandler, getDefaultFormState, toErrorSchema, unwrapErrorHandler, validationDataMerge } from '@rjsf/utils';
import { registerExtraFormats } from './formats';
import { pointerSegments, toRjsfErrors, toSchemaErrors, type SchemaError } from './validationErrors';

type Lookup = Record<string, Schema | boolean>;

/** A private copy of a schema, with the lookup @cfworker/json-schema resolves its `$ref`s in. */
interface PreparedSchema {
  schema: Schema;
  lookup: Lookup;
}

// Base URIs for the schemas' own `#` pointers; never fetched.
const FORM_SCHEMA_URI = new URL('https://portico.invalid/form-schema');
const SUBSCHEMA_URI = new URL('https://portico.invalid/subschema');
// Keywords whose values are data, not schemas: a `$ref` inside them is not a reference.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);
// Keywords whose values map names to schemas: their keys are names, not keywords.
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The form data as JSON: an `undefined` property is absent (as for ajv's `required`), an `undefined` item is null. */
function toJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(item => (item === undefined ? null : toJson(item)));
  if (isRecord(value)) {
    const json: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined && typeof item !== 'function') json[key] = toJson(item);
    return json;
  }
  return value === undefined ? null : value;
}

/**
 * A deep copy of a schema, optionally rewriting its `$ref`s. The validator annotates the schemas it dereferences,
 * so it gets a copy, never rjsf's objects.
 */
function copySchema(node: unknown, rewriteRef: (ref: string) => string, kind: 'schema' | 'map' | 'data' = 'schema'): unknown {
  if (Array.isArray(node)) return node.map(item => copySchema(item, rewriteRef, kind === 'data' ? 'data' : 'schema'));
  if (!isRecord(node)) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined || typeof value === 'function') continue;
    if (kind === 'data') copy[key] = copySchema(value, rewriteRef, 'data');
    else if (kind === 'map') copy[key] = copySchema(value, rewriteRef, 'schema');
    else if (key === '$ref' && typeof value === 'string') copy[key] = rewriteRef(value);
    else copy[key] = copySchema(value, rewriteRef, DATA_KEYWORDS.has(key) ? 'data' : SCHEMA_MAP_KEYWORDS.has(key) ? 'map' : 'schema');
  }
  return copy;
}

function prepare(schema: RJSFSchema, baseUri: URL, rewriteRef: (ref: string) => string = ref => ref, known?: Lookup): PreparedSchema {
  const copy = copySchema(schema, rewriteRef) as Schema;
  const lookup = dereference(copy, Object.assign(Object.create(null) as Lookup, known), baseUri);
  return { schema: copy, lookup };
}

/** The schema object at a keyword location such as `#/properties/owner/$ref/required`. */
function schemaAt(prepared: PreparedSchema, location: string): RJSFSchema | undefined {
  let node: unknown = prepared.schema;
  for (const segment of pointerSegments(location)) {
    if (typeof node !== 'object' || node === null) return undefined; // arrays too: `anyOf/0`
    const parent = node as Record<string, unknown>;
    node = segment === '$ref' ? prepared.lookup[String(parent.__absolute_ref__ ?? parent.$ref)] : parent[segment];
  }
  return isRecord(node) ? (node as RJSFSchema) : undefined;
}

function run(prepared: PreparedSchema, formData: unknown) {
  // Draft 2019-09 rules: like ajv 8, keywords beside a `$ref` apply too. All errors, not the first one.
  return validate(toJson(formData), prepared.schema, '2019-09', prepared.lookup, false);
}

/**
 * rjsf's `ValidatorType` on @cfworker/json-schema, an interpreter: unlike ajv it compiles nothing with
 * `new Function`, so forms validate under a Content-Security-Policy without 'unsafe-eval'. Errors are worded as
 * ajv words them, and `customValidate` and `transformErrors` work as with @rjsf/validator-ajv8.
 */
export class JsonSchemaValidator<T = unknown, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = FormContextType>
  implements ValidatorType<T, S, F>
{
  private prepared = new WeakMap<object, PreparedSchema>();

  constructor() {
    registerExtraFormats();
  }

  /** Forgets the schemas prepared so far. */
  reset(): void {
    this.prepared = new WeakMap();
  }

  private prepareRoot(schema: S): PreparedSchema {
    let prepared = this.prepared.get(schema);
    if (!prepared) {
      prepared = prepare(schema as RJSFSchema, FORM_SCHEMA_URI);
      this.prepared.set(schema, prepared);
    }
    return prepared;
  }

  /** Validates without rjsf's processing: ajv-style errors, or the error that made the schema unusable. */
  rawValidation<Result = SchemaError>(schema: S, formData?: T): { errors?: Result[]; validationError?: Error } {
    try {
      const prepared = this.prepareRoot(schema);
      const { errors } = run(prepared, formData);
      return { errors: toSchemaErrors(errors, location => schemaAt(prepared, location)) as Result[] };
    } catch (error) {
      // An unresolvable `$ref` or an invalid `pattern`; the library's message lists every known schema after line one.
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return { validationError: new Error(message) };
    }
  }

  validateFormData(
    formData: T | undefined,
    schema: S,
    customValidate?: CustomValidator<T, S, F>,
    transformErrors?: ErrorTransformer<T, S, F>,
    uiSchema?: UiSchema<T, S, F>,
  ): ValidationData<T> {
    const { errors: schemaErrors = [], validationError } = this.rawValidation<SchemaError>(schema, formData);
    let errors: RJSFValidationError[] = toRjsfErrors(schemaErrors, uiSchema as UiSchema | undefined, schema as RJSFSchema);
    if (validationError) errors = [...errors, { stack: validationError.message }];
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    let errorSchema: ErrorSchema<T> = toErrorSchema<T>(errors);
    if (validationError) errorSchema = { ...errorSchema, $schema: { __errors: [validationError.message] } } as ErrorSchema<T>;
    if (typeof customValidate !== 'function') return { errors, errorSchema };
    // customValidate sees every field of the schema, undefined ones included, as with the ajv validator.
    const fullFormData = getDefaultFormState<T, S, F>(this, schema, formData, schema, true) as T;
    const handler = customValidate(fullFormData, createErrorHandler<T>(fullFormData), uiSchema, errorSchema);
    return validationDataMerge<T>({ errors, errorSchema }, unwrapErrorHandler<T>(handler));
  }

  /** Whether `formData` is valid against `schema`, a part of `rootSchema` whose `#...` `$ref`s point into rootSchema. */
  isValid(schema: S, formData: T | undefined, rootSchema: S): boolean {
    try {
      const root = this.prepareRoot(rootSchema);
      const rootUri = String((root.schema as { __absolute_uri__?: string }).__absolute_uri__ ?? FORM_SCHEMA_URI.href).replace(/#.*$/, '');
      const prepared = prepare(schema as RJSFSchema, SUBSCHEMA_URI, ref => (ref.startsWith('#') ? rootUri + ref : ref), root.lookup);
      return run(prepared, formData).valid;
    } catch {
      return false; // a schema that cannot be used matches nothing, as with the ajv validator
    }
  }
}

/** The validator the scaffolder's forms use. */
export const schemaValidator = new JsonSchemaValidator();
