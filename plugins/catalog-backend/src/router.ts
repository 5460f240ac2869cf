import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { InputError, NotFoundError, parseInput } from '@portico/backend-plugin-api';
import { isValidEntityName, isValidKind, isValidNamespace, parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import type { CatalogService } from './service/CatalogService';
import { findTooDeep, MAX_ENTITY_DEPTH } from './service/EntityProcessor';
import {
  parseEntityFilterParams,
  parseFieldKey,
  parseFieldsParam,
  parseOrderFields,
  parseOrderParam,
} from './service/filters';
import { catalogOpenApi } from './openapi';

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

/** The catalog's HTTP API (Backstage-compatible) plus history, search and errors. */
export function createRouter(catalog: CatalogService): express.Router {
  const router = express.Router();

  router.get('/openapi.json', (_req, res) => {
    res.json(catalogOpenApi);
  });

  router.get('/entities', async (req: Request, res: Response) => {
    const q = req.query;
    const result = await catalog.queries.listEntities({
      filter: parseEntityFilterParams(q.filter, 'filter'),
      fields: parseFieldsParam(q.fields),
      order: parseOrderParam(q.order),
      limit: intParam('limit', q.limit, { min: 0, max: 1_000_000 }),
      offset: intParam('offset', q.offset, { min: 0, max: 1_000_000_000 }),
      after: stringParam('after', q.after, 20_000),
    });
    if (result.next) {
      const params = new URLSearchParams(req.query as Record<string, string>);
      params.set('after', result.next);
      res.setHeader('link', `<${req.baseUrl}${req.path}?${params.toString()}>; rel="next"`);
    }
    sendJsonText(res, `[${result.items.join(',')}]`);
  });

  router.get('/entities/by-query', async (req: Request, res: Response) => {
    const q = req.query;
    const fullTextFilterTerm = stringParam('fullTextFilterTerm', q.fullTextFilterTerm, 200)?.trim();
    const fullTextFields = parseFieldsParam(q.fullTextFilterFields, 'fullTextFilterFields')?.map(f => parseFieldKey('fullTextFilterFields', f));
    const totalItems = stringParam('totalItems', q.totalItems, 20);
    if (totalItems !== undefined && totalItems !== 'include' && totalItems !== 'exclude') throw new InputError(`totalItems: must be 'include' or 'exclude'`);
    const result = await catalog.queries.queryEntities({
      filter: parseEntityFilterParams(q.filter, 'filter'),
      fields: parseFieldsParam(q.fields),
      order: parseOrderFields(q.orderField),
      fullText: fullTextFilterTerm ? { term: fullTextFilterTerm, fields: fullTextFields } : undefined,
      limit: intParam('limit', q.limit, { min: 0, max: MAX_LIMIT }) ?? 20,
      offset: intParam('offset', q.offset, { min: 0, max: 1_000_000_000 }),
      cursor: stringParam('cursor', q.cursor, 20_000),
      skipTotal: totalItems === 'exclude',
    });
    sendJsonText(res, `{"items":[${result.items.join(',')}],"totalItems":${result.totalItems},"pageInfo":${JSON.stringify(result.pageInfo)}}`);
  });

  router.post('/entities/by-refs', async (req: Request, res: Response) => {
    const body = parseInput('body', byRefsBody, req.body ?? {});
    const refs = body.entityRefs.map((r, i) => parseRef(`entityRefs[${i}]`, r));
    const fields = body.fields?.length ? parseFieldsParam(body.fields.join(','), 'fields') : parseFieldsParam(req.query.fields);
    const items = await catalog.queries.getByRefs(refs, fields, parseEntityFilterParams(req.query.filter, 'filter'));
    sendJsonText(res, `{"items":[${items.join(',')}]}`);
  });

  router.get('/entities/errors', async (req: Request, res: Response) => {
    const entityRef = stringParam('entityRef', req.query.entityRef, 1024);
    const locationKey = stringParam('locationKey', req.query.locationKey, 4096);
    const items = await catalog.queries.errors({
      entityRef: entityRef ? parseRef('entityRef', entityRef) : undefined,
      locationKeys: locationKey ? [locationKey] : undefined,
    });
    res.json({ items });
  });

  router.get('/entities/by-name/:kind/:namespace/:name', async (req: Request, res: Response) => {
    const ref = refFromParams(req.params as Record<string, string>);
    const entity = await catalog.queries.getByRefText(ref);
    if (!entity) throw new NotFoundError(`No entity named '${ref}' found`);
    sendJsonText(res, entity);
  });

  router.get('/entities/by-name/:kind/:namespace/:name/ancestry', async (req: Request, res: Response) => {
    res.json(await catalog.queries.ancestry(refFromParams(req.params as Record<string, string>)));
  });

  router.get('/entities/by-name/:kind/:namespace/:name/history', async (req: Request, res: Response) => {
    const limit = intParam('limit', req.query.limit, { min: 1, max: 1000 }) ?? 100;
    res.json(await catalog.queries.history(refFromParams(req.params as Record<string, string>), limit));
  });

  router.get('/entities/by-uid/:uid', async (req: Request, res: Response) => {
    const uid = String(req.params.uid);
    const entity = uid.length <= 64 ? await catalog.queries.getByUid(uid) : undefined;
    if (!entity) throw new NotFoundError(`No entity with uid ${uid.slice(0, 64)}`);
    res.json(entity);
  });

  router.delete('/entities/by-uid/:uid', async (req: Request, res: Response) => {
    const uid = String(req.params.uid);
    const removed = uid.length <= 64 ? await catalog.ingestion.removeEntityByUid(uid, 'api') : undefined;
    if (!removed) throw new NotFoundError(`No entity with uid ${uid.slice(0, 64)}`);
    res.status(204).end();
  });

  router.get('/entity-facets', async (req: Request, res: Response) => {
    const raw = req.query.facet === undefined ? [] : [req.query.facet].flat();
    if (raw.length === 0) throw new InputError('facet: at least one facet is required');
    if (raw.length > 50) throw new InputError('facet: at most 50 facets');
    const facets = raw.map(f => {
      if (typeof f !== 'string') throw new InputError('facet: must be a string');
      parseFieldKey('facet', f);
      return f;
    });
    const result = await catalog.queries.facets(facets, parseEntityFilterParams(req.query.filter, 'filter'));
    res.json({ facets: result });
  });

  router.get('/search', async (req: Request, res: Response) => {
    const term = stringParam('term', req.query.term, 200);
    if (!term || !term.trim()) throw new InputError('term: is required');
    const limit = intParam('limit', req.query.limit, { min: 1, max: 100 }) ?? 20;
    const kinds = req.query.kind === undefined ? undefined : [req.query.kind].flat().map(k => {
      if (typeof k !== 'string' || !isValidKind(k)) throw new InputError(`kind: '${String(k).slice(0, 64)}' is not a valid kind`);
      return k;
    });
    res.json(await catalog.queries.search(term, limit, kinds));
  });

  router.post('/locations', async (req: Request, res: Response) => {
    const body = parseInput('body', locationBody, req.body ?? {});
    const dryRun = stringParam('dryRun', req.query.dryRun, 10);
    const result = await catalog.locations.add(body, dryRun === 'true' || dryRun === '1');
    res.status(201).json(result);
  });

  router.get('/locations', async (_req: Request, res: Response) => {
    res.json(catalog.locations.list().map(data => ({ data })));
  });

  router.get('/locations/by-entity/:kind/:namespace/:name', async (req: Request, res: Response) => {
    const ref = refFromParams(req.params as Record<string, string>);
    const location = await catalog.locationOfEntity(ref);
    if (!location) throw new NotFoundError(`No location for entity ${ref}`);
    res.json(location);
  });

  router.get('/locations/:id', async (req: Request, res: Response) => {
    res.json(await catalog.locations.get(String(req.params.id).slice(0, 128)));
  });

  router.delete('/locations/:id', async (req: Request, res: Response) => {
    await catalog.locations.remove(String(req.params.id).slice(0, 128));
    res.status(204).end();
  });

  router.post('/refresh', async (req: Request, res: Response) => {
    const body = parseInput('body', refreshBody, req.body ?? {});
    await catalog.refreshEntity(parseRef('entityRef', body.entityRef));
    res.status(200).json({});
  });

  router.post('/validate-entity', async (req: Request, res: Response) => {
    const body = parseInput('body', validateBody, req.body ?? {});
    const tooDeep = findTooDeep(body.entity, MAX_ENTITY_DEPTH);
    const errors = tooDeep
      ? [`entity.${tooDeep}: nested deeper than ${MAX_ENTITY_DEPTH} levels`]
      : catalog.validateEntity(body.entity);
    if (errors.length) {
      res.status(400).json({
        errors: errors.map(message => ({ name: 'InputError', message })),
        error: { name: 'InputError', message: errors.join('; ') },
      });
      return;
    }
    res.status(200).json({});
  });

  return router;
}
