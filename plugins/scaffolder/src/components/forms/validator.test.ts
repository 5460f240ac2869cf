import type { RJSFSchema, RJSFValidationError } from '@rjsf/utils';
import { JsonSchemaValidator } from './validator';

const validator = new JsonSchemaValidator();

function errorsOf(schema: RJSFSchema, formData: unknown) {
  return validator.validateFormData(formData, schema).errors.map(({ property, message }) => ({ property, message }));
}

describe('JsonSchemaValidator', () => {
  afterEach(() => validator.reset());

  it('reports a missing required property on the property, in ajv words, and valid data has no errors', () => {
    const schema: RJSFSchema = { type: 'object', required: ['name', 'owner'], properties: { name: { type: 'string' }, owner: { type: 'string' } } };
    const { errors, errorSchema } = validator.validateFormData({ owner: 'group:default/platform' }, schema);
    expect(errors).toEqual([
      expect.objectContaining({
        name: 'required',
        property: 'name', // no leading dot at the root, as @rjsf/validator-ajv8 has it
        message: "must have required property 'name'",
        stack: "must have required property 'name'",
        schemaPath: '#/required',
        params: { missingProperty: 'name' },
      }),
    ]);
    expect(errorSchema).toEqual({ name: { __errors: ["must have required property 'name'"] } });
    expect(validator.validateFormData({ name: 'checkout', owner: 'group:default/platform' }, schema)).toEqual({ errors: [], errorSchema: {} });
  });

  it('treats an undefined property as missing, as rjsf leaves a cleared field undefined', () => {
    const schema: RJSFSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    expect(errorsOf(schema, { name: undefined })).toEqual([{ property: 'name', message: "must have required property 'name'" }]);
  });

  it("names a required field by its title or ui:title, as the ajv validator does", () => {
    const schema: RJSFSchema = {
      type: 'object',
      required: ['name', 'owner'],
      properties: { name: { type: 'string', title: 'Service name' }, owner: { type: 'string' } },
    };
    const { errors } = validator.validateFormData({}, schema, undefined, undefined, { owner: { 'ui:title': 'Owning team' } });
    expect(errors.map(error => [error.property, error.message, error.title])).toEqual([
      ['name', "must have required property 'Service name'", 'Service name'],
      ['owner', "must have required property 'Owning team'", 'Owning team'],
    ]);
  });

  it('reports wrong types, patterns, lengths, bounds and enums on their fields', () => {
    const schema: RJSFSchema = {
      type: 'object',
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]*$', maxLength: 8 },
        replicas: { type: 'integer', minimum: 1, maximum: 5 },
        port: { type: 'number', exclusiveMinimum: 1024, multipleOf: 2 },
        tier: { type: 'string', enum: ['gold', 'silver'] },
        size: { type: ['string', 'null'] },
        kind: { const: 'service' },
      },
    };
    expect(errorsOf(schema, { name: 'Checkout Service', replicas: 1.5, port: 1023, tier: 'bronze', size: 3, kind: 'library' })).toEqual([
      { property: '.name', message: 'must NOT have more than 8 characters' },
      { property: '.name', message: 'must match pattern "^[a-z][a-z0-9-]*$"' },
      { property: '.replicas', message: 'must be integer' },
      { property: '.port', message: 'must be > 1024' },
      { property: '.port', message: 'must be multiple of 2' },
      { property: '.tier', message: 'must be equal to one of the allowed values' },
      { property: '.size', message: 'must be string,null' },
      { property: '.kind', message: 'must be equal to constant' },
    ]);
    expect(errorsOf(schema, { replicas: 9 })).toEqual([{ property: '.replicas', message: 'must be <= 5' }]);
    const [patternError] = validator.validateFormData({ name: 'A' }, schema).errors;
    expect(patternError).toMatchObject({ name: 'pattern', stack: `'Name' must match pattern "^[a-z][a-z0-9-]*$"`, title: 'Name', schemaPath: '#/properties/name/pattern' });
  });

  it.each([
    ['date', '2024-02-30', '2024-02-29'],
    ['date-time', '2024-02-01 25:00', '2024-02-01T10:00:00Z'],
    ['email', 'carol@', 'carol@acme.example'],
    ['uri', 'not a uri', 'https://acme.example/docs'],
    ['hostname', 'db_1.acme', 'db-1.acme.example'],
    ['uuid', '1234', '123e4567-e89b-12d3-a456-426614174000'],
    ['color', 'rgb(300,0,0)', '#ff8800'],
    ['data-url', 'hello.txt', 'data:text/plain;name=hello.txt;base64,aGVsbG8='],
  ])('checks the %s format', (format, bad, good) => {
    const schema: RJSFSchema = { type: 'object', properties: { value: { type: 'string', format } } };
    expect(errorsOf(schema, { value: bad })).toEqual([{ property: '.value', message: `must match format "${format}"` }]);
    expect(errorsOf(schema, { value: good })).toEqual([]);
  });

  it('ignores a format it does not know, as the ajv validator did', () => {
    expect(errorsOf({ type: 'object', properties: { value: { type: 'string', format: 'entity-ref' } } }, { value: 'anything' })).toEqual([]);
  });

  it('finds errors in nested objects and in array items, by path', () => {
    const schema: RJSFSchema = {
      type: 'object',
      properties: {
        database: {
          type: 'object',
          required: ['engine'],
          properties: { engine: { type: 'string' }, sizeGb: { type: 'integer', minimum: 10 } },
          additionalProperties: false,
        },
        members: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
        },
      },
    };
    expect(errorsOf(schema, { database: { sizeGb: 5, region: 'eu' }, members: [{ email: 'erin@acme.example' }, { email: 'erin@' }, {}] })).toEqual([
      { property: '.database.engine', message: "must have required property 'engine'" },
      { property: '.database.sizeGb', message: 'must be >= 10' },
      { property: '.database', message: 'must NOT have additional properties' },
      { property: '.members.1.email', message: 'must match format "email"' },
      { property: '.members.2.email', message: "must have required property 'email'" },
    ]);
    expect(errorsOf(schema, { members: [] })).toEqual([{ property: '.members', message: 'must NOT have fewer than 1 items' }]);
    expect(errorsOf(schema, { members: [{ email: 'a@b.example' }, { email: 'a@b.example' }] })).toEqual([
      { property: '.members', message: 'must NOT have duplicate items (items ## 1 and 0 are identical)' },
    ]);
    const { errorSchema } = validator.validateFormData({ members: [{}] }, schema);
    expect(errorSchema).toEqual({ members: { 0: { email: { __errors: ["must have required property 'email'"] } } } });
  });

  it('names the extra property of additionalProperties: false in its params', () => {
    const [error] = validator.validateFormData({ extra: 1 }, { type: 'object', properties: {}, additionalProperties: false }).errors;
    expect(error).toMatchObject({ name: 'additionalProperties', property: '', params: { additionalProperty: 'extra' }, schemaPath: '#/additionalProperties' });
  });

  it('reports a missing dependency on the missing property', () => {
    const schema: RJSFSchema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, dependencies: { a: ['b'] } };
    expect(errorsOf(schema, { a: 'x' })).toEqual([{ property: 'b', message: 'must have property b when property a is present' }]);
  });

  it('reports oneOf and anyOf failures once per message, with the errors of their branches', () => {
    const schema: RJSFSchema = {
      type: 'object',
      properties: {
        target: {
          oneOf: [
            { type: 'object', required: ['host'], properties: { host: { type: 'string' }, kind: { const: 'server' } } },
            { type: 'object', required: ['host'], properties: { host: { type: 'string' }, kind: { const: 'cluster' } } },
          ],
        },
        contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'string', format: 'uri' }] },
      },
    };
    const messages = errorsOf(schema, { target: {}, contact: 'nobody' });
    expect(messages).toEqual(
      expect.arrayContaining([
        { property: '.target', message: 'must match exactly one schema in oneOf' },
        { property: '.target.host', message: "must have required property 'host'" },
      ]),
    );
    // The branches' errors first, then the anyOf that failed, in ajv's order.
    expect(messages.filter(error => error.property === '.contact')).toEqual([
      { property: '.contact', message: 'must match format "email"' },
      { property: '.contact', message: 'must match format "uri"' },
      { property: '.contact', message: 'must match a schema in anyOf' },
    ]);
    expect(messages.filter(error => error.message === "must have required property 'host'")).toHaveLength(1);
    expect(errorsOf(schema, { target: { host: 'db', kind: 'server' }, contact: 'erin@acme.example' })).toEqual([]);
  });

  it('answers isValid for the branches rjsf matches against, resolving $ref into the root schema', () => {
    const rootSchema: RJSFSchema = {
      definitions: {
        server: { type: 'object', required: ['host'], properties: { kind: { const: 'server' }, host: { type: 'string', format: 'hostname' } } },
        cluster: { type: 'object', required: ['nodes'], properties: { kind: { const: 'cluster' }, nodes: { type: 'integer', minimum: 1 } } },
      },
      type: 'object',
      properties: { target: { oneOf: [{ $ref: '#/definitions/server' }, { $ref: '#/definitions/cluster' }] } },
    };
    const [server, cluster] = (rootSchema.properties!.target as RJSFSchema).oneOf as RJSFSchema[];
    expect(validator.isValid(server!, { kind: 'server', host: 'db-1' }, rootSchema)).toBe(true);
    expect(validator.isValid(server!, { kind: 'cluster', nodes: 3 }, rootSchema)).toBe(false);
    expect(validator.isValid(cluster!, { kind: 'cluster', nodes: 3 }, rootSchema)).toBe(true);
    expect(validator.isValid(cluster!, { kind: 'cluster', nodes: 0 }, rootSchema)).toBe(false);
    expect(validator.isValid({ anyOf: [server!, cluster!] }, { kind: 'cluster', nodes: 2 }, rootSchema)).toBe(true);
    // The same subschema objects, asked again after the root was prepared: the answers do not go stale.
    expect(validator.isValid(server!, { kind: 'server', host: 'db-1' }, rootSchema)).toBe(true);
  });

  it('answers isValid false for a $ref that resolves nowhere, and validateFormData reports the broken schema', () => {
    const rootSchema: RJSFSchema = { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } };
    expect(validator.isValid({ $ref: '#/definitions/missing' }, 'x', rootSchema)).toBe(false);
    const { errors, errorSchema } = validator.validateFormData({ a: 'x' }, rootSchema);
    expect(errors).toEqual([{ stack: expect.stringContaining('Unresolved $ref "#/definitions/missing"') }]);
    expect(errorSchema).toMatchObject({ $schema: { __errors: [expect.stringContaining('Unresolved $ref')] } });
  });

  it('validates $refs in the form schema itself, to definitions and to $defs', () => {
    const schema: RJSFSchema = {
      $defs: { name: { type: 'string', minLength: 3 } },
      definitions: { port: { type: 'integer' } },
      type: 'object',
      properties: { name: { $ref: '#/$defs/name' }, port: { $ref: '#/definitions/port' } },
    };
    expect(errorsOf(schema, { name: 'ab', port: 'x' })).toEqual([
      { property: '.name', message: 'must NOT have fewer than 3 characters' },
      { property: '.port', message: 'must be integer' },
    ]);
  });

  it('runs customValidate with every field and merges its errors', () => {
    const schema: RJSFSchema = { type: 'object', properties: { password: { type: 'string' }, confirm: { type: 'string' } } };
    const seen: unknown[] = [];
    const passwords = new JsonSchemaValidator<{ password?: string; confirm?: string }>();
    const { errors, errorSchema } = passwords.validateFormData({ password: 'a', confirm: 'b' }, schema, (formData, errorHandler) => {
      seen.push(formData);
      if (formData?.password !== formData?.confirm) errorHandler.confirm?.addError('passwords differ');
      return errorHandler;
    });
    expect(seen).toEqual([{ password: 'a', confirm: 'b' }]);
    expect(errors).toEqual([{ property: '.confirm', message: 'passwords differ', stack: '.confirm passwords differ' }]);
    expect(errorSchema.confirm).toEqual({ __errors: ['passwords differ'] });
    expect(errorSchema.password?.__errors ?? []).toEqual([]);
  });

  it('lets transformErrors reword the errors before they reach the fields', () => {
    const schema: RJSFSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    const transform = (errors: RJSFValidationError[]) => errors.map(error => (error.name === 'required' ? { ...error, message: 'is required' } : error));
    const { errors, errorSchema } = validator.validateFormData({}, schema, undefined, transform);
    expect(errors).toEqual([expect.objectContaining({ property: 'name', message: 'is required' })]);
    expect(errorSchema).toEqual({ name: { __errors: ['is required'] } });
  });

  it('gives rawValidation the ajv-style errors and no processing', () => {
    const { errors, validationError } = validator.rawValidation({ type: 'string', minLength: 2 }, 'a');
    expect(validationError).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ instancePath: '', keyword: 'minLength', schemaPath: '#/minLength', message: 'must NOT have fewer than 2 characters', params: { limit: 2 } })]);
  });

  it('does not annotate or change the schemas it is given', () => {
    const schema: RJSFSchema = { type: 'object', properties: { a: { $ref: '#/definitions/a' } }, definitions: { a: { type: 'string' } } };
    const before = JSON.stringify(schema);
    validator.validateFormData({ a: 1 }, schema);
    validator.isValid(schema.properties!.a as RJSFSchema, 'x', schema);
    expect(JSON.stringify(schema)).toBe(before);
    expect(Object.getOwnPropertyNames(schema)).toEqual(['type', 'properties', 'definitions']);
  });

  it('prepares a new schema object after reset', () => {
    const schema: RJSFSchema = { type: 'object', required: ['a'] };
    expect(validator.isValid(schema, {}, schema)).toBe(false);
    validator.reset();
    expect(validator.isValid(schema, { a: 1 }, schema)).toBe(true);
  });
});
