/** The catalog's HTTP API as an OpenAPI 3.1 document, served at /api/catalog/openapi.json. */
const filterParam = {
  name: 'filter', in: 'query', required: false, style: 'form', explode: true,
  description: 'Backstage filter: `kind=component,spec.type=service`; repeated keys mean IN, repeated params mean OR, a bare key means exists. Keys may be `relations.<type>`.',
  schema: { type: 'array', items: { type: 'string' } },
};
const fieldsParam = { name: 'fields', in: 'query', required: false, description: 'Comma-separated dotted fields to return, e.g. `kind,metadata.name`.', schema: { type: 'string' } };
const refParams = ['kind', 'namespace', 'name'].map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const entity = { $ref: '#/components/schemas/Entity' };
const error = { description: 'Bad input: the message names the field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const notFound = { description: 'Not found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

export const catalogOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Portico catalog', version: '1.0.0', description: "Compatible with Backstage's catalog API (@backstage/catalog-client), plus history, search and errors." },
  servers: [{ url: '/api/catalog' }],
  paths: {
    '/entities': {
      get: {
        summary: 'List entities',
        parameters: [filterParam, fieldsParam,
          { name: 'order', in: 'query', schema: { type: 'array', items: { type: 'string' } }, description: '`asc:metadata.name`' },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'after', in: 'query', schema: { type: 'string' }, description: 'Opaque cursor from the `link` header' }],
        responses: { 200: json({ type: 'array', items: entity }), 400: error },
      },
    },
    '/entities/by-query': {
      get: {
        summary: 'Query entities with cursor pagination',
        parameters: [filterParam, fieldsParam,
          { name: 'orderField', in: 'query', schema: { type: 'array', items: { type: 'string' } }, description: '`metadata.name,asc`' },
          { name: 'fullTextFilterTerm', in: 'query', schema: { type: 'string' } },
          { name: 'fullTextFilterFields', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 10000, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'totalItems', in: 'query', schema: { enum: ['include', 'exclude'] } }],
        responses: {
          200: json({
            type: 'object', required: ['items', 'totalItems', 'pageInfo'],
            properties: { items: { type: 'array', items: entity }, totalItems: { type: 'integer' }, pageInfo: { type: 'object', properties: { nextCursor: { type: 'string' }, prevCursor: { type: 'string' } } } },
          }),
          400: error,
        },
      },
    },
    '/entities/by-refs': {
      post: {
        summary: 'Entities by ref, in the order asked (null where missing)',
        parameters: [filterParam],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['entityRefs'], properties: { entityRefs: { type: 'array', items: { type: 'string' } }, fields: { type: 'array', items: { type: 'string' } } } } } } },
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { anyOf: [entity, { type: 'null' }] } } } }), 400: error },
      },
    },
    '/entities/by-name/{kind}/{namespace}/{name}': { get: { summary: 'One entity', parameters: refParams, responses: { 200: json(entity), 400: error, 404: notFound } } },
    '/entities/by-name/{kind}/{namespace}/{name}/ancestry': {
      get: {
        summary: 'The entity and the Location entities that led to it (each once, the entity first)',
        parameters: refParams,
        responses: {
          200: json({
            type: 'object', required: ['rootEntityRef', 'items'],
            properties: {
              rootEntityRef: { type: 'string', description: 'The entity asked for' },
              items: {
                type: 'array',
                items: {
                  type: 'object', required: ['entity', 'parentEntityRefs'],
                  properties: {
                    entity,
                    parentEntityRefs: { type: 'array', items: { type: 'string' }, description: 'Location entities whose target is the file this entity was read from' },
                  },
                },
              },
            },
          }),
          400: error,
          404: notFound,
        },
      },
    },
    '/entities/by-name/{kind}/{namespace}/{name}/history': {
      get: {
        summary: 'Every recorded change of the entity, newest first, with a field diff',
        parameters: [...refParams, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }],
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/HistoryEntry' } } } }), 404: notFound },
      },
    },
    '/entities/by-uid/{uid}': {
      get: { summary: 'One entity by uid', parameters: [{ name: 'uid', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json(entity), 404: notFound } },
      delete: { summary: 'Remove an entity (its provider may emit it again)', parameters: [{ name: 'uid', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'Removed' }, 404: notFound } },
    },
    '/entities/errors': {
      get: {
        summary: 'Recorded ingestion problems (the last good version stays served)',
        parameters: [{ name: 'entityRef', in: 'query', schema: { type: 'string' } }, { name: 'locationKey', in: 'query', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/EntityError' } } } }) },
      },
    },
    '/entity-facets': {
      get: {
        summary: 'Value counts of fields',
        parameters: [{ name: 'facet', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } } }, filterParam],
        responses: { 200: json({ type: 'object', properties: { facets: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } } } } } }), 400: error },
      },
    },
    '/search': {
      get: {
        summary: 'Full-text search ranked by relevance',
        parameters: [{ name: 'term', in: 'query', required: true, schema: { type: 'string' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }, { name: 'kind', in: 'query', schema: { type: 'array', items: { type: 'string' } } }],
        responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { entityRef: { type: 'string' }, entity, rank: { type: 'number' } } } } } }), 400: error },
      },
    },
    '/locations': {
      get: { summary: 'Registered locations', responses: { 200: json({ type: 'array', items: { type: 'object', properties: { data: { $ref: '#/components/schemas/Location' } } } }) } },
      post: {
        summary: 'Register a location (dryRun: read and report only)',
        parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }],
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['target'], properties: { type: { enum: ['url', 'file'] }, target: { type: 'string' } } } } } },
        responses: {
          201: json({
            type: 'object',
            properties: {
              location: { $ref: '#/components/schemas/Location' },
              entities: { type: 'array', items: entity },
              errors: { type: 'array', items: { $ref: '#/components/schemas/EntityError' }, description: 'Problems met reading it: unreadable files, refused documents, invalid entities' },
              exists: { type: 'boolean' },
            },
          }, 'Created'),
          400: error,
          409: error,
        },
      },
    },
    '/locations/{id}': {
      get: { summary: 'A location with its status (errors)', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json({ $ref: '#/components/schemas/Location' }), 404: notFound } },
      delete: { summary: 'Remove a location and its entities', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'Removed' }, 400: error, 404: notFound } },
    },
    '/locations/by-entity/{kind}/{namespace}/{name}': { get: { summary: 'The location an entity came from', parameters: refParams, responses: { 200: json({ $ref: '#/components/schemas/Location' }), 404: notFound } } },
    '/refresh': {
      post: {
        summary: "Re-read the entity's source",
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['entityRef'], properties: { entityRef: { type: 'string' } } } } } },
        responses: { 200: { description: 'Refreshed' }, 400: error, 404: notFound },
      },
    },
    '/validate-entity': {
      post: {
        summary: 'Validate an entity without storing it',
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['entity'], properties: { entity: { type: 'object' }, location: { type: 'string' } } } } } },
        responses: { 200: { description: 'Valid' }, 400: json({ type: 'object', properties: { errors: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } } } } } }, 'Invalid: each error names the field') },
      },
    },
  },
  components: {
    schemas: {
      Entity: {
        type: 'object', required: ['apiVersion', 'kind', 'metadata'],
        properties: {
          apiVersion: { type: 'string' }, kind: { type: 'string' },
          metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, namespace: { type: 'string' }, uid: { type: 'string' }, etag: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, labels: { type: 'object' }, annotations: { type: 'object' }, tags: { type: 'array', items: { type: 'string' } }, links: { type: 'array' } } },
          spec: { type: 'object' },
          relations: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, targetRef: { type: 'string' } } } },
        },
      },
      Location: {
        type: 'object',
        required: ['id', 'type', 'target'],
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          target: { type: 'string' },
          status: {
            type: 'object',
            properties: {
              errors: { type: 'array', items: { $ref: '#/components/schemas/EntityError' } },
              backoff: {
                type: 'object',
                description: "Present while the location's reads keep failing: it is read again after nextReadInRefreshes refreshes",
                properties: { failures: { type: 'integer' }, nextReadInRefreshes: { type: 'integer' }, reason: { type: 'string' } },
              },
            },
          },
        },
      },
      HistoryEntry: { type: 'object', properties: { id: { type: 'string' }, entityRef: { type: 'string' }, action: { enum: ['created', 'updated', 'deleted'] }, changedAt: { type: 'string' }, source: { type: 'string' }, changes: { type: 'array' } } },
      EntityError: { type: 'object', properties: { entityRef: { type: 'string' }, locationKey: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' }, occurredAt: { type: 'string' } } },
      Error: { type: 'object', properties: { error: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } } } } },
    },
  },
} as const;
