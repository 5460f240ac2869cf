import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { InputError, PorticoError } from '@portico/errors';
import { createPermission } from '@portico/permission-common';
import { createRouteRegistry, parseRequestPart } from './createRouteRegistry';

const Thing = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Thing' });

function app() {
  const routes = createRouteRegistry({ pluginId: 'things', title: 'Things', description: 'Things and more things.' });
  routes.route(
    {
      method: 'get',
      path: '/things/:id',
      summary: 'One thing',
      description: 'The thing with this id.',
      params: z.object({ id: z.string().min(2) }),
      query: z.object({ limit: z.coerce.number().int().min(1).default(10), filter: z.union([z.string(), z.array(z.string())]).optional() }),
      response: { description: 'The thing', schema: Thing },
      errors: { 404: 'No such thing' },
      auth: 'user',
      permission: createPermission({ name: 'things.read', attributes: { action: 'read' } }),
    },
    ({ params, query }) => ({ id: params.id, name: `${query.limit}:${[query.filter ?? []].flat().join('|')}` }),
  );
  routes.route(
    {
      method: 'post',
      path: '/things',
      summary: 'Add a thing',
      description: 'Stores a thing.',
      body: z.object({ name: z.string().min(1) }),
      response: { status: 201, description: 'Stored', schema: Thing },
    },
    ({ body }) => ({ id: 'new', name: body.name }),
  );
  routes.route(
    { method: 'delete', path: '/things/:id', summary: 'Remove', description: 'Removes a thing.', response: { status: 204, description: 'Removed' } },
    () => undefined,
  );
  const server = express();
  server.use(express.json());
  server.use(routes.router);
  server.use((error: PorticoError, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.statusCode ?? 500).json({ error: error.toJSON() });
  });
  return { server, routes };
}

describe('createRouteRegistry', () => {
  it('hands the handler parsed params and query, keeping repeated keys as an array', async () => {
    const res = await request(app().server).get('/things/ab?limit=5&filter=a&filter=b').expect(200);
    expect(res.body).toEqual({ id: 'ab', name: '5:a|b' });
    const defaulted = await request(app().server).get('/things/ab?filter=kind=component').expect(200);
    expect(defaulted.body.name).toBe('10:kind=component');
  });

  it('answers bad input with one 400 body naming each field', async () => {
    const res = await request(app().server).get('/things/ab?limit=0&filter=a&filter=1&filter=').expect(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(/^query\.limit: /);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
    const params = await request(app().server).get('/things/a').expect(400);
    expect(params.body.error.message).toMatch(/^params\.id: /);
    const body = await request(app().server).post('/things').send({}).expect(400);
    expect(body.body.error.message).toMatch(/^body\.name: /);
  });

  it('sends the returned value with the route status, or an empty answer', async () => {
    expect((await request(app().server).post('/things').send({ name: 'x' }).expect(201)).body).toEqual({ id: 'new', name: 'x' });
    await request(app().server).delete('/things/ab').expect(204);
  });

  it('serves an OpenAPI 3.1 document made from the route schemas', async () => {
    const doc = (await request(app().server).get('/openapi.json').expect(200)).body;
    expect(doc).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/api/things' }], info: { title: 'Things' } });
    const get = doc.paths['/things/{id}'].get;
    expect(get.description).toBe('The thing with this id.');
    expect(get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path', required: true }),
        expect.objectContaining({ name: 'filter', in: 'query', required: false, style: 'form', explode: true }),
      ]),
    );
    expect(get.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(Object.keys(get.responses)).toEqual(['200', '400', '404']);
    expect(get['x-portico-permission']).toEqual({ type: 'basic', name: 'things.read', attributes: { action: 'read' } });
    expect(doc.components.schemas.Thing.required).toEqual(['id', 'name']);
    expect(doc.paths['/things'].post.requestBody.content['application/json'].schema.required).toEqual(['name']);
  });

  it('refuses a route without a description when it is declared', () => {
    const routes = createRouteRegistry({ pluginId: 'things', title: 'Things', description: 'x' });
    expect(() =>
      routes.route({ method: 'get', path: '/x', summary: 'X', description: '', response: { description: 'ok' } }, () => undefined),
    ).toThrow("Route GET /x of plugin 'things' has no description");
  });
});

describe('parseRequestPart', () => {
  it('throws an InputError naming the failing field', () => {
    expect(() => parseRequestPart('body', z.object({ spec: z.object({ owner: z.string() }) }), { spec: { owner: 42 } })).toThrow(InputError);
    expect(() => parseRequestPart('body', z.object({ spec: z.object({ owner: z.string() }) }), { spec: { owner: 42 } })).toThrow(/^body\.spec\.owner: /);
  });
});
