import type { Response, Router } from 'express';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type Credentials,
  type HttpAuthService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { InputError, NotFoundError } from '@portico/errors';
import { isValidEntityName, isValidKind, isValidNamespace, parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { CatalogService } from './service/CatalogService';
import { findTooDeep, MAX_ENTITY_DEPTH } from './service/EntityProcessor';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
  parseEntityFilterParams,
  parseFieldKey,
  parseFieldsParam,
  parseOrderFields,
  parseOrderParam,
} from '@portico/plugin-catalog-common';
import { EntityReadAccess } from './service/EntityReadAccess';

const MAX_LIMIT = 10_000;

function intParam(name: string, value: unknown, options: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new InputError(`${name}: must be a whole number`);
  const n = Number(value);
  if (n < options.min || n > options.max) throw new InputError(`${name}: must be between ${options.min} and ${options.max}`);
  return n;
}

function stringParam(name: string, value: unknown, max = 1000): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`${name}: must be given once, as a string`);
  if (value.length > max) throw new InputError(`${name}: longer than ${max} characters`);
  return value;
}

/**
 * Sends JSON text assembled from already-serialised parts. Ending with the string itself lets Node
 * write the headers and the body in one go (express's `send` turns longer bodies into a Buffer, which
 * goes out as a second write).
 */
function sendJsonText(res: Response, text: string, status = 200) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

function refFromParams(params: Record<string, string>): string {
  const { kind, namespace, name } = params;
  if (!isValidKind(kind)) throw new InputError(`params.kind: '${String(kind).slice(0, 64)}' is not a valid kind`);
  if (!isValidNamespace(namespace.toLowerCase())) throw new InputError(`params.namespace: '${String(namespace).slice(0, 64)}' is not a valid namespace`);
  if (!isValidEntityName(name)) throw new InputError(`params.name: '${String(name).slice(0, 64)}' is not a valid entity name`);
  return stringifyEntityRef({ kind, namespace, name });
}

function parseRef(field: string, value: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}

const locationBody = z.object({
  type: z.enum(['file', 'url']).default('url'),
  target: z.string().min(1).max(2048),
});
const byRefsBody = z.object({
  entityRefs: z.array(z.string().max(1024)).max(10_000),
  fields: z.array(z.string().max(200)).max(100).optional(),
});
const refreshBody = z.object({ entityRef: z.string().min(1).max(1024), authorizationToken: z.string().optional() });
const validateBody = z.object({ entity: z.unknown(), location: z.string().max(2048).optional() });

/**
 * A query key read with the catalog's own grammar (Backstage's): its errors name the key alone
 * (`limit: must be a whole number`), as Backstage's catalog answers them.
 */
function queryParam<T>(schema: Record<string, unknown>, parse: (value: unknown) => T) {
  return z
    .unknown()
    .optional()
    .transform((value): T => parse(value))
    .meta(schema);
}

const filterParam = queryParam(
  {
    type: 'array',
    items: { type: 'string' },
    description:
      'Backstage filter: `kind=component,spec.type=service`; repeated keys mean IN, repeated params mean OR, a bare key means exists. Keys may be `relations.<type>`.',
  },
  value => parseEntityFilterParams(value, 'filter'),
);
const fieldsParam = queryParam(
  { type: 'string', description: 'Comma-separated dotted fields to return, e.g. `kind,metadata.name`.' },
  value => parseFieldsParam(value),
);
const intQueryParam = (name: string, options: { min: number; max: number }, description?: string) =>
  queryParam({ type: 'integer', minimum: options.min, maximum: options.max, ...(description ? { description } : {}) }, value =>
    intParam(name, value, options),
  );
const stringQueryParam = (name: string, max: number, description?: string) =>
  queryParam({ type: 'string', maxLength: max, ...(description ? { description } : {}) }, value => stringParam(name, value, max));

/** `:kind/:namespace/:name` as a canonical entity ref. */
const refParams = z.object({ kind: z.string(), namespace: z.string(), name: z.string() }).transform(refFromParams);
const uidParams = z.object({ uid: z.string() });
const locationIdParams = z.object({ id: z.string() });

const entity = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({
      name: z.string(),
      namespace: z.string().optional(),
      uid: z.string().optional(),
      etag: z.string().optional(),
      title: z.string().optional(),
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      tags: z.array(z.string()).optional(),
      links: z.array(z.unknown()).optional(),
    }),
    spec: z.record(z.string(), z.unknown()).optional(),
    relations: z.array(z.object({ type: z.string(), targetRef: z.string() })).optional(),
  })
  // `fields` may project any of them away.
  .partial()
  .meta({ id: 'Entity', description: 'An entity; every stored entity has apiVersion, kind and metadata.name' });
const entityError = z
  .object({
    entityRef: z.string().optional(),
    locationKey: z.string().optional(),
    reason: z.string(),
    message: z.string(),
    occurredAt: z.string().optional(),
    file: z.string().optional().meta({ description: 'The file or URL the problem is in (the location key without its prefix)' }),
    line: z.number().int().optional().meta({ description: "1-based line of the offending field in the file (the document's start when the field is missing)" }),
    field: z.string().optional().meta({ description: 'Dotted path of the offending field, e.g. `spec.owner`' }),
    source: z.string().optional().meta({ description: 'The text of that line, as written' }),
  })
  .meta({ id: 'EntityError' });
const location = z
  .object({
    id: z.string(),
    type: z.string(),
    target: z.string(),
    status: z
      .object({
        errors: z.array(entityError).optional(),
        backoff: z
          .object({ failures: z.number().int(), nextReadInRefreshes: z.number().int(), reason: z.string().optional() })
          .optional()
          .meta({ description: "Present while the location's reads keep failing: it is read again after nextReadInRefreshes refreshes" }),
      })
      .optional(),
  })
  .meta({ id: 'Location' });
const historyEntry = z
  .object({
    id: z.string(),
    entityRef: z.string(),
    action: z.enum(['created', 'updated', 'deleted']),
    changedAt: z.string(),
    source: z.string().optional(),
    changes: z.array(z.unknown()),
  })
  .meta({ id: 'HistoryEntry' });
const ancestry = z.object({
  rootEntityRef: z.string().meta({ description: 'The entity asked for' }),
  items: z.array(
    z.object({
      entity,
      parentEntityRefs: z.array(z.string()).meta({ description: 'Location entities whose target is the file this entity was read from' }),
    }),
  ),
});

export interface CatalogRouterOptions {
  catalog: CatalogService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
}

/** The catalog's HTTP API (Backstage-compatible) plus history, search and errors. */
export function createRouter(options: CatalogRouterOptions): Router {
  const { catalog, auditor } = options;
  const routes = createRouteRegistry({
    pluginId: 'catalog',
    title: 'Portico catalog',
    description: "Compatible with Backstage's catalog API (@backstage/catalog-client), plus history, search and errors.",
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor,
  });
  const access = new EntityReadAccess();

  /** Whether the caller may read the entity (served form); routes of another permission answer 404 when not. */
  async function mayRead(entity: Partial<Entity> | undefined, credentials: Credentials): Promise<boolean> {
    if (!entity) return false;
    if (!options.permissions) return true;
    const [decision] = await options.permissions.authorizeConditional([{ permission: catalogEntityReadPermission }], { credentials });
    return access.allows(access.of(decision), entity);
  }

  routes.route(
    {
      method: 'get',
      path: '/entities',
      summary: 'List entities',
      description: 'Entities matching the filter, with `limit`/`offset` or cursor pagination through the `link` header (`after`).',
      query: z.object({
        filter: filterParam,
        fields: fieldsParam,
        order: queryParam({ type: 'array', items: { type: 'string' }, description: '`asc:metadata.name`' }, parseOrderParam),
        limit: intQueryParam('limit', { min: 0, max: 1_000_000 }),
        offset: intQueryParam('offset', { min: 0, max: 1_000_000_000 }),
        after: stringQueryParam('after', 20_000, 'Opaque cursor from the `link` header'),
      }),
      permission: catalogEntityReadPermission,
      response: { description: 'Entities', schema: z.array(entity) },
    },
    async ({ query, req, res, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      if (read === 'none') return sendJsonText(res, '[]');
      const result = await catalog.queries.listEntities({ ...query, permission: read.criteria });
      if (result.next) {
        const params = new URLSearchParams(req.query as Record<string, string>);
        params.set('after', result.next);
        res.setHeader('link', `<${req.baseUrl}${req.path}?${params.toString()}>; rel="next"`);
      }
      sendJsonText(res, `[${result.items.join(',')}]`);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/by-query',
      rateLimit: { bucket: 'expensive', when: req => Boolean(req.query.fullTextFilterTerm) || Number(req.query.limit) > 1000 },
      summary: 'Query entities with cursor pagination',
      description: 'Entities matching the filter and full-text term, ordered, a page at a time; `totalItems: exclude` skips the count.',
      query: z.object({
        fullTextFilterTerm: stringQueryParam('fullTextFilterTerm', 200),
        fullTextFilterFields: queryParam({ type: 'string' }, value =>
          parseFieldsParam(value, 'fullTextFilterFields')?.map(f => parseFieldKey('fullTextFilterFields', f)),
        ),
        totalItems: queryParam({ enum: ['include', 'exclude'] }, value => {
          const totalItems = stringParam('totalItems', value, 20);
          if (totalItems !== undefined && totalItems !== 'include' && totalItems !== 'exclude') throw new InputError(`totalItems: must be 'include' or 'exclude'`);
          return totalItems;
        }),
        filter: filterParam,
        fields: fieldsParam,
        orderField: queryParam({ type: 'array', items: { type: 'string' }, description: '`metadata.name,asc`' }, value => parseOrderFields(value)),
        limit: intQueryParam('limit', { min: 0, max: MAX_LIMIT }, 'Page size (default 20)'),
        offset: intQueryParam('offset', { min: 0, max: 1_000_000_000 }),
        cursor: stringQueryParam('cursor', 20_000),
      }),
      response: {
        description: 'A page of entities',
        schema: z.object({
          items: z.array(entity),
          totalItems: z.number().int(),
          pageInfo: z.object({ nextCursor: z.string().optional(), prevCursor: z.string().optional() }),
        }),
      },
      permission: catalogEntityReadPermission,
    },
    async ({ query, res, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      if (read === 'none') return sendJsonText(res, '{"items":[],"totalItems":0,"pageInfo":{}}');
      const term = query.fullTextFilterTerm?.trim();
      const result = await catalog.queries.queryEntities({
        filter: query.filter,
        fields: query.fields,
        order: query.orderField,
        fullText: term ? { term, fields: query.fullTextFilterFields } : undefined,
        limit: query.limit ?? 20,
        offset: query.offset,
        cursor: query.cursor,
        skipTotal: query.totalItems === 'exclude',
        permission: read.criteria,
      });
      sendJsonText(res, `{"items":[${result.items.join(',')}],"totalItems":${result.totalItems},"pageInfo":${JSON.stringify(result.pageInfo)}}`);
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/entities/by-refs',
      summary: 'Entities by ref',
      description: 'Entities by ref, in the order asked (null where missing), optionally projected and filtered.',
      query: z.object({ filter: filterParam, fields: fieldsParam }),
      body: byRefsBody,
      response: { description: 'The entities (null for those the caller may not read)', schema: z.object({ items: z.array(entity.nullable()) }) },
      permission: catalogEntityReadPermission,
    },
    async ({ query, body, res, authorizeConditional }) => {
      const refs = body.entityRefs.map((r, i) => parseRef(`entityRefs[${i}]`, r));
      const fields = body.fields?.length ? parseFieldsParam(body.fields.join(','), 'fields') : query.fields;
      const read = await access.of(await authorizeConditional());
      if (read === 'none') return sendJsonText(res, `{"items":[${refs.map(() => 'null').join(',')}]}`);
      const items = await catalog.queries.getByRefs(refs, fields, query.filter, read.criteria);
      sendJsonText(res, `{"items":[${items.join(',')}]}`);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/errors',
      summary: 'Recorded ingestion problems',
      description: 'Problems met reading entities, by entity or location; the last good version of an entity stays served.',
      query: z.object({ entityRef: stringQueryParam('entityRef', 1024), locationKey: stringQueryParam('locationKey', 4096) }),
      response: { description: 'The problems', schema: z.object({ items: z.array(entityError) }) },
      permission: catalogLocationReadPermission,
    },
    async ({ query }) => ({
      items: await catalog.locateErrors(
        await catalog.queries.errors({
          entityRef: query.entityRef ? parseRef('entityRef', query.entityRef) : undefined,
          locationKeys: query.locationKey ? [query.locationKey] : undefined,
        }),
      ),
    }),
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/by-name/:kind/:namespace/:name',
      summary: 'One entity',
      description: 'The entity with this kind, namespace and name.',
      params: refParams,
      response: { description: 'The entity', schema: entity },
      errors: { 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityReadPermission,
    },
    async ({ params: ref, res, authorizeConditional }) => {
      const text = await catalog.queries.getByRefText(ref);
      if (!text || !access.allows(await access.of(await authorizeConditional()), JSON.parse(text))) {
        throw new NotFoundError(`No entity named '${ref}' found`);
      }
      sendJsonText(res, text);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/by-name/:kind/:namespace/:name/ancestry',
      summary: 'The entity and the locations that led to it',
      description: 'The entity and the Location entities that led to it (each once, the entity first).',
      params: refParams,
      response: { description: 'The ancestry (only the entities the caller may read)', schema: ancestry },
      errors: { 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityReadPermission,
    },
    async ({ params: ref, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      const found = await catalog.queries.ancestry(ref);
      const items = found.items.filter(item => access.allows(read, item.entity));
      if (items[0]?.entity !== found.items[0]?.entity) throw new NotFoundError(`No entity named '${ref}' found`);
      const kept = new Set(items.map(item => stringifyEntityRef(item.entity as never).toLowerCase()));
      return { rootEntityRef: found.rootEntityRef, items: items.map(item => ({ ...item, parentEntityRefs: item.parentEntityRefs.filter(p => kept.has(p)) })) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/by-name/:kind/:namespace/:name/history',
      summary: 'History of an entity',
      description: 'Every recorded change of the entity, newest first, with a field diff.',
      params: refParams,
      query: z.object({ limit: intQueryParam('limit', { min: 1, max: 1000 }, 'At most this many changes (default 100)') }),
      response: { description: 'The changes', schema: z.object({ items: z.array(historyEntry) }) },
      errors: { 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityReadPermission,
    },
    async ({ params: ref, query, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      if (read === 'none' || read.conditions) {
        // a removed entity's history is the catalog readers' only; a policy with conditions sees live entities
        const current = await catalog.queries.getByRef(ref);
        if (!current || !access.allows(read, current)) throw new NotFoundError(`No entity ${ref}`);
      }
      return catalog.queries.history(ref, query.limit ?? 100);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/by-uid/:uid',
      summary: 'One entity by uid',
      description: 'The entity with this uid.',
      params: uidParams,
      response: { description: 'The entity', schema: entity },
      errors: { 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityReadPermission,
    },
    async ({ params: { uid }, authorizeConditional }) => {
      const found = uid.length <= 64 ? await catalog.queries.getByUid(uid) : undefined;
      if (!found || !access.allows(await access.of(await authorizeConditional()), found)) throw new NotFoundError(`No entity with uid ${uid.slice(0, 64)}`);
      return found;
    },
  );

  routes.route(
    {
      method: 'delete',
      path: '/entities/by-uid/:uid',
      summary: 'Remove an entity',
      description: 'Removes an entity by uid (its provider may emit it again).',
      params: uidParams,
      response: { status: 204, description: 'Removed' },
      errors: { 403: 'The caller may not delete it', 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityDeletePermission,
    },
    async ({ params: { uid }, authorize, req, credentials }) => {
      const found = uid.length <= 64 ? await catalog.queries.getByUid(uid) : undefined;
      // one the caller may not read is not found, so existence does not leak through a 403
      if (!found || !(await mayRead(found, credentials))) throw new NotFoundError(`No entity with uid ${uid.slice(0, 64)}`);
      const entityRef = stringifyEntityRef(found as never);
      await authorize(entityRef);
      await audited(auditor, { action: catalogEntityDeletePermission.name, resourceRef: entityRef, request: req }, async () => {
        const removed = await catalog.ingestion.removeEntityByUid(uid, 'api');
        if (!removed) throw new NotFoundError(`No entity with uid ${uid.slice(0, 64)}`);
      });
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entity-facets',
      summary: 'Value counts of fields',
      description: 'For each facet (a dotted field), the values it takes among the entities matching the filter, with counts.',
      query: z.object({
        facet: queryParam({ type: 'array', items: { type: 'string' } }, value => {
          const raw = value === undefined ? [] : [value].flat();
          if (raw.length === 0) throw new InputError('facet: at least one facet is required');
          if (raw.length > 50) throw new InputError('facet: at most 50 facets');
          return raw.map(f => {
            if (typeof f !== 'string') throw new InputError('facet: must be a string');
            parseFieldKey('facet', f);
            return f;
          });
        }),
        filter: filterParam,
      }),
      response: {
        description: 'Value counts per facet',
        schema: z.object({ facets: z.record(z.string(), z.array(z.object({ value: z.string(), count: z.number().int() }))) }),
      },
      permission: catalogEntityReadPermission,
    },
    async ({ query, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      if (read === 'none') return { facets: Object.fromEntries(query.facet.map(f => [f, []])) };
      return { facets: await catalog.queries.facets(query.facet, query.filter, read.criteria) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/search',
      rateLimit: 'expensive',
      summary: 'Full-text search',
      description: 'Entities matching the term, ranked by relevance, optionally of some kinds.',
      query: z.object({
        term: queryParam({ type: 'string', maxLength: 200 }, value => {
          const term = stringParam('term', value, 200);
          if (!term || !term.trim()) throw new InputError('term: is required');
          return term;
        }),
        limit: intQueryParam('limit', { min: 1, max: 100 }, 'At most this many results (default 20)'),
        kind: queryParam({ type: 'array', items: { type: 'string' } }, value =>
          value === undefined
            ? undefined
            : [value].flat().map(k => {
                if (typeof k !== 'string' || !isValidKind(k)) throw new InputError(`kind: '${String(k).slice(0, 64)}' is not a valid kind`);
                return k;
              }),
        ),
      }),
      response: {
        description: 'Ranked results',
        schema: z.object({ items: z.array(z.object({ entityRef: z.string(), entity, rank: z.number() })) }),
      },
      permission: catalogEntityReadPermission,
    },
    async ({ query, res, authorizeConditional }) => {
      const read = await access.of(await authorizeConditional());
      if (read === 'none') return sendJsonText(res, '{"items":[]}');
      sendJsonText(res, await catalog.queries.searchText(query.term, query.limit ?? 20, query.kind, read.criteria));
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/locations',
      summary: 'Register a location',
      description: 'Registers a location and reads it; with `dryRun=true` it is read and reported only.',
      query: z.object({ dryRun: stringQueryParam('dryRun', 10, '`true` to read and report without storing') }),
      body: locationBody,
      response: {
        status: 201,
        description: 'Created',
        schema: z.object({
          location,
          entities: z.array(entity),
          errors: z.array(entityError).meta({ description: 'Problems met reading it: unreadable files, refused documents, invalid entities' }).optional(),
          exists: z.boolean().optional(),
        }),
      },
      errors: { 400: 'The target yields no valid entity (details.errors lists why); nothing is registered', 409: 'Registered already' },
      permission: catalogLocationCreatePermission,
    },
    async ({ query, body, req }) => {
      const dryRun = query.dryRun === 'true' || query.dryRun === '1';
      const added = dryRun
        ? await catalog.locations.add(body, true)
        : await audited(auditor, { action: catalogLocationCreatePermission.name, resourceRef: `${body.type}:${body.target}`, request: req }, async () => {
          // A target that yields no valid entity is refused, with every problem found, and nothing of it stays:
          // registered, it would only sit in the location list reporting errors. (Read once: a 20,000-entity file
          // was read and validated a second time only to check this.)
          const result = await catalog.locations.add(body, false);
          if (result.refused) {
            const errors = await catalog.locateErrors(result.errors);
            const first = errors[0] ? `; first: ${errors[0].message}` : '';
            throw new InputError(`target: ${body.target} yields no valid entity (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was registered${first}`, { errors });
          }
          return result;
        });
      return { ...added, errors: await catalog.locateErrors(added.errors) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/locations',
      summary: 'Registered locations',
      description: 'Every registered location.',
      response: { description: 'Locations', schema: z.array(z.object({ data: location })) },
      permission: catalogLocationReadPermission,
    },
    async () => (await catalog.locations.list()).map(data => ({ data })),
  );

  routes.route(
    {
      method: 'get',
      path: '/locations/by-entity/:kind/:namespace/:name',
      summary: 'The location an entity came from',
      description: 'The registered location an entity was read from.',
      params: refParams,
      response: { description: 'The location', schema: location },
      errors: { 404: 'No such entity or location (or the caller may not read the entity)' },
      permission: catalogLocationReadPermission,
    },
    async ({ params: ref, credentials }) => {
      if (!(await mayRead(await catalog.queries.getByRef(ref), credentials))) throw new NotFoundError(`No location for entity ${ref}`);
      const found = await catalog.locationOfEntity(ref);
      if (!found) throw new NotFoundError(`No location for entity ${ref}`);
      return found;
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/locations/:id',
      summary: 'A location',
      description: 'A location with its status (errors, backoff).',
      params: locationIdParams,
      response: { description: 'The location', schema: location },
      errors: { 404: 'No such location' },
      permission: catalogLocationReadPermission,
    },
    ({ params }) => catalog.locations.get(params.id.slice(0, 128)),
  );

  routes.route(
    {
      method: 'delete',
      path: '/locations/:id',
      summary: 'Remove a location',
      description: 'Removes a location and the entities read from it.',
      params: locationIdParams,
      response: { status: 204, description: 'Removed' },
      errors: { 404: 'No such location' },
      permission: catalogLocationDeletePermission,
    },
    async ({ params, req }) => {
      const id = params.id.slice(0, 128);
      await audited(auditor, { action: catalogLocationDeletePermission.name, resourceRef: id, request: req }, () => catalog.locations.remove(id));
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/refresh',
      rateLimit: 'expensive',
      summary: "Re-read the entity's source",
      description: 'Reads the source of an entity again now.',
      body: refreshBody,
      response: { description: 'Refreshed', schema: z.object({}) },
      errors: { 403: 'The caller may not refresh it', 404: 'No such entity (or the caller may not read it)' },
      permission: catalogEntityRefreshPermission,
    },
    async ({ body, authorize, req, credentials }) => {
      const entityRef = parseRef('entityRef', body.entityRef);
      if (!(await mayRead(await catalog.queries.getByRef(entityRef), credentials))) throw new NotFoundError(`No entity named '${entityRef}' found`);
      await authorize(entityRef);
      await audited(auditor, { action: catalogEntityRefreshPermission.name, resourceRef: entityRef, request: req }, () => catalog.refreshEntity(entityRef));
      return {};
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/validate-entity',
      summary: 'Validate an entity without storing it',
      description: 'Checks an entity as ingestion would; a 400 lists each problem, naming its field.',
      body: validateBody,
      response: { description: 'Valid', schema: z.object({}) },
    },
    ({ body, res }) => {
      const tooDeep = findTooDeep(body.entity, MAX_ENTITY_DEPTH);
      const errors = tooDeep ? [`entity.${tooDeep}: nested deeper than ${MAX_ENTITY_DEPTH} levels`] : catalog.validateEntity(body.entity);
      if (errors.length) {
        res.status(400).json({
          errors: errors.map(message => ({ name: 'InputError', message })),
          error: { name: 'InputError', message: errors.join('; ') },
        });
        return undefined;
      }
      return {};
    },
  );

  return routes.router;
}
