import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from '@portico/errors';
import type { JsonObject, TemplateEntityV1beta3, TemplateParameterSchema } from '@portico/plugin-scaffolder-common';

let ajv: Ajv | undefined;

/** Made with the first schema rather than with the plugin: the portal's start need not evaluate ajv. */
function validatorCompiler(): Ajv {
  if (!ajv) {
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
    // useDefaults: a field left out gets its schema default, as the wizard would have filled it.
    ajv = new AjvClass({ allErrors: true, strict: false, useDefaults: true });
    addFormats(ajv);
  }
  return ajv;
}
/** Compiled validators by schema text: templates come back from the catalog as new objects each time. */
const validators = new Map<string, ValidateFunction>();

function pages(template: TemplateEntityV1beta3): JsonObject[] {
  const p = template.spec.parameters;
  if (!p) return [];
  return Array.isArray(p) ? p : [p];
}

function describe(errors: ErrorObject[] | null | undefined, prefix: string) {
  return (errors ?? []).map(e => {
    const where = `${prefix}${e.instancePath.replace(/\//g, '.')}`;
    const missing = e.keyword === 'required' ? `.${(e.params as { missingProperty: string }).missingProperty}` : '';
    return { path: `${where}${missing}`, message: e.message ?? 'is invalid' };
  });
}

/** Compiles a JSON Schema (cached), throwing an InputError when it is not a valid schema. */
export function compileSchema(schema: JsonObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    try {
      validate = validatorCompiler().compile(schema);
    } catch (e) {
      throw new InputError(`The form schema is not a valid JSON Schema: ${(e as Error).message}`, undefined, { cause: e });
    }
    if (validators.size >= 500) validators.delete(validators.keys().next().value as string);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Validates values against a JSON Schema, throwing an InputError (400) that names each field.
 * Returns a copy with the schema's defaults filled in.
 */
export function validateAgainstSchema<T>(schema: JsonObject, input: T, prefix = 'values'): T {
  const values = structuredClone(input);
  const validate = compileSchema(schema);
  if (!validate(values)) {
    const issues = describe(validate.errors, prefix);
    throw new InputError(`Invalid ${prefix}: ${issues.map(i => `${i.path} ${i.message}`).join('; ')}`, { issues });
  }
  return values;
}

/** Each page of `spec.parameters` is checked separately, as the wizard submits them together. */
export function validateTemplateParameters(template: TemplateEntityV1beta3, values: JsonObject): JsonObject {
  let out = values;
  for (const page of pages(template)) out = validateAgainstSchema(page, out);
  return out;
}

export function templateParameterSchema(template: TemplateEntityV1beta3): TemplateParameterSchema {
  return {
    title: template.metadata.title ?? template.metadata.name,
    description: template.metadata.description,
    steps: pages(template).map(schema => ({
      title: typeof schema.title === 'string' ? schema.title : 'Please enter the following information',
      description: typeof schema.description === 'string' ? schema.description : undefined,
      schema,
    })),
  };
}
