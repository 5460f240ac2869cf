import type { JsonObject, JsonValue } from '@portico/plugin-scaffolder-common';

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Templates write `ui:*` keys inside the JSON Schema (Backstage style); the form library wants them in a
 * separate uiSchema. Splits them, following `properties`, `items` and `dependencies.*.oneOf|allOf|anyOf`.
 */
export function extractUiSchema(input: JsonObject): { schema: JsonObject; uiSchema: JsonObject } {
  const schema: JsonObject = {};
  const uiSchema: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('ui:')) uiSchema[key] = value;
    else schema[key] = value;
  }
  if (isObject(schema.properties)) {
    const properties: JsonObject = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isObject(property)) {
        properties[name] = property;
        continue;
      }
      const split = extractUiSchema(property);
      properties[name] = split.schema;
      if (Object.keys(split.uiSchema).length) uiSchema[name] = { ...(isObject(uiSchema[name]) ? uiSchema[name] : {}), ...split.uiSchema };
    }
    schema.properties = properties;
  }
  if (isObject(schema.items)) {
    const split = extractUiSchema(schema.items);
    schema.items = split.schema;
    if (Object.keys(split.uiSchema).length) uiSchema.items = split.uiSchema;
  }
  if (isObject(schema.dependencies)) {
    const dependencies: JsonObject = {};
    for (const [name, dependency] of Object.entries(schema.dependencies)) {
      if (!isObject(dependency)) {
        dependencies[name] = dependency;
        continue;
      }
      const out: JsonObject = { ...dependency };
      for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
        const branches = dependency[combinator];
        if (!Array.isArray(branches)) continue;
        out[combinator] = branches.map(branch => {
          if (!isObject(branch)) return branch;
          const split = extractUiSchema(branch);
          for (const [k, v] of Object.entries(split.uiSchema)) if (!(k in uiSchema)) uiSchema[k] = v;
          return split.schema;
        });
      }
      dependencies[name] = out;
    }
    schema.dependencies = dependencies;
  }
  return { schema, uiSchema };
}
