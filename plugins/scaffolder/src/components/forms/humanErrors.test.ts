import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { humanizeErrors } from './humanErrors';
import { JsonSchemaValidator } from './validator';

const validator = new JsonSchemaValidator();

/** What a person reads under each field: `[property, message]`, through the forms' own validator. */
function messagesOf(schema: RJSFSchema, formData: unknown, uiSchema?: UiSchema) {
  const { errors } = validator.validateFormData(formData, schema, undefined, errors => humanizeErrors(errors, schema, uiSchema), uiSchema);
  return errors.map(({ property, message }) => [property, message]);
}

describe('humanizeErrors', () => {
  afterEach(() => validator.reset());

  it('names a missing field by its title in a sentence, once, without the JSON-schema wording', () => {
    const schema: RJSFSchema = {
      type: 'object',
      required: ['name', 'owner'],
      properties: { name: { type: 'string', title: 'Name' }, owner: { type: 'string' } },
    };
    expect(messagesOf(schema, {}, { owner: { 'ui:title': 'Owning team' } })).toEqual([
      ['name', 'Name is required.'],
      ['owner', 'Owning team is required.'],
    ]);
  });

  it('says what is wrong with a value in words, not as the keyword and its raw limit', () => {
    const schema: RJSFSchema = {
      type: 'object',
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]{1,62}$' },
        contact: { type: 'string', title: 'Contact', format: 'email' },
        replicas: { type: 'integer', title: 'Replicas', minimum: 1, maximum: 5 },
        port: { type: 'number', title: 'Port', exclusiveMinimum: 1024 },
        tier: { type: 'string', title: 'Tier', enum: ['gold', 'silver'] },
        short: { type: 'string', title: 'Short name', maxLength: 4 },
        summary: { type: 'string', title: 'Summary', minLength: 1 },
        tags: { type: 'array', title: 'Tags', items: { type: 'string' }, uniqueItems: true, minItems: 1 },
        size: { type: 'integer', title: 'Size' },
      },
    };
    expect(
      messagesOf(schema, {
        name: 'Checkout Service',
        contact: 'carol@',
        replicas: 9,
        port: 80,
        tier: 'bronze',
        short: 'checkout',
        summary: '',
        tags: ['a', 'a'],
        size: 'large',
      }),
    ).toEqual([
      ['.name', 'Name is not in the expected format.'],
      ['.contact', 'Contact must be an email address.'],
      ['.replicas', 'Replicas must be 5 or less.'],
      ['.port', 'Port must be more than 1024.'],
      ['.tier', "Tier must be one of 'gold', 'silver'."],
      ['.short', 'Short name must be at most 4 characters long.'],
      ['.summary', 'Summary must not be empty.'],
      ['.tags', 'Tags lists the same value twice (items 1 and 2).'],
      ['.size', 'Size must be a whole number.'],
    ]);
  });

  it("uses the template's errorMessage (one for all, or one per keyword) and a field's ui:help for a bad value", () => {
    // errorMessage is ajv-errors' keyword, not JSON Schema's: the type does not know it
    const schema = {
      type: 'object',
      required: ['name', 'owner', 'repo'],
      errorMessage: { required: { repo: 'Pick the repository to create.' } },
      properties: {
        name: { type: 'string', title: 'Name', pattern: '^[a-z]+$', errorMessage: { pattern: 'Use lower-case letters only.' } },
        owner: { type: 'string', title: 'Owner', errorMessage: { required: 'Choose the team that runs it.' } },
        repo: { type: 'string', title: 'Repository' },
        slug: { type: 'string', title: 'Slug', pattern: '^[a-z]+$', errorMessage: 'A slug is lower-case letters.' },
        port: { type: 'integer', title: 'Port', maximum: 65535 },
      },
    } as RJSFSchema;
    const uiSchema: UiSchema = { port: { 'ui:help': 'A TCP port, 1 to 65535.' } };
    expect(messagesOf(schema, { name: 'Bad', slug: 'Bad', port: 70000 }, uiSchema)).toEqual([
      ['owner', 'Choose the team that runs it.'],
      ['repo', 'Pick the repository to create.'],
      ['.name', 'Use lower-case letters only.'],
      ['.slug', 'A slug is lower-case letters.'],
      ['.port', 'A TCP port, 1 to 65535.'],
    ]);
  });

  it('reports a field required by an if/then on that field only, and a dependency naming the field that needs it', () => {
    const schema: RJSFSchema = {
      type: 'object',
      properties: {
        pagerduty: { type: 'boolean', title: 'Create a PagerDuty service' },
        escalationPolicyId: { type: 'string', title: 'PagerDuty escalation policy' },
        repo: { type: 'string', title: 'Repository' },
        branch: { type: 'string', title: 'Branch' },
      },
      if: { properties: { pagerduty: { const: true } }, required: ['pagerduty'] },
      then: { required: ['escalationPolicyId'] },
      dependencies: { branch: ['repo'] },
    };
    expect(messagesOf(schema, { pagerduty: true, branch: 'main' })).toEqual([
      ['escalationPolicyId', 'PagerDuty escalation policy is required.'],
      ['repo', 'Repository is required when Branch is set.'],
    ]);
  });

  it('names a field without a title by its name, capitalised as it starts the sentence', () => {
    const schema: RJSFSchema = {
      type: 'object',
      required: ['role', 'days'],
      properties: { role: { type: 'string', enum: ['reader', 'writer', 'migrator'] }, days: { type: 'integer', minimum: 1, maximum: 90 } },
    };
    expect(messagesOf(schema, { role: 'admin' })).toEqual([
      ['days', 'Days is required.'],
      ['.role', "Role must be one of 'reader', 'writer', 'migrator'."],
    ]);
  });

  it('finds titles inside nested objects, array items and $refs', () => {
    const schema: RJSFSchema = {
      type: 'object',
      definitions: { port: { type: 'integer', title: 'Port number', minimum: 1 } },
      properties: {
        database: { type: 'object', title: 'Database', required: ['host'], properties: { host: { type: 'string', title: 'Host' }, port: { $ref: '#/definitions/port' } } },
        replicas: { type: 'array', title: 'Replicas', items: { type: 'string', format: 'hostname' } },
      },
    };
    expect(messagesOf(schema, { database: { port: 0 }, replicas: ['ok', 'not a host!'] })).toEqual([
      ['.database.host', 'Host is required.'],
      ['.database.port', 'Port number must be 1 or more.'],
      ['.replicas.1', 'Item 2 of Replicas must be a host name.'],
    ]);
  });
});
